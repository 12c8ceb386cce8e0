import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { CALL_STATUSES } from '../../../shared/callStatuses';
import { agentIdsField, statusesField } from '../../../shared/fields';
import { readSubscriptionFilter, subscribeRequest } from '../../../shared/subscription';
import { invalidField, readFields } from '../../helpers/validation';
import type { AwazOperation } from '../operation';
import { ONE_AT_A_TIME_WRITE } from '../operation';
import { showFor } from '../fields';
import { hookUrlField } from './fields';

const show = showFor('subscription', 'create');

export const create: AwazOperation = {
	traits: ONE_AT_A_TIME_WRITE,
	description: [
		{
			...hookUrlField,
			description: 'The URL Awaz will POST call events to',
			displayOptions: show,
		},
		{ ...statusesField, displayOptions: show },
		{ ...agentIdsField, displayOptions: show },
	],
	plan(this: IExecuteFunctions, itemIndex) {
		const { hookUrl } = readFields<{ hookUrl: string }>(this, itemIndex, [
			{ parameter: 'hookUrl', label: 'Hook URL', kind: 'httpUrl' },
		]);
		const filter = readSubscriptionFilter(
			this.getNodeParameter('statuses', itemIndex, CALL_STATUSES),
			this.getNodeParameter('agentIds', itemIndex, []),
		);
		if ('problem' in filter) throw invalidField(this, itemIndex, 'Statuses', filter.problem);
		const request = subscribeRequest({ hookUrl, ...filter });
		return {
			kind: 'single',
			request,
			whenNoBody: { subscribed: true, ...(request.body as IDataObject) },
		};
	},
};
