import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { CALL_STATUS_OPTIONS, callStatusList } from '../../../shared/callStatuses';
import { invalidField, readFields } from '../../helpers/validation';
import { showFor } from '../fields';

/**
 * The fields of the two waiting operations (Call → Schedule and Wait for Outcome, Call → Wait for
 * Outcome) and the settings read from them; the waiting itself is in waiter.ts.
 */

/** What an execution may be held for: the time until the call is due plus Max Wait, in minutes. */
export const MAX_HOLD_MINUTES = 180;
/** A call that ended (with an outcome, or never got through): what most workflows wait for. */
export const DEFAULT_WAIT_FOR = ['outcome', 'busy', 'voicemail', 'failed', 'canceled'];

/** The Wait For and Max Wait fields of an operation; `maxWaitCounts` says from when. */
export function waitFields(operation: string, maxWaitCounts: string): INodeProperties[] {
	return [
		{
			displayName: 'Wait For',
			name: 'waitFor',
			type: 'multiOptions',
			options: CALL_STATUS_OPTIONS,
			default: [...DEFAULT_WAIT_FOR],
			required: true,
			description:
				'The wait for a call ends when its status is one of these; the output is the call as Awaz then shows it. The default is a call that ended with an outcome or never got through. A call seen at Completed or Outcome has passed Pickup, and one seen at Outcome has passed Completed.',
			displayOptions: showFor('call', operation),
		},
		{
			displayName: 'Max Wait (Minutes)',
			name: 'maxWait',
			type: 'number',
			typeOptions: { minValue: 0.01, maxValue: MAX_HOLD_MINUTES, numberPrecision: 2 },
			default: 30,
			description: `How long to wait for each call, ${maxWaitCounts}. A call that has not reached a Wait For status by then fails its item with the call's ID and last status; the call itself goes on in Awaz, it is not cancelled or placed again. At most ${MAX_HOLD_MINUTES} minutes in all, including the time until the call is due; for longer waits use the Awaz Trigger.`,
			displayOptions: showFor('call', operation),
		},
	];
}

export interface WaitSettings {
	waitFor: string[];
	maxWaitMinutes: number;
}

/** What a waiting operation's plan works out for its second phase: when the call is due, and how long to wait. */
export interface CallWait {
	/** Epoch ms; a time before the wait starts counts from the start. */
	dueAtMs: number;
	settings: WaitSettings;
}

/**
 * Reads and checks Wait For and Max Wait of one item, for a call due `minutesUntilDue` from now:
 * the wait may not hold the execution longer than MAX_HOLD_MINUTES in all.
 */
export function readWaitSettings(
	ctx: IExecuteFunctions,
	itemIndex: number,
	minutesUntilDue: number,
): WaitSettings {
	const checked = callStatusList(ctx.getNodeParameter('waitFor', itemIndex, []));
	if ('problem' in checked) throw invalidField(ctx, itemIndex, 'Wait For', checked.problem);
	const { maxWait } = readFields<{ maxWait: number }>(ctx, itemIndex, [
		{ parameter: 'maxWait', label: 'Max Wait (Minutes)', kind: 'positiveNumber' },
	]);
	const hold = Math.max(0, minutesUntilDue) + maxWait;
	if (hold > MAX_HOLD_MINUTES) {
		const due =
			minutesUntilDue > 0
				? ` and the ${minutes(minutesUntilDue)} min until the call is due (Date and Time) hold the execution for ${minutes(hold)} min,`
				: '';
		throw invalidField(
			ctx,
			itemIndex,
			'Max Wait (Minutes)',
			`"${maxWait}"${due} is more than the ${MAX_HOLD_MINUTES} minutes an execution is held for a call; for calls due hours ahead or longer waits, schedule with Call → Schedule and get the outcome with the Awaz Trigger`,
		);
	}
	return { waitFor: checked.status, maxWaitMinutes: maxWait };
}

/** Minutes as the messages show them: at most two decimals. */
export const minutes = (value: number) => String(Math.round(value * 100) / 100);
