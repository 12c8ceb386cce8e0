import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { DOCUMENTED_LIMIT_PER_MINUTE } from '../shared/transport';
import { agentDescription } from './actions/agent';
import { callDescription } from './actions/call';
import { contactDescription } from './actions/contact';
import { contactListDescription } from './actions/contactList';
import { phoneDescription } from './actions/phone';
import { runSelectedOperation } from './actions/router';
import { subscriptionDescription } from './actions/subscription';
import { workspaceDescription } from './actions/workspace';
import { MAX_TIMEOUT_SECONDS, MAX_WAIT_SECONDS } from './helpers/validation';
import { listSearch, loadOptions } from './methods';

export class Awaz implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Awaz',
		name: 'awaz',
		icon: { light: 'file:../../icons/awaz.svg', dark: 'file:../../icons/awaz.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Schedule AI phone calls with Awaz.ai and read their outcomes, agents, phones and contacts',
		defaults: {
			name: 'Awaz',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'awazApi',
				required: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Agent',
						value: 'agent',
					},
					{
						name: 'Call',
						value: 'call',
					},
					{
						name: 'Call Event Subscription',
						value: 'subscription',
					},
					{
						name: 'Contact',
						value: 'contact',
					},
					{
						name: 'Contact List',
						value: 'contactList',
					},
					{
						name: 'Phone',
						value: 'phone',
					},
					{
						name: 'Workspace',
						value: 'workspace',
					},
				],
				default: 'call',
			},
			...agentDescription,
			...callDescription,
			...subscriptionDescription,
			...contactDescription,
			...contactListDescription,
			...phoneDescription,
			...workspaceDescription,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Max Wait for Rate Limit',
						name: 'maxRateLimitWait',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: MAX_WAIT_SECONDS },
						default: 300,
						description: `Seconds one request may wait in all for the rate limit (${DOCUMENTED_LIMIT_PER_MINUTE} requests a minute per API key) before the item fails. Waiting is what lets big batches finish with no item lost.`,
					},
					{
						displayName: 'Max Wait When Busy',
						name: 'maxBusyWait',
						type: 'number',
						typeOptions: { minValue: 0, maxValue: MAX_WAIT_SECONDS },
						default: 300,
						description:
							'Seconds one request may keep retrying in all while Awaz answers 503 (high traffic) before the item fails',
					},
					{
						displayName: 'Timeout',
						name: 'timeout',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: MAX_TIMEOUT_SECONDS },
						default: 30,
						description:
							'Seconds to wait for Awaz to answer one request. A write that times out is never sent again, since Awaz may have carried it out.',
					},
				],
			},
		],
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runSelectedOperation.call(this);
	}
}
