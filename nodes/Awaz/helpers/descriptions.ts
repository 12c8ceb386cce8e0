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

/** The Call field of operations on one call: a searchable list of calls, or a pasted call ID. */
export function callLocator(description: string): INodeProperties {
	return idLocator({
		displayName: 'Call',
		name: 'callId',
		searchListMethod: 'searchCalls',
		thing: 'a call',
		description,
	});
}

/** A required E.164 phone number field (`phone`); `purpose` starts its description. */
export function phoneNumberField(purpose: string): INodeProperties {
	return {
		displayName: 'Phone Number',
		name: 'phone',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. +14155550123',
		description: `${purpose}in international E.164 format (+ and country code). Spaces, dashes and brackets are removed.`,
	};
}

/** n8n's "Additional Fields" collection for an operation's optional fields. */
export function additionalFields(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options,
	};
}
