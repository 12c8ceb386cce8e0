import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../fields';
import type { ResourceOperations } from '../operation';
import { getAll } from './getAll.operation';

export const phoneOperations: ResourceOperations<'phone'> = { getAll };

export const phoneDescription: INodeProperties[] = [
	operationSelector(
		'phone',
		[
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many phone numbers to call from',
				description:
					'List the phone numbers of the workspace that calls can be made from, with their IDs',
			},
		],
		'getAll',
	),
	...getAll.description,
];
