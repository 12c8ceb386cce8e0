import type { IExecuteFunctions } from 'n8n-workflow';

import { callLocator, showFor } from '../fields';
import { readFields } from '../../helpers/validation';
import type { AwazOperation } from '../operation';
import { ONE_AT_A_TIME_READ } from '../operation';
import type { CallWait } from './waitFields';
import { readWaitSettings, waitFields } from './waitFields';
import { waitPhase } from './waitPhase';

/**
 * Call → Wait for Outcome, for calls scheduled elsewhere or earlier: the second phase reads each
 * call until it is at a Wait For status.
 */
export const waitForOutcome: AwazOperation<CallWait> = {
	traits: ONE_AT_A_TIME_READ,
	description: [
		{
			...callLocator('The call to wait for'),
			displayOptions: showFor('call', 'waitForOutcome'),
		},
		...waitFields('waitForOutcome', 'counted from now'),
	],
	plan(this: IExecuteFunctions, itemIndex) {
		const { callId } = readFields<{ callId: string }>(this, itemIndex, [
			{ parameter: 'callId', label: 'Call', kind: 'id' },
		]);
		const settings = readWaitSettings(this, itemIndex, 0);
		// Every read of the call, the first included, is the waiting phase's: paced within the
		// key's share, and a call too new to be shown yet (404) is read again, not failed.
		return { kind: 'local', output: { id: callId }, payload: { dueAtMs: 0, settings } };
	},
	async afterItems(results, tools, payloads) {
		// Max Wait counts from the start of the wait.
		return await waitPhase(this, results, tools, payloads);
	},
};
