import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** The call statuses Awaz can send events for, in the API's order, with when each is sent. */
export const CALL_STATUS_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Outcome', value: 'outcome', description: 'The call ended and its outcome (summary and extracted variables) is ready' },
	{ name: 'Pickup', value: 'pickup', description: 'The contact answered the call' },
	{ name: 'Busy', value: 'busy', description: 'The line was busy' },
	{ name: 'Completed', value: 'completed', description: 'The call finished normally' },
	{ name: 'Voicemail', value: 'voicemail', description: 'The call reached voicemail' },
	{ name: 'Failed', value: 'failed', description: 'The call could not be placed or dropped with an error' },
	{ name: 'Canceled', value: 'canceled', description: 'The scheduled call was canceled before it was placed' },
];

export const CALL_STATUSES = CALL_STATUS_OPTIONS.map((option) => option.value as string);

export const statusesField: INodeProperties = {
	displayName: 'Statuses',
	name: 'statuses',
	type: 'multiOptions',
	options: CALL_STATUS_OPTIONS,
	default: [...CALL_STATUSES],
	required: true,
	description: 'The call statuses to be told about',
};

export const agentIdsField: INodeProperties = {
	displayName: 'Agent Names or IDs',
	name: 'agentIds',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getAgents' },
	default: [],
	description:
		'Only calls made by these agents; none chosen means all agents. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

/** A resource locator with a searchable list and a pasted-ID mode, as n8n's own nodes have. */
export function idLocator(options: {
	displayName: string;
	name: string;
	searchListMethod: string;
	thing: string;
	description: string;
}): INodeProperties {
	return {
		displayName: options.displayName,
		name: options.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: options.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: `Select ${options.thing}...`,
				typeOptions: { searchListMethod: options.searchListMethod, searchable: true },
			},
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 65ff9abe3fdcbe533d3be143',
			},
		],
	};
}
