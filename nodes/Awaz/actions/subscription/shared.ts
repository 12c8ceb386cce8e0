import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { CALL_STATUSES } from '../../../shared/callStatuses';
import { subscriptionFilter } from '../../../shared/subscriptionFilter';
import { invalidField } from '../../helpers/validation';

export const hookUrlField: INodeProperties = {
	displayName: 'Hook URL',
	name: 'hookUrl',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. https://example.com/awaz-events',
};

/** The `agents` and `status` of a subscription body, checked against the API's statuses. */
export function readStatusesAndAgents(ctx: IExecuteFunctions, itemIndex: number) {
	const filter = subscriptionFilter(
		ctx.getNodeParameter('statuses', itemIndex, CALL_STATUSES),
		ctx.getNodeParameter('agentIds', itemIndex, []),
	);
	if ('problem' in filter) throw invalidField(ctx, itemIndex, 'Statuses', filter.problem);
	return filter;
}
