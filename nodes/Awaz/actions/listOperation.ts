import type { IExecuteFunctions } from 'n8n-workflow';

import { readFields } from '../helpers/validation';
import type { AwazRequest } from '../../shared/transport';
import type { AwazOperation, Plan } from './operation';
import { ONE_AT_A_TIME_READ } from './operation';
import { returnAllFields } from './fields';

/** The plan of a "Get Many": all of the list, or up to the item's Limit. */
export function listPlan(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: AwazRequest,
	paged: boolean,
): Plan {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	if (returnAll) return { kind: 'list', request, paged };
	// An expression can make the limit anything; 0, -1 or "abc" would silently return too little.
	const { limit } = readFields<{ limit: number }>(ctx, itemIndex, [
		{ parameter: 'limit', label: 'Limit', kind: 'positiveInteger' },
	]);
	return { kind: 'list', request, paged, limit };
}

/** "Get Many" over an endpoint that answers with the whole list at once. */
export function unpagedListOperation(resource: string, path: string): AwazOperation {
	return {
		description: returnAllFields(resource),
		traits: ONE_AT_A_TIME_READ,
		plan(this: IExecuteFunctions, itemIndex) {
			return listPlan(this, itemIndex, { method: 'GET', path }, false);
		},
	};
}
