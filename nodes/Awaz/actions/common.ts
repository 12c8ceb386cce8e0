import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readFields } from '../helpers/validation';
import type { AwazRequest } from '../../shared/transport';
import type { AwazOperation, Plan } from './operation';
import { ONE_AT_A_TIME_READ } from './operation';

export function showFor(resource: string, operation: string) {
	return { show: { resource: [resource], operation: [operation] } };
}

/** The standard Return All / Limit pair of n8n's "Get Many" operations. */
export function returnAllFields(resource: string, operation = 'getAll'): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			displayOptions: showFor(resource, operation),
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			displayOptions: {
				show: { resource: [resource], operation: [operation], returnAll: [false] },
			},
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
		},
	];
}

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

/** A resource's operation selector, from its operations' names and texts. */
export function operationSelector(
	resource: string,
	options: Array<{ name: string; value: string; action: string; description: string }>,
	defaultOperation: string,
): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options,
		default: defaultOperation,
	};
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
