import type { IDataObject } from 'n8n-workflow';

import { asList, callStatusList } from './callStatuses';
import { CALL_HOOKS_PATH } from './endpoints';
import type { AwazRequest } from './transport';

/**
 * A call-event subscription at Awaz, as both nodes make, compare and remove it: the trigger for
 * its own webhook URL, the Call Event Subscription resource for any URL.
 */

/** The part of a call-event subscription that says which events Awaz sends. */
export interface SubscriptionFilter {
	/** Agent ids; empty means all agents. */
	agents: string[];
	status: string[];
}

export interface Subscription extends SubscriptionFilter {
	hookUrl: string;
}

/**
 * The Statuses and Agents fields (`statuses`, `agentIds`) as a subscription's `status` and
 * `agents`, or what is wrong with Statuses (for `invalidFieldMessage`).
 */
export function readSubscriptionFilter(
	statuses: unknown,
	agentIds: unknown,
): SubscriptionFilter | { problem: string } {
	const checked = callStatusList(statuses);
	if ('problem' in checked) return checked;
	return { agents: asList(agentIds), status: checked.status };
}

/** The request that subscribes `hookUrl` at Awaz; its body is what Awaz keeps. */
export function subscribeRequest({ hookUrl, agents, status }: Subscription): AwazRequest {
	return { method: 'POST', path: CALL_HOOKS_PATH, body: { hookUrl, agents, status } };
}

/** The request that removes Awaz's subscription for `hookUrl`. */
export function unsubscribeRequest(hookUrl: string): AwazRequest {
	return { method: 'DELETE', path: CALL_HOOKS_PATH, qs: { hookUrl } };
}

/** The request that lists every subscription of the workspace. */
export const LIST_SUBSCRIPTIONS: AwazRequest = { method: 'GET', path: CALL_HOOKS_PATH };

/** An agent as a subscription or a call event names it: an id, or an object with an id. */
export function agentIdOf(agent: unknown): string | undefined {
	if (typeof agent === 'string' || typeof agent === 'number') return String(agent);
	if (agent && typeof agent === 'object' && 'id' in agent) {
		const { id } = agent as IDataObject;
		return id === undefined || id === null ? undefined : String(id);
	}
	return undefined;
}

const asSet = (list: string[]) => [...new Set(list)].sort().join('\n');

/** Whether two filters let the same events through: order and repeats do not matter. */
export function sameFilter(a: SubscriptionFilter, b: SubscriptionFilter): boolean {
	return asSet(a.status) === asSet(b.status) && asSet(a.agents) === asSet(b.agents);
}

/** A subscription as Awaz lists it, read tolerantly (the response shape is undocumented). */
export function filterOfListedSubscription(entry: IDataObject): SubscriptionFilter {
	const agents = Array.isArray(entry.agents) ? entry.agents.map(agentIdOf) : asList(entry.agents);
	return {
		agents: agents.filter((id): id is string => Boolean(id)),
		status: asList(entry.status),
	};
}
