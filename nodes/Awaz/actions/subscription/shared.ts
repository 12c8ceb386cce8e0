import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { CALL_STATUSES } from '../../helpers/descriptions';
import { invalidField } from '../../helpers/validation';

export const hookUrlField: INodeProperties = {
	displayName: 'Hook URL',
	name: 'hookUrl',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. https://example.com/awaz-events',
};

function asList(value: unknown): string[] {
	const list = Array.isArray(value) ? value : String(value ?? '').split(',');
	return list.map((entry) => String(entry).trim()).filter(Boolean);
}

/** The `agents` and `status` of a subscription body, checked against the API's statuses. */
export function readStatusesAndAgents(ctx: IExecuteFunctions, itemIndex: number) {
	const status = asList(ctx.getNodeParameter('statuses', itemIndex, CALL_STATUSES));
	if (status.length === 0) {
		throw invalidField(ctx, itemIndex, 'Statuses', 'is empty; choose at least one status');
	}
	const unknown = status.filter((entry) => !CALL_STATUSES.includes(entry));
	if (unknown.length) {
		throw invalidField(
			ctx,
			itemIndex,
			'Statuses',
			`has ${unknown.map((entry) => `"${entry}"`).join(', ')}, which Awaz does not know; use ${CALL_STATUSES.join(', ')}`,
		);
	}
	const agents = asList(ctx.getNodeParameter('agentIds', itemIndex, []));
	return { agents, status };
}
