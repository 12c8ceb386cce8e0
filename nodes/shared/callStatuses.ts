import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** The call statuses Awaz can send events for, in the API's order, with when each is sent. */
export const CALL_STATUS_OPTIONS: INodePropertyOptions[] = [
	{
		name: 'Outcome',
		value: 'outcome',
		description: 'The call ended and its outcome (summary and extracted variables) is ready',
	},
	{ name: 'Pickup', value: 'pickup', description: 'The contact answered the call' },
	{ name: 'Busy', value: 'busy', description: 'The line was busy' },
	{ name: 'Completed', value: 'completed', description: 'The call finished normally' },
	{ name: 'Voicemail', value: 'voicemail', description: 'The call reached voicemail' },
	{
		name: 'Failed',
		value: 'failed',
		description: 'The call could not be placed or dropped with an error',
	},
	{
		name: 'Canceled',
		value: 'canceled',
		description: 'The scheduled call was canceled before it was placed',
	},
];

export const CALL_STATUSES = CALL_STATUS_OPTIONS.map((option) => option.value as string);

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
