import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { AGENTS_PATH } from './endpoints';
import { awazApiRequest, listItems } from './transport';
import type { AwazRequest } from './transport';

/** The workspace's agents for the Agents multi-select of both nodes. */
export async function getAgents(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const request: AwazRequest = { method: 'GET', path: AGENTS_PATH };
	const agents = listItems(this, await awazApiRequest.call(this, request), request);
	return agents
		.map((agent) => ({ name: String(agent.name ?? agent.id), value: String(agent.id) }))
		.sort((a, b) => a.name.localeCompare(b.name));
}
