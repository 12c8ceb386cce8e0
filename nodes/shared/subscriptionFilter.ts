import type { IDataObject } from 'n8n-workflow';

import { CALL_STATUSES } from './callStatuses';

/** The part of a call-event subscription that says which events Awaz sends. */
export interface SubscriptionFilter {
	/** Agent ids; empty means all agents. */
	agents: string[];
	status: string[];
}

/** A multi-select's value, or a comma-separated list typed as an expression. */
export function asList(value: unknown): string[] {
	const list = Array.isArray(value) ? value : String(value ?? '').split(',');
	return list.map((entry) => String(entry).trim()).filter(Boolean);
}

/** A multi-select of call statuses as a list, or what is wrong with it (empty, or a status Awaz does not know). */
export function callStatusList(statuses: unknown): { status: string[] } | { problem: string } {
	const status = asList(statuses);
	if (status.length === 0) return { problem: 'is empty; choose at least one status' };
	const unknown = status.filter((entry) => !CALL_STATUSES.includes(entry));
	if (unknown.length) {
		return {
			problem: `has ${unknown.map((entry) => `"${entry}"`).join(', ')}, which Awaz does not know; use ${CALL_STATUSES.join(', ')}`,
		};
	}
	return { status };
}

/** The Statuses and Agents fields as a subscription body's `status` and `agents`, or what is wrong. */
export function subscriptionFilter(
	statuses: unknown,
	agentIds: unknown,
): SubscriptionFilter | { problem: string } {
	const checked = callStatusList(statuses);
	if ('problem' in checked) return checked;
	return { agents: asList(agentIds), status: checked.status };
}

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
