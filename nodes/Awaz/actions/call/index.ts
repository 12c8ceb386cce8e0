import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../common';
import type { ResourceOperations } from '../operation';
import { get } from './get.operation';
import { getAll } from './getAll.operation';
import { schedule } from './schedule.operation';

export const callOperations: ResourceOperations<'call'> = { get, getAll, schedule };

export const callDescription: INodeProperties[] = [
	operationSelector(
		'call',
		[
			{
				name: 'Get',
				value: 'get',
				action: 'Get the status and outcome of a call',
				description:
					'Get one call by ID: its status, contact, transcript data and extracted variables',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many calls with their status and outcome',
				description: 'List calls with their status, contact and extracted variables',
			},
			{
				name: 'Schedule',
				value: 'schedule',
				action: 'Schedule an AI phone call',
				description:
					'Have an AI agent phone a person now or at a set time, from one of the workspace phones',
			},
		],
		'schedule',
	),
	...schedule.description,
	...get.description,
	...getAll.description,
];
