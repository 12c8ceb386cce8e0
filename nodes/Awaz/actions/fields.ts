// The Awaz node's fields that several operations use; a field of one resource lives in its folder
// (`<resource>/fields.ts`), a field of both nodes in nodes/shared/fields.ts.
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

/** The `displayOptions` of a field that belongs to one operation. */
export function showFor(resource: string, operation: string) {
	return { show: { resource: [resource], operation: [operation] } };
}

/** The standard Return All / Limit pair of n8n's "Get Many" operations. */
export function returnAllFields(resource: string, operation = 'getAll'): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			displayOptions: showFor(resource, operation),
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			displayOptions: {
				show: { resource: [resource], operation: [operation], returnAll: [false] },
			},
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
		},
	];
}

/** A resource's operation selector, from its operations' names and texts. */
export function operationSelector(
	resource: string,
	options: Array<{ name: string; value: string; action: string; description: string }>,
	defaultOperation: string,
): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options,
		default: defaultOperation,
	};
}
