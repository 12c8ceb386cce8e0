import type { IDataObject, IExecuteFunctions, INodeProperties, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CALL_STATUS_OPTIONS, callIdOf, hasPassed } from '../../../shared/callStatuses';
import { callPath } from '../../../shared/endpoints';
import { callStatusList } from '../../../shared/subscriptionFilter';
import { keyLimitReader, sleepCancellable } from '../../../shared/transport';
import { invalidField, readFields } from '../../helpers/validation';
import type { BatchTools, ItemResult } from '../operation';
import { showFor } from '../common';

/**
 * Waiting for calls to reach a status, for Call → Schedule and Wait for Outcome and Call → Wait
 * for Outcome. Awaz offers three ways to learn a call's status: `GET /v1/calls/{id}`, the paged
 * list (whose order and page size are undocumented, so it cannot find a given call cheaply) and
 * call-event subscriptions (which need a URL Awaz can reach and an execution that can be resumed;
 * n8n's own wait-for-webhook operations handle one item per wait and cannot clean up on timeout).
 * So every waiting call is read by id, in turn, on a budget that leaves the key to others.
 */

/** What an execution may be held for: the time until the call is due plus Max Wait, in minutes. */
export const MAX_HOLD_MINUTES = 180;
/** A call that ended (with an outcome, or never got through): what most workflows wait for. */
export const DEFAULT_WAIT_FOR = ['outcome', 'busy', 'voicemail', 'failed', 'canceled'];

/** The reads of a wait, spread so that they cost little and leave the key to others. */
export const POLLING = {
	/** A due call is read again after this long, so a result is out within seconds of Awaz having it. */
	rereadMs: 5_000,
	/** A call not yet due is read this often (it may be canceled meanwhile), and once when it is due. */
	beforeDueMs: 60_000,
	/** Right after it was created, Awaz may not show a call yet: a 404 means "not yet" this long. */
	notFoundGraceMs: 30_000,
	/** The share of the key's rate limit all waiting reads of one node may use together. */
	keyShare: 1 / 3,
	/** Awaz's documented limit, until a response says otherwise. */
	defaultLimitPerMinute: 100,
};

/**
 * Whether a call with this status has reached one of `waitFor`, by the one status rule both nodes
 * use (`hasPassed`: any case or padding, and a later step of an answered call counts). Any other
 * status, known or not, means: keep waiting.
 */
export function hasReached(status: unknown, waitFor: string[]): boolean {
	return waitFor.some((wanted) => hasPassed(status, wanted));
}

/** How many waiting reads of one node may reach Awaz in any minute: its share of the key's limit. */
export function readsPerMinute(limitPerMinute: number | undefined): number {
	const limit =
		limitPerMinute !== undefined && limitPerMinute > 0
			? limitPerMinute
			: POLLING.defaultLimitPerMinute;
	return Math.max(1, Math.floor(limit * POLLING.keyShare));
}

/**
 * When the waiting reads may go: evenly spread over the minute while the key is free, never more
 * than `readsPerMinute` in any 60 s. Reads the rate limit held back (another workflow used the
 * window up) are made up for once it frees, one after another, so a busy key still leaves the wait
 * its share instead of a read or two a minute.
 */
export class ReadPacer {
	/** Reads that may go now: one per 60 s / readsPerMinute, up to a minute's worth. */
	private tokens = 1;
	private refilledAtMs: number;
	/** When recent reads were answered, oldest first (a minute's worth at most). */
	private readonly answeredAtMs: number[] = [];

	constructor(
		private readonly limitPerMinute: () => number | undefined,
		now: number,
	) {
		this.refilledAtMs = now;
	}

	/** The earliest time the next read may go. */
	nextReadAt(now: number): number {
		const perMinute = readsPerMinute(this.limitPerMinute());
		const spacingMs = 60_000 / perMinute;
		this.tokens = Math.min(perMinute, this.tokens + (now - this.refilledAtMs) / spacingMs);
		this.refilledAtMs = now;
		const byTokens = this.tokens >= 1 ? now : now + (1 - this.tokens) * spacingMs;
		const recent = this.answeredAtMs.filter((at) => at > now - 60_000);
		// The read that would be one too many within 60 s waits until the oldest of them is older.
		const byMinute = recent.length < perMinute ? now : recent[recent.length - perMinute] + 60_000;
		return Math.max(byTokens, byMinute);
	}

