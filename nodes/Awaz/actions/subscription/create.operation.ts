import type { IExecuteFunctions } from 'n8n-workflow';

import { agentIdsField, statusesField } from '../../helpers/descriptions';
import { readFields } from '../../helpers/validation';
import type { AwazOperation } from '../common';
import { showFor } from '../common';
import { hookUrlField, readStatusesAndAgents } from './shared';

const show = showFor('subscription', 'create');

export const create: AwazOperation = {
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
		const { agents, status } = readStatusesAndAgents(this, itemIndex);
		const body = { hookUrl, agents, status };
		return {
			kind: 'single',
			writes: true,
			request: { method: 'POST', path: '/v1/hooks/calls', body },
			whenNoBody: { subscribed: true, ...body },
		};
	},
};
