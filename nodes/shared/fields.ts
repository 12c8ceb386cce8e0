import type { INodeProperties } from 'n8n-workflow';

import { CALL_STATUS_OPTIONS, CALL_STATUSES } from './callStatuses';

/** How both nodes say that a field's value is refused: `problem` reads on from "field". */
export function invalidFieldMessage(label: string, problem: string): string {
	return `The "${label}" field ${problem}`;
}

/** The Statuses multi-select of both nodes; each gives it its own description. */
export const statusesField: INodeProperties = {
	displayName: 'Statuses',
	name: 'statuses',
	type: 'multiOptions',
	options: CALL_STATUS_OPTIONS,
	default: [...CALL_STATUSES],
	required: true,
	description: 'The call statuses to be told about',
};

/** The Agents multi-select of both nodes, filled by `getAgents`. */
export const agentIdsField: INodeProperties = {
	displayName: 'Agent Names or IDs',
	name: 'agentIds',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getAgents' },
	default: [],
	description:
		'Only calls made by these agents; none chosen means all agents. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};
