import type { IExecuteFunctions } from 'n8n-workflow';

import { agentIdsField, statusesField } from '../../../shared/callStatuses';
import { CALL_HOOKS_PATH } from '../../../shared/endpoints';
import { readFields } from '../../helpers/validation';
import type { AwazOperation } from '../operation';
import { ONE_AT_A_TIME_WRITE } from '../operation';
import { showFor } from '../common';
import { hookUrlField, readStatusesAndAgents } from './shared';

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
		const { agents, status } = readStatusesAndAgents(this, itemIndex);
		const body = { hookUrl, agents, status };
		return {
			kind: 'single',
			request: { method: 'POST', path: CALL_HOOKS_PATH, body },
			whenNoBody: { subscribed: true, ...body },
		};
	},
};