	/** A read goes now; `answered` once Awaz has answered it. */
	started(): void {
		this.tokens -= 1;
	}

	answered(now: number): void {
		this.answeredAtMs.push(now);
		while (this.answeredAtMs[0] <= now - 60_000) this.answeredAtMs.shift();
	}
}

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

const minutes = (value: number) => String(Math.round(value * 100) / 100);

/** One call to wait for: the item it belongs to, and its output item until then. */
export interface CallToWaitFor {
	itemIndex: number;
	/** The call as Awaz last showed it (the answer to Schedule, or to Get). */
	call: IDataObject;
	/** When the call is due (epoch ms): Max Wait counts from then. */
	dueAtMs: number;
	settings: WaitSettings;
}

/** A waiting call's progress. */
interface Waiting extends CallToWaitFor {
	callId: string;
	startedAtMs: number;
	deadlineMs: number;
	nextReadAtMs: number;
	lastReadAtMs: number;
	/** What kept the last read from telling the status, if it failed in a way that may pass. */
	lastTrouble?: string;
}

export type WaitResult = { call: IDataObject } | { error: Error };

/** How one waiting call is read: a GET of the call, with its item's Options. */
export type ReadCall = (itemIndex: number, callId: string) => Promise<unknown>;

/**
 * Waits until every call has a status in its Wait For, its Max Wait has passed, or the execution
 * is stopped. Reads go one at a time, the due call read longest ago first (so that all calls get
 * their turn), paced by a ReadPacer over the key's limit, each call at most every
 * POLLING.rereadMs. Results come back in the order of `calls`.
 */
export async function waitForCalls(
	ctx: IExecuteFunctions,
	calls: CallToWaitFor[],
	readCall: ReadCall,
	limitPerMinute: () => number | undefined,
): Promise<WaitResult[]> {
	const signal = ctx.getExecutionCancelSignal?.();
	const results: Array<WaitResult | undefined> = calls.map(() => undefined);
	const now = Date.now();
	const waiting: Array<Waiting & { slot: number }> = [];
	for (const [slot, entry] of calls.entries()) {
		const callId = callIdOf(entry.call);
		if (!callId) {
			results[slot] = { error: noCallId(ctx, entry.itemIndex) };
		} else if (hasReached(entry.call.status, entry.settings.waitFor)) {
			results[slot] = { call: entry.call };
		} else {
			const waitingCall = {
				...entry,
				slot,
				callId,
				startedAtMs: now,
				deadlineMs: entry.dueAtMs + entry.settings.maxWaitMinutes * 60_000,
				lastReadAtMs: now,
				nextReadAtMs: now,
			};
			// A call known only by its id (Wait for Outcome) is read at once, within the pace.
			if (entry.call.status !== undefined) waitingCall.nextReadAtMs = nextRead(waitingCall, now);
			waiting.push(waitingCall);
		}
	}

	const pacer = new ReadPacer(limitPerMinute, now);
	while (waiting.length > 0) {
		// Ties (every call due at once) go to the one read longest ago: round-robin.
		const next = waiting.reduce((a, b) =>
			b.nextReadAtMs < a.nextReadAtMs ||
			(b.nextReadAtMs === a.nextReadAtMs && b.lastReadAtMs < a.lastReadAtMs)
				? b
				: a,
		);
		const readAt = Math.max(next.nextReadAtMs, pacer.nextReadAt(Date.now()));
		await sleepCancellable(readAt - Date.now(), signal);
		if (signal?.aborted) break;

		pacer.started();
		const outcome = await readOnce(next, readCall);
		const readEndMs = Date.now();
		pacer.answered(readEndMs);
		next.lastReadAtMs = readEndMs;
		if (outcome === undefined && readEndMs < next.deadlineMs) {
			next.nextReadAtMs = nextRead(next, readEndMs);
			continue;
		}
		results[next.slot] = outcome ?? { error: stillWaiting(ctx, next) };
		waiting.splice(waiting.indexOf(next), 1);
	}
	for (const left of waiting) results[left.slot] = { error: stopped(ctx, left) };
	return results as WaitResult[];
}

