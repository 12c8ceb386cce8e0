import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { awazApiRequest, listItems } from '../transport';

/** The workspace's agents for multi-selects; shared with the Awaz Trigger. */
export async function getAgents(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const request = { method: 'GET' as const, path: '/v1/agents' };
	const agents = listItems(this, await awazApiRequest.call(this, request), request);
	return agents
		.map((agent) => ({ name: String(agent.name ?? agent.id), value: String(agent.id) }))
		.sort((a, b) => a.name.localeCompare(b.name));
}
