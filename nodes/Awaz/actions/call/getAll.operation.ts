import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { CALLS_PATH } from '../../../shared/endpoints';
import type { AwazOperation } from '../operation';
import { ONE_AT_A_TIME_READ } from '../operation';
import { returnAllFields, showFor } from '../fields';
import { listPlan } from '../listOperation';

export const getAll: AwazOperation = {
	traits: ONE_AT_A_TIME_READ,
	description: [
		...returnAllFields('call'),
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			displayOptions: showFor('call', 'getAll'),
			default: {},
			options: [
				{
					displayName: 'Call ID',
					name: 'id',
					type: 'string',
					default: '',
					placeholder: 'e.g. 674b1c995e504fadc9b6fab9',
					description: 'Return only the call with this ID',
				},
			],
		},
	] as INodeProperties[],
	plan(this: IExecuteFunctions, itemIndex) {
		const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		const id = String(filters.id ?? '').trim();
		// One call at most matches an id: one request, no walk through the pages.
		if (id)
			return listPlan(
				this,
				itemIndex,
				{ method: 'GET', path: CALLS_PATH, qs: { page: 0, id } },
				false,
			);
		return listPlan(this, itemIndex, { method: 'GET', path: CALLS_PATH }, true);
	},
};
