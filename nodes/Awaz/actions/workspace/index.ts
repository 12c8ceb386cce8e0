import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../fields';
import type { ResourceOperations } from '../operation';
import { addCredits } from './addCredits.operation';
import { addMinutes } from './addMinutes.operation';

export const workspaceOperations: ResourceOperations<'workspace'> = { addCredits, addMinutes };

export const workspaceDescription: INodeProperties[] = [
	operationSelector(
		'workspace',
		[
			{
				name: 'Add Credits',
				value: 'addCredits',
				action: 'Add credits to a workspace',
				description:
					"Top up a white-label workspace's credits (needs an API key with reseller rights)",
			},
			{
				name: 'Add Minutes',
				value: 'addMinutes',
				action: 'Add minutes to a workspace',
				description:
					"Top up a white-label workspace's calling minutes (needs an API key with reseller rights)",
			},
		],
		'addCredits',
	),
	...addCredits.description,
	...addMinutes.description,
];
