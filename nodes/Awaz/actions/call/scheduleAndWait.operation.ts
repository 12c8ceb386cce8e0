import type { IExecuteFunctions } from 'n8n-workflow';

import type { AwazOperation } from '../operation';
import { PLACES_CALLS } from '../operation';
import { showFor } from '../fields';
import { schedule } from './schedule.operation';
import type { CallWait } from './waitFields';
import { readWaitSettings, waitFields } from './waitFields';
import { waitPhase } from './waitPhase';

/**
 * Call → Schedule and Wait for Outcome: Schedule's fields, pre-flight, pacing and Retry On Fail
 * memo (a retry hands back the calls already scheduled instead of placing them again), then a
 * second phase that waits for all the calls at once, with what each item's plan worked out.
 */
export const scheduleAndWait: AwazOperation<CallWait> = {
	traits: PLACES_CALLS,
	description: [
		...schedule.description.map((field) => ({
			...field,
			displayOptions: showFor('call', 'scheduleAndWait'),
		})),
		...waitFields(
			'scheduleAndWait',
			'counted from when the call is due (now, or its Date and Time, or the time Calling Hours moved it to)',
		),
	],
	plan(this: IExecuteFunctions, itemIndex) {
		const { payload, ...plan } = schedule.plan.call(this, itemIndex);
		const now = Date.now();
		// A time already past (a Date and Time left empty is "now") is due when the wait starts.
		const dueAtMs = Math.max(now, payload?.dueAtMs ?? now);
		const settings = readWaitSettings(this, itemIndex, (dueAtMs - now) / 60_000);
		return { ...plan, payload: { dueAtMs, settings } };
	},
	async afterItems(results, tools, payloads) {
		return await waitPhase(this, results, tools, payloads);
	},
};
