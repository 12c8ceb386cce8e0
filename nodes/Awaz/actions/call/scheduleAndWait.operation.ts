import type { IExecuteFunctions } from 'n8n-workflow';

import type { AwazOperation } from '../operation';
import { ONE_AT_A_TIME_WRITE } from '../operation';
import { showFor } from '../common';
import { schedule } from './schedule.operation';
import { readWaitSettings, waitFields, waitPhase } from './waitForStatus';

/** When the item's call is due (epoch ms), from its Date and Time: now when empty or past. */
function dueAtOf(ctx: IExecuteFunctions, itemIndex: number, now: number): number {
	const plan = schedule.plan.call(ctx, itemIndex);
	const due = Date.parse(String(plan.request.body?.datetime ?? ''));
	return Number.isNaN(due) ? now : Math.max(now, due);
}

/**
 * Call → Schedule and Wait for Outcome: Schedule's fields, pre-flight, pacing and Retry On Fail
 * memo (a retry hands back the calls already scheduled instead of placing them again), then a
 * second phase that waits for all the calls at once.
 */
export const scheduleAndWait: AwazOperation = {
	traits: ONE_AT_A_TIME_WRITE,
	description: [
		...schedule.description.map((field) => ({
			...field,
			displayOptions: showFor('call', 'scheduleAndWait'),
		})),
		...waitFields(
			'scheduleAndWait',
			'counted from when the call is due (now, or its Date and Time)',
		),
	],
	plan(this: IExecuteFunctions, itemIndex) {
		const plan = schedule.plan.call(this, itemIndex);
		const now = Date.now();
		readWaitSettings(this, itemIndex, (dueAtOf(this, itemIndex, now) - now) / 60_000);
		return plan;
	},
	async afterItems(results, tools) {
		return await waitPhase(this, results, tools, (itemIndex, now) => dueAtOf(this, itemIndex, now));
	},
};