/** When to read a call next: soon once it is due, now and then before, and at its deadline. */
function nextRead(call: Waiting, now: number): number {
	const step =
		now < call.dueAtMs ? Math.min(POLLING.beforeDueMs, call.dueAtMs - now) : POLLING.rereadMs;
	return Math.min(now + step, call.deadlineMs);
}

/** One read of a call: its result when the wait is over, undefined to keep waiting. */
async function readOnce(call: Waiting, readCall: ReadCall): Promise<WaitResult | undefined> {
	let answer: unknown;
	try {
		answer = await readCall(call.itemIndex, call.callId);
	} catch (error) {
		const status = Number((error as NodeApiError).httpCode);
		const notYetVisible = status === 404 && Date.now() < call.startedAtMs + POLLING.notFoundGraceMs;
		// A rate limit or a busy Awaz that outlasted the request's allowance, a network failure or a
		// 5xx may pass before Max Wait does; a refused key or an unknown call will not.
		const mayPass = !(status >= 400 && status < 500) || status === 429;
		if (notYetVisible || mayPass) {
			call.lastTrouble = (error as Error).message;
			return undefined;
		}
		return { error: error as Error };
	}
	call.lastTrouble = undefined;
	if (answer && typeof answer === 'object' && !Array.isArray(answer)) {
		call.call = answer as IDataObject;
		if (hasReached(call.call.status, call.settings.waitFor)) return { call: call.call };
	}
	return undefined;
}

function stillWaiting(ctx: IExecuteFunctions, call: Waiting): NodeOperationError {
	const status = call.call.status === undefined ? 'unknown' : String(call.call.status);
	const trouble = call.lastTrouble ? ` The last read failed: ${call.lastTrouble}.` : '';
	return new NodeOperationError(
		ctx.getNode(),
		`Call ${call.callId} is still "${status}" after ${minutes(call.settings.maxWaitMinutes)} min (Max Wait)`,
		{
			itemIndex: call.itemIndex,
			description: `Waited for ${call.settings.waitFor.join(', ')}.${trouble} The call was not cancelled or placed again: Awaz goes on with it. Raise Max Wait, look it up later with Call → Get or Call → Wait for Outcome, or use the Awaz Trigger for long waits.`,
		},
	);
}

function stopped(ctx: IExecuteFunctions, call: Waiting): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`The execution was stopped while waiting for call ${call.callId}`,
		{ itemIndex: call.itemIndex },
	);
}

function noCallId(ctx: IExecuteFunctions, itemIndex: number): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		'Awaz did not give the ID of the scheduled call, so it cannot be waited for',
		{
			itemIndex,
			description:
				'The call was scheduled and is not placed again. Find it in Awaz, or with Call → Get Many.',
		},
	);
}

/**
 * The second phase of both waiting operations: each item that got a call in the first phase waits
 * for it, and its output becomes the call as Awaz last showed it (or the reason it failed).
 * `dueAt` says when an item's call is due, given the time the wait starts.
 */
export async function waitPhase(
	ctx: IExecuteFunctions,
	results: ItemResult[],
	tools: BatchTools,
	dueAt: (itemIndex: number, now: number) => number,
): Promise<ItemResult[]> {
	const now = Date.now();
	const calls: CallToWaitFor[] = [];
	for (const [itemIndex, result] of results.entries()) {
		if (!('output' in result)) continue;
		calls.push({
			itemIndex,
			call: result.output[0]?.json ?? {},
			dueAtMs: dueAt(itemIndex, now),
			// Checked with the time until the call is due in the pre-flight already.
			settings: readWaitSettings(ctx, itemIndex, 0),
		});
	}
	const readCall: ReadCall = async (itemIndex, callId) =>
		await tools.request(
			itemIndex,
			{ method: 'GET', path: callPath(callId) },
			{ notFoundMessage: `Awaz has no call with id ${callId}` },
		);
	const waited = await waitForCalls(ctx, calls, readCall, await keyLimitReader(ctx));
	const byItem = new Map(calls.map((call, slot) => [call.itemIndex, waited[slot]]));
	return results.map((result, itemIndex) => {
		const outcome = byItem.get(itemIndex);
		if (!outcome || !('output' in result)) return result;
		if ('error' in outcome) return { error: outcome.error };
		return { output: [{ ...result.output[0], json: outcome.call }] };
	});
}
