import type { IExecuteFunctions } from 'n8n-workflow';

import { CALLS_PATH } from '../../../shared/endpoints';
import {
	callingHoursField,
	placeInCallingHours,
	readCallingHours,
} from '../../helpers/callingHours';
import { idLocator, phoneNumberField, showFor } from '../fields';
import { readFields } from '../../helpers/validation';
import type { AwazOperation } from '../operation';
import { PLACES_CALLS } from '../operation';

const show = showFor('call', 'schedule');

type ScheduleValues = {
	agentId: string;
	fromPhoneId: string;
	name: string;
	phone: string;
	datetime: string;
};

/** What Schedule works out for a second phase: when the call is due (epoch ms). */
export interface SchedulePayload {
	dueAtMs: number;
}

export const schedule: AwazOperation<SchedulePayload> = {
	traits: PLACES_CALLS,
	description: [
		{
			...idLocator({
				displayName: 'Agent',
				name: 'agentId',
				searchListMethod: 'searchAgents',
				thing: 'an agent',
				description: 'The AI voice agent that makes the call',
			}),
			displayOptions: show,
		},
		{
			...idLocator({
				displayName: 'From Phone',
				name: 'fromPhoneId',
				searchListMethod: 'searchPhones',
				thing: 'a phone',
				description:
					"The workspace phone to call from. In ID mode give the phone's ID from Phone → Get Many, not its number.",
			}),
			displayOptions: show,
		},
		{
			displayName: 'Contact Name',
			name: 'name',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. Jane Doe',
			description: 'The name of the person to call, as the agent will use it',
			displayOptions: show,
		},
		{ ...phoneNumberField('The number to call, '), displayOptions: show },
		{
			displayName: 'Date and Time',
			name: 'datetime',
			type: 'dateTime',
			default: '',
			description:
				"When to place the call (ISO 8601). Leave empty to call now. A time without an offset is taken in the workflow's timezone.",
			displayOptions: show,
		},
		{ ...callingHoursField, displayOptions: show },
	],
	plan(this: IExecuteFunctions, itemIndex) {
		const values = readFields<ScheduleValues>(this, itemIndex, [
			{ parameter: 'agentId', label: 'Agent', kind: 'id' },
			{ parameter: 'fromPhoneId', label: 'From Phone', kind: 'id' },
			{ parameter: 'name', label: 'Contact Name', kind: 'text' },
			{ parameter: 'phone', label: 'Phone Number', kind: 'phone' },
			{ parameter: 'datetime', label: 'Date and Time', kind: 'datetime' },
		]);
		// Calling Hours: the Date and Time (or now) checked, and moved, in the contact's time zone.
		const callingHours = readCallingHours(this, itemIndex);
		const placed =
			callingHours &&
			placeInCallingHours(this, itemIndex, callingHours, values.phone, values.datetime, Date.now());
		if (placed) values.datetime = placed.datetime;
		const body = {
			agent: values.agentId,
			name: values.name,
			phone: values.phone,
			from: values.fromPhoneId,
			datetime: values.datetime,
		};
		return {
			kind: 'single',
			request: { method: 'POST', path: CALLS_PATH, body },
			whenNoBody: { scheduled: true, ...body },
			// The output says what Calling Hours did: the zones, the time asked for and scheduled.
			...(placed ? { annotate: { callingHours: placed.report } } : {}),
			payload: { dueAtMs: placed?.dueAtMs ?? Date.parse(values.datetime) },
		};
	},
};
