import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ADD_CREDITS_PATH, ADD_MINUTES_PATH } from '../../../shared/endpoints';
import { additionalFields, showFor } from '../fields';
import { readFields } from '../../helpers/validation';
import type { AwazOperation } from '../operation';
import { ONE_AT_A_TIME_WRITE } from '../operation';

/** Add Credits and Add Minutes differ only in the amount they top up and where they send it. */
export function topUpOperation(amount: 'credits' | 'minutes', operation: string): AwazOperation {
	const show = showFor('workspace', operation);
	const label = amount === 'credits' ? 'Credits' : 'Minutes';
	const description: INodeProperties[] = [
		{
			displayName: 'Company Email',
			name: 'companyEmail',
			type: 'string',
			placeholder: 'name@email.com',
			required: true,
			default: '',
			description: "The email of the workspace's company account",
			displayOptions: show,
		},
		{
			displayName: label,
			name: amount,
			type: 'number',
			required: true,
			typeOptions: { minValue: 0.01, numberPrecision: 2 },
			default: 10,
			description: `How many ${amount} to add`,
			displayOptions: show,
		},
		{
			...additionalFields([
				{
					displayName: 'Company ID',
					name: 'companyId',
					type: 'string',
					default: '',
					description: 'The company ID, to pick the right company when several share the email',
				},
			]),
			displayOptions: show,
		},
	];
	return {
		description,
		traits: ONE_AT_A_TIME_WRITE,
		plan(this: IExecuteFunctions, itemIndex) {
			const values = readFields<IDataObject>(this, itemIndex, [
				{ parameter: 'companyEmail', label: 'Company Email', kind: 'email' },
				{ parameter: amount, label, kind: 'positiveNumber' },
				{
					parameter: 'additionalFields.companyId',
					label: 'Company ID',
					kind: 'id',
					optional: true,
				},
			]);
			const company: IDataObject = { email: values.companyEmail };
			if (values.companyId) company.id = values.companyId;
			const body = { company, [amount]: values[amount] };
			return {
				kind: 'single',
				request: {
					method: 'POST',
					path: amount === 'credits' ? ADD_CREDITS_PATH : ADD_MINUTES_PATH,
					body,
				},
				whenNoBody: { added: true, ...body },
				notFoundMessage: `Awaz has no workspace with the email ${values.companyEmail}${
					values.companyId ? ` and the ID ${values.companyId}` : ''
				}`,
			};
		},
	};
}
