import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../fields';
import type { ResourceOperations } from '../operation';
import { create } from './create.operation';
import { deleteSubscription } from './delete.operation';
import { getAll } from './getAll.operation';

export const subscriptionOperations: ResourceOperations<'subscription'> = {
	create,
	delete: deleteSubscription,
	getAll,
};

export const subscriptionDescription: INodeProperties[] = [
	operationSelector(
		'subscription',
		[
			{
				name: 'Create',
				value: 'create',
				action: 'Subscribe a URL to call events',
				description:
					'Have Awaz POST call events (pickup, outcome, voicemail…) to a URL. To start a workflow on call events, use the Awaz Trigger node instead.',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a call event subscription',
				description: 'Stop Awaz from sending call events to a URL',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many call event subscriptions',
				description: 'List the URLs subscribed to call events, with their statuses and agents',
			},
		],
		'getAll',
	),
	...create.description,
	...deleteSubscription.description,
	...getAll.description,
];
