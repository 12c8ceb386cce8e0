import type { IExecuteFunctions } from 'n8n-workflow';

import type { AwazOperation, Plan } from '../operation';
import { PLACES_CALLS } from '../operation';
import { showFor } from '../common';
import { takeCallingHours } from '../../helpers/callingHours';
import { schedule, withCallingHours } from './schedule.operation';
import { readWaitSettings, waitFields } from './waitFields';
import { waitPhase } from './waitPhase';

/** When a planned call is due (epoch ms), from the Date and Time it sends: now when empty or past. */
function dueAtOf(plan: Plan, now: number): number {
	const due = plan.kind === 'local' ? NaN : Date.parse(String(plan.request.body?.datetime ?? ''));
	return Number.isNaN(due) ? now : Math.max(now, due);
}

/**
 * Call → Schedule and Wait for Outcome: Schedule's fields, pre-flight, pacing and Retry On Fail
 * memo (a retry hands back the calls already scheduled instead of placing them again), then a
 * second phase that waits for all the calls at once.
 */
export const scheduleAndWait: AwazOperation = {
	traits: PLACES_CALLS,
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
		readWaitSettings(this, itemIndex, (dueAtOf(plan, now) - now) / 60_000);
		return plan;
	},
	async afterItems(results, tools) {
		// Calling Hours kept when the call is due (a moved call: the moved time; Max Wait counts from
		// it); without it, the second phase reads the item's Date and Time again.
		const callingHours = takeCallingHours(this);
		const waited = await waitPhase(
			this,
			results,
			tools,
			(itemIndex, now) =>
				callingHours[itemIndex]?.dueAtMs ?? dueAtOf(schedule.plan.call(this, itemIndex), now),
		);
		return withCallingHours(waited, callingHours);
	},
};
