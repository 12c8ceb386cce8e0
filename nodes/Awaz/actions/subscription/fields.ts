import type { INodeProperties } from 'n8n-workflow';

export const hookUrlField: INodeProperties = {
	displayName: 'Hook URL',
	name: 'hookUrl',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. https://example.com/awaz-events',
};
