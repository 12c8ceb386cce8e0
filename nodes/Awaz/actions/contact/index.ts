import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../fields';
import type { ResourceOperations } from '../operation';
import { create } from './create.operation';

export const contactOperations: ResourceOperations<'contact'> = { create };

export const contactDescription: INodeProperties[] = [
	operationSelector(
		'contact',
		[
			{
				name: 'Create',
				value: 'create',
				action: 'Create a contact',
				description: 'Save a new contact (name, phone number and optional email) in the workspace',
			},
		],
		'create',
	),
	...create.description,
];
