import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../fields';
import type { ResourceOperations } from '../operation';
import { get } from './get.operation';
import { getAll } from './getAll.operation';
import { schedule } from './schedule.operation';
import { scheduleAndWait } from './scheduleAndWait.operation';
import { waitForOutcome } from './waitForOutcome.operation';

export const callOperations: ResourceOperations<'call'> = {
	get,
	getAll,
	schedule,
	scheduleAndWait,
	waitForOutcome,
};

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
			{
				name: 'Schedule and Wait for Outcome',
				value: 'scheduleAndWait',
				action: 'Schedule an AI phone call and wait for its outcome',
				description:
					'Have an AI agent phone a person and wait until the call has ended: output the call with its status and the variables the agent extracted',
			},
			{
				name: 'Wait for Outcome',
				value: 'waitForOutcome',
				action: 'Wait for the outcome of a call',
				description:
					'Wait until a call scheduled earlier or elsewhere has ended: output the call with its status and extracted variables',
			},
		],
		'schedule',
	),
	...schedule.description,
	...scheduleAndWait.description,
	...get.description,
	...getAll.description,
	...waitForOutcome.description,
];
