import type { IExecuteFunctions } from 'n8n-workflow';

import { CONTACTS_PATH } from '../../../shared/endpoints';
import { additionalFields, phoneNumberField, showFor } from '../fields';
import { readFields } from '../../helpers/validation';
import type { AwazOperation } from '../operation';
import { ONE_AT_A_TIME_WRITE } from '../operation';

const show = showFor('contact', 'create');

export const create: AwazOperation = {
	traits: ONE_AT_A_TIME_WRITE,
	description: [
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. Jane Doe',
			displayOptions: show,
		},
		{ ...phoneNumberField("The contact's number, "), displayOptions: show },
		{
			...additionalFields([
				{
					displayName: 'Email',
					name: 'email',
					type: 'string',
					placeholder: 'name@email.com',
					default: '',
				},
			]),
			displayOptions: show,
		},
	],
	plan(this: IExecuteFunctions, itemIndex) {
		const body = readFields<{ name: string; phone: string; email?: string }>(this, itemIndex, [
			{ parameter: 'name', label: 'Name', kind: 'text' },
			{ parameter: 'phone', label: 'Phone Number', kind: 'phone' },
			{ parameter: 'additionalFields.email', label: 'Email', kind: 'email', optional: true },
		]);
		return {
			kind: 'single',
			request: { method: 'POST', path: CONTACTS_PATH, body },
			whenNoBody: { created: true, ...body },
		};
	},
};
