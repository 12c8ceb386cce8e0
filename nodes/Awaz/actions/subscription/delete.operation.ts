import type { IExecuteFunctions } from 'n8n-workflow';

import { unsubscribeRequest } from '../../../shared/subscription';
import { readFields } from '../../helpers/validation';
import type { AwazOperation } from '../operation';
import { ONE_AT_A_TIME_WRITE } from '../operation';
import { showFor } from '../fields';
import { hookUrlField } from './fields';

export const deleteSubscription: AwazOperation = {
	traits: ONE_AT_A_TIME_WRITE,
	description: [
		{
			...hookUrlField,
			description: 'The subscribed URL to stop sending call events to',
			displayOptions: showFor('subscription', 'delete'),
		},
	],
	plan(this: IExecuteFunctions, itemIndex) {
		const { hookUrl } = readFields<{ hookUrl: string }>(this, itemIndex, [
			{ parameter: 'hookUrl', label: 'Hook URL', kind: 'httpUrl' },
		]);
		return {
			kind: 'single',
			request: unsubscribeRequest(hookUrl),
			whenNoBody: { deleted: true, hookUrl },
			notFoundMessage: `Awaz has no subscription for ${hookUrl}`,
		};
	},
};
