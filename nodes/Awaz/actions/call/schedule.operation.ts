import type { IExecuteFunctions } from 'n8n-workflow';

import { CALLS_PATH } from '../../../shared/endpoints';
import {
	callingHoursField,
	keepCallingHours,
	placeInCallingHours,
	readCallingHours,
	takeCallingHours,
} from '../../helpers/callingHours';
import { idLocator, phoneNumberField } from '../../helpers/descriptions';
import { readFields } from '../../helpers/validation';
import type { AwazOperation, ItemResult } from '../operation';
import { PLACES_CALLS } from '../operation';
import { showFor } from '../common';

const show = showFor('call', 'schedule');

type ScheduleValues = {
	agentId: string;
	fromPhoneId: string;
	name: string;
	phone: string;
	datetime: string;
};

export const schedule: AwazOperation = {
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
		if (callingHours) {
			const placed = placeInCallingHours(
				this,
				itemIndex,
				callingHours,
				values.phone,
				values.datetime,
				Date.now(),
			);
			keepCallingHours(this, itemIndex, placed);
			values.datetime = placed.datetime;
		}
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
		};
	},
	/** Calling Hours on the output: the zones, the time asked for and scheduled, whether it moved. */
	async afterItems(results) {
		return withCallingHours(results, takeCallingHours(this));
	},
};

/** Each item's output items with what Calling Hours did to its call, for items that had it. */
export function withCallingHours(
	results: ItemResult[],
	kept: ReturnType<typeof takeCallingHours>,
): ItemResult[] {
	return results.map((result, itemIndex) =>
		'output' in result && kept[itemIndex]
			? {
					output: result.output.map((item) => ({
						...item,
						json: { ...item.json, callingHours: kept[itemIndex].report },
					})),
				}
			: result,
	);
}
