import type { INodeProperties } from 'n8n-workflow';

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
