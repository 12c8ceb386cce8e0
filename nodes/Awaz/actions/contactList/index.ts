import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../fields';
import type { ResourceOperations } from '../operation';
import { getAll } from './getAll.operation';

export const contactListOperations: ResourceOperations<'contactList'> = { getAll };

export const contactListDescription: INodeProperties[] = [
	operationSelector(
		'contactList',
		[
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many contact lists',
				description: 'List the contact lists of the workspace',
			},
		],
		'getAll',
	),
	...getAll.description,
];
