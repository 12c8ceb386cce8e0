import type { IExecuteFunctions } from 'n8n-workflow';

import { callLocator } from '../../helpers/descriptions';
import type { AwazOperation } from '../operation';
import { ONE_AT_A_TIME_READ } from '../operation';
import { showFor } from '../common';
import { get } from './get.operation';
import { readWaitSettings, waitFields, waitPhase } from './waitForStatus';

/**
 * Call → Wait for Outcome, for calls scheduled elsewhere or earlier: Call → Get's read of each
 * call, then a second phase that waits for those not yet at a Wait For status.
 */
export const waitForOutcome: AwazOperation = {
	traits: ONE_AT_A_TIME_READ,
	description: [
		{
			...callLocator('The call to wait for'),
			displayOptions: showFor('call', 'waitForOutcome'),
		},
		...waitFields('waitForOutcome', 'counted from now'),
	],
	plan(this: IExecuteFunctions, itemIndex) {
		const plan = get.plan.call(this, itemIndex);
		readWaitSettings(this, itemIndex, 0);
		return plan;
	},
	async afterItems(results, tools) {
		return await waitPhase(this, results, tools, (_itemIndex, now) => now);
	},
};
