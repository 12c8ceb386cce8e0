import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
	NodeApiError,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { agentIdsField, statusesField } from '../shared/fields';
import { sameFilter, subscribeRequest } from '../shared/subscription';
import { getAgents } from '../shared/agentOptions';
import { awazApiRequest, DOCUMENTED_LIMIT_PER_MINUTE } from '../shared/transport';
import { ANSWER_CONTENT_TYPE, RECEIVED, receiveCallEvents } from './events';
import { REREAD_PAUSES_MS } from './verification';
import {
	LIFECYCLE_SCOPE,
	lifecycleError,
	staticDataOf,
	subscriptionsFor,
	unsubscribe,
	wantedFilterOf,
	webhookUrlOf,
} from './subscription';

export class AwazTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Awaz Trigger',
		name: 'awazTrigger',
		icon: { light: 'file:../../icons/awaz.svg', dark: 'file:../../icons/awaz.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["statuses"].join(", ")}}',
		// n8n's node panel merges a trigger into the action node of the same name and shows the
		// trigger's description for both: it has to speak for the whole package.
		description:
			'Schedule AI phone calls with Awaz.ai and start workflows when calls are picked up, end or fail',
		defaults: {
			name: 'Awaz Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'awazApi',
				required: true,
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: RECEIVED,
				// n8n would send its answer (RECEIVED) as text/html; an expression is how a webhook
				// description gives n8n an object.
				responseHeaders: `={{ ${JSON.stringify({
					entries: [
						{ name: 'content-type', value: ANSWER_CONTENT_TYPE },
						{ name: 'x-content-type-options', value: 'nosniff' },
					],
				})} }}`,
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					'Publishing (activating) the workflow subscribes this trigger at Awaz for the chosen statuses and agents, and unpublishing it removes the subscription: there is nothing to set up in Awaz. While the editor listens for a test event (after "Execute step"), its test URL is subscribed too, until the event arrives or listening stops.',
				name: 'subscriptionNotice',
				type: 'notice',
				default: '',
			},
			{
				...statusesField,
				description: 'The call statuses that start the workflow',
			},
			agentIdsField,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Verify With Awaz',
						name: 'verifyEvents',
						type: 'boolean',
						default: false,
						description: `Whether to start the workflow only for events Awaz confirms: each event's call is read back from Awaz by its ID and must exist, be made by one of the chosen agents and be at the event's status or later; the item is then the call as Awaz shows it. Costs one request per event from the API key's rate limit (${DOCUMENTED_LIMIT_PER_MINUTE} a minute), and for a call Awaz does not show yet up to ${REREAD_PAUSES_MS.length} more over ${REREAD_PAUSES_MS.reduce((a, b) => a + b, 0) / 1000} s, while Awaz waits for the answer.`,
					},
				],
			},
		],
	};

	methods = { loadOptions: { getAgents } };

	webhookMethods = {
		default: {
			/**
			 * True only when Awaz holds exactly one subscription for this node's URL and it asks for
			 * the node's statuses and agents; otherwise n8n calls `create`, which replaces it.
			 */
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const hookUrl = webhookUrlOf(this);
				const wanted = wantedFilterOf(this);
				let found;
				try {
					found = await subscriptionsFor(this, hookUrl);
				} catch (error) {
					throw lifecycleError(
						this,
						error as NodeApiError,
						'Could not read the call-event subscriptions at Awaz',
						'The workflow was not subscribed to call events.',
					);
				}
				// Remembered so that `create` knows, without asking Awaz again, that it must replace.
				const staticData = staticDataOf(this);
				if (found.length > 0) staticData.subscription = found[0];
				else delete staticData.subscription;
				return found.length === 1 && sameFilter(found[0], wanted);
			},

			async create(this: IHookFunctions): Promise<boolean> {
				const hookUrl = webhookUrlOf(this);
				const wanted = wantedFilterOf(this);
				const staticData = staticDataOf(this);
				try {
					// Awaz might add a second subscription for the same URL instead of replacing the
					// first: removing the old one first means there is never more than one.
					if (staticData.subscription?.hookUrl === hookUrl) {
						await unsubscribe(this, hookUrl);
						delete staticData.subscription;
					}
					await awazApiRequest.call(
						this,
						subscribeRequest({ hookUrl, ...wanted }),
						LIFECYCLE_SCOPE,
					);
					staticData.subscription = { hookUrl, ...wanted };
				} catch (error) {
					throw lifecycleError(
						this,
						error as NodeApiError,
						`Could not subscribe ${hookUrl} to call events at Awaz`,
						'The workflow will not receive call events until it is activated again.',
					);
				}
				return true;
			},

			/** A subscription that is already gone (404) counts as deleted; other failures are reported. */
			async delete(this: IHookFunctions): Promise<boolean> {
				const hookUrl = webhookUrlOf(this);
				try {
					await unsubscribe(this, hookUrl);
				} catch (error) {
					throw lifecycleError(
						this,
						error as NodeApiError,
						`Could not delete the call-event subscription for ${hookUrl} at Awaz`,
						'Awaz may keep sending call events to this URL. Deactivate the workflow again later, or delete the subscription with the Awaz node (Call Event Subscription → Delete).',
					);
				}
				delete staticDataOf(this).subscription;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallEvents.call(this);
	}
}
