import type { IExecuteFunctions } from 'n8n-workflow';

import { callPath } from '../../../shared/endpoints';
import { callLocator, showFor } from '../fields';
import { readFields } from '../../helpers/validation';
import type { AwazOperation } from '../operation';

/**
 * Lookups may overlap: waiting out every round trip in turn makes a batch slow, and a lookup sent
 * early harms nothing. Kept below any rate-limit window, so a new window is never overrun.
 */
const CONCURRENT_LOOKUPS = 8;

export const get: AwazOperation = {
	traits: { writes: false, parallelItems: CONCURRENT_LOOKUPS },
	description: [
		{
			...callLocator('The call to get, with its status, contact and extracted variables'),
			displayOptions: showFor('call', 'get'),
		},
	],
	plan(this: IExecuteFunctions, itemIndex) {
		const { callId } = readFields<{ callId: string }>(this, itemIndex, [
			{ parameter: 'callId', label: 'Call', kind: 'id' },
		]);
		return {
			kind: 'single',
			request: { method: 'GET', path: callPath(callId) },
			whenNoBody: { id: callId },
			notFoundMessage: `Awaz has no call with id ${callId}`,
		};
	},
};
