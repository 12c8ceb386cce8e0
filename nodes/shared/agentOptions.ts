import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { AGENTS_PATH } from './endpoints';
import { awazApiRequest, listItems } from './transport';
import type { AwazRequest } from './transport';

/** The workspace's agents as Awaz lists them, each as a choice: its name (or id) and its id. */
export async function agentChoices(ctx: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const request: AwazRequest = { method: 'GET', path: AGENTS_PATH };
	const agents = listItems(ctx, await awazApiRequest.call(ctx, request), request);
	return agents.map((agent) => ({ name: String(agent.name ?? agent.id), value: String(agent.id) }));
}

/** The Agents multi-select of both nodes, by name. */
export async function getAgents(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return (await agentChoices(this)).sort((a, b) => a.name.localeCompare(b.name));
}
