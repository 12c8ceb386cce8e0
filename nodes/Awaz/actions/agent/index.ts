import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../fields';
import type { ResourceOperations } from '../operation';
import { getAll } from './getAll.operation';

export const agentOperations: ResourceOperations<'agent'> = { getAll };

export const agentDescription: INodeProperties[] = [
	operationSelector(
		'agent',
		[
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many AI voice agents',
				description: 'List the AI voice agents of the workspace, with their IDs and names',
			},
		],
		'getAll',
	),
	...getAll.description,
];
