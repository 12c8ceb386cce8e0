import type { IHookFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { CALL_STATUSES } from '../shared/callStatuses';
import { invalidFieldMessage } from '../shared/fields';
import type { Subscription, SubscriptionFilter } from '../shared/subscription';
import {
	filterOfListedSubscription,
	LIST_SUBSCRIPTIONS,
	readSubscriptionFilter,
	unsubscribeRequest,
} from '../shared/subscription';
import type { RequestScope } from '../shared/transport';
import { awazApiRequest, listItems } from '../shared/transport';

/**
 * Someone is waiting in the editor while n8n activates or deactivates the workflow, and n8n gives
 * that context no cancel signal: the transport keeps its waits short (UNCANCELLABLE_WAITS: 20 s
 * for the rate limit, 10 s of 503s) with the same backoff and number of tries as an execution's.
 */
export const LIFECYCLE_SCOPE: RequestScope = {};

/** The node's static data: what Awaz holds for this node's URL, as last seen or set by it. */
export interface TriggerStaticData {
	subscription?: Subscription;
}

export function staticDataOf(ctx: IHookFunctions): TriggerStaticData {
	return ctx.getWorkflowStaticData('node') as TriggerStaticData;
}

/** The production URL when the workflow is activated, the test URL while the editor listens. */
export function webhookUrlOf(ctx: IHookFunctions): string {
	const url = ctx.getNodeWebhookUrl('default');
	if (!url) throw new NodeOperationError(ctx.getNode(), 'n8n has no webhook URL for this node');
	return url;
}

export function wantedFilterOf(ctx: IHookFunctions): SubscriptionFilter {
	const filter = readSubscriptionFilter(
		ctx.getNodeParameter('statuses', CALL_STATUSES),
		ctx.getNodeParameter('agentIds', []),
	);
	if ('problem' in filter) {
		throw new NodeOperationError(ctx.getNode(), invalidFieldMessage('Statuses', filter.problem), {
			description: 'Nothing was subscribed at Awaz.',
		});
	}
	return filter;
}

/** An Awaz failure with what it means for the subscription put first. */
export function lifecycleError(
	ctx: IHookFunctions,
	error: { message: string; description?: string | null; httpCode?: string | null },
	message: string,
	consequence: string,
): NodeApiError {
	const httpCode = error.httpCode ?? undefined;
	const description = [consequence, error.description].filter(Boolean).join(' ');
	const text = `${message}: ${error.message}`;
	return new NodeApiError(
		ctx.getNode(),
		{ message: text, description, ...(httpCode ? { httpCode } : {}) } as JsonObject,
		{ message: text, description, ...(httpCode ? { httpCode } : {}) },
	);
}

export async function subscriptionsFor(
	ctx: IHookFunctions,
	hookUrl: string,
): Promise<Subscription[]> {
	const listed = listItems(
		ctx,
		await awazApiRequest.call(ctx, LIST_SUBSCRIPTIONS, LIFECYCLE_SCOPE),
		LIST_SUBSCRIPTIONS,
		LIFECYCLE_SCOPE,
	);
	return listed
		.filter((entry) => entry.hookUrl === hookUrl)
		.map((entry) => ({ hookUrl, ...filterOfListedSubscription(entry) }));
}

/** Removes Awaz's subscription for the URL; one that is already gone (404) counts as removed. */
export async function unsubscribe(ctx: IHookFunctions, hookUrl: string): Promise<void> {
	try {
		await awazApiRequest.call(ctx, unsubscribeRequest(hookUrl), LIFECYCLE_SCOPE);
	} catch (error) {
		if ((error as NodeApiError).httpCode === '404') {
			ctx.logger.debug(`Awaz Trigger: Awaz had no subscription for ${hookUrl} left to delete`);
			return;
		}
		// Hands the transport's NodeApiError back unchanged.
		throw new NodeApiError(ctx.getNode(), error as JsonObject);
	}
}
