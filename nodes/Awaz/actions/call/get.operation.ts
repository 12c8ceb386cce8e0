import type { IExecuteFunctions } from 'n8n-workflow';

import { idLocator } from '../../helpers/descriptions';
import { readFields } from '../../helpers/validation';
import type { AwazOperation } from '../common';
import { showFor } from '../common';

export const get: AwazOperation = {
	description: [
		{
			...idLocator({
				displayName: 'Call',
				name: 'callId',
				searchListMethod: 'searchCalls',
				thing: 'a call',
				description: 'The call to get, with its status, contact and extracted variables',
			}),
			displayOptions: showFor('call', 'get'),
		},
	],
	plan(this: IExecuteFunctions, itemIndex) {
		const { callId } = readFields<{ callId: string }>(this, itemIndex, [
			{ parameter: 'callId', label: 'Call', kind: 'id' },
		]);
		return {
			kind: 'single',
			writes: false,
			request: { method: 'GET', path: `/v1/calls/${encodeURIComponent(callId)}` },
			whenNoBody: { id: callId },
			notFoundMessage: `Awaz has no call with id ${callId}`,
		};
	},
};
