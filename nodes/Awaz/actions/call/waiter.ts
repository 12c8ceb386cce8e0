import type { IDataObject, IExecuteFunctions, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { callIdOf, hasPassed } from '../../../shared/callStatuses';
import type { KeyWindow, TransportSettings } from '../../../shared/transport';
import { KeyShare, ReadPacer, sleepCancellable } from '../../../shared/transport';
import { ListView } from './listView';
import type { WaitSettings } from './waitFields';
import { minutes } from './waitFields';

/**
 * Waiting for calls to reach a status, for Call → Schedule and Wait for Outcome and Call → Wait for
 * Outcome. A call's status is read with `GET /v1/calls/{id}`, or, for many calls at once, through
 * the page of `GET /v1/calls?page=N` that shows it (see ListView); all reads share a ReadPacer over
 * the key's share (see KeyShare), and several may be on their way at once, so that one slow read
 * holds no other call.
 */

/** The reads of a wait, spread so that they cost little and leave the key to others. */
export const POLLING = {
	/** A due call is read again after this long, so a result is out within seconds of Awaz having it. */
	rereadMs: 5_000,
	/** A call not yet due is read this often (it may be canceled meanwhile), and once when it is due. */
	beforeDueMs: 60_000,
	/** Right after it was created, Awaz may not show a call yet: a 404 means "not yet" this long. */
	notFoundGraceMs: 30_000,
	/** Reads on their way at once. */
	inFlight: 4,
	/** The last read of a call, at its deadline, may take this long and wait for nothing. */
	lastReadTimeoutMs: 10_000,
};

/**
 * Whether a call with this status has reached one of `waitFor`, by the one status rule both nodes
 * use (`hasPassed`: any case or padding, and a later step of an answered call counts). Any other
 * status, known or not, means: keep waiting.
 */
export function hasReached(status: unknown, waitFor: string[]): boolean {
	return waitFor.some((wanted) => hasPassed(status, wanted));
}

/** One call to wait for: the item it belongs to, and its output item until then. */
export interface CallToWaitFor {
	itemIndex: number;
	/** The call as Awaz last showed it (the answer to Schedule, or only its id). */
	call: IDataObject;
	/** When the call is due (epoch ms): Max Wait counts from then. */
	dueAtMs: number;
	settings: WaitSettings;
}

export type WaitResult = { call: IDataObject } | { error: Error };

/** What one read may spend: the item's Options, cut to the time the call has left. */
export type ReadCeiling = Partial<TransportSettings>;
/** How one waiting call is read: a GET of the call, with its item's Options. */
export type ReadCall = (
	itemIndex: number,
	callId: string,
	ceiling: ReadCeiling,
) => Promise<unknown>;
/** How a page of the call list is read (its elements), with the Options of the first waiting item. */
export type ReadPage = (page: number, ceiling: ReadCeiling) => Promise<IDataObject[]>;

/** A waiting call's progress. */
interface Waiting extends CallToWaitFor {
	slot: number;
	callId: string;
	startedAtMs: number;
	deadlineMs: number;
	nextReadAtMs: number;
	lastReadAtMs: number;
	reading: boolean;
	/** What kept the last read from telling the status, if it failed in a way that may pass. */
	lastTrouble?: string;
}

/**
 * Waits until every call has a status in its Wait For, its Max Wait has passed, or the execution
 * is stopped. Each due call is read every POLLING.rereadMs, the one read longest ago first (so all
 * get their turn), through a page of the list when it shows several of them; at most
 * POLLING.inFlight reads at once, paced by a ReadPacer over the key's share. A call is settled at
 * its deadline: one last read that waits for nothing, whatever else is queued. Results come back in
 * the order of `calls`.
 */
export async function waitForCalls(
	ctx: IExecuteFunctions,
	calls: CallToWaitFor[],
	readCall: ReadCall,
	keyWindow: () => KeyWindow,
	readPage?: ReadPage,
): Promise<WaitResult[]> {
	const signal = ctx.getExecutionCancelSignal?.();
	const results: Array<WaitResult | undefined> = calls.map(() => undefined);
	const now = Date.now();
	const waiting = new Map<string, Waiting>();
	for (const [slot, entry] of calls.entries()) {
		const callId = callIdOf(entry.call);
		if (!callId) {
			results[slot] = { error: noCallId(ctx, entry.itemIndex) };
		} else if (hasReached(entry.call.status, entry.settings.waitFor)) {
			results[slot] = { call: entry.call };
		} else if (waiting.has(callId)) {
			// The same call twice (two items, one id): read once, settled for both.
			results[slot] = undefined;
		} else {
			const call: Waiting = {
				...entry,
				slot,
				callId,
				startedAtMs: now,
				deadlineMs: entry.dueAtMs + entry.settings.maxWaitMinutes * 60_000,
				lastReadAtMs: now,
				nextReadAtMs: now,
				reading: false,
			};
			// A call known only by its id (Wait for Outcome) is read at once, within the pace.
			if (entry.call.status !== undefined) call.nextReadAtMs = nextRead(call, now);
			waiting.set(callId, call);
		}
	}
	const sameCall = new Map<number, string>();
	for (const [slot, entry] of calls.entries()) {
		const callId = callIdOf(entry.call);
		if (results[slot] === undefined && waiting.get(callId)?.slot !== slot)
			sameCall.set(slot, callId);
	}

	const share = new KeyShare(keyWindow);
	const pacer = new ReadPacer((at) => share.perMinute(at), now);
	const list = readPage && new ListView(waiting.size);
	const pagesReading = new Set<number>();
	const reads = new Set<Promise<void>>();
	let finished = false;
	const settle = (call: Waiting, result: WaitResult) => {
		if (finished) return;
		results[call.slot] = result;
		waiting.delete(call.callId);
		list?.forget(call.callId);
	};
	const seen = (call: Waiting, answer: IDataObject, at: number) => {
		call.lastTrouble = undefined;
		call.call = { ...call.call, ...answer };
		call.lastReadAtMs = at;
		if (hasReached(call.call.status, call.settings.waitFor)) settle(call, { call: call.call });
		else call.nextReadAtMs = nextRead(call, at);
	};
	const ceilingFor = (call: Waiting | undefined, at: number): ReadCeiling => {
		const leftS = call ? Math.max(0, (call.deadlineMs - at) / 1000) : Infinity;
		if (leftS > 0) return { maxRateLimitWait: leftS, maxBusyWait: leftS };
		return { maxRateLimitWait: 0, maxBusyWait: 0, timeout: POLLING.lastReadTimeoutMs / 1000 };
	};
	const track = (read: Promise<void>) => {
		reads.add(read);
		void read.finally(() => reads.delete(read));
	};
	const answered = () => {
		const at = Date.now();
		pacer.answered(at);
		share.observe(at, reads.size - 1);
	};

	const readById = (call: Waiting, last: boolean) => {
		call.reading = true;
		const startedAt = Date.now();
		pacer.started();
		track(
			(async () => {
				const outcome = await readOnce(call, readCall, ceilingFor(call, startedAt));
				answered();
				call.reading = false;
				const at = Date.now();
				call.lastReadAtMs = at;
				if (!waiting.has(call.callId)) return;
				if (outcome !== undefined) settle(call, outcome);
				else if (last || at >= call.deadlineMs) settle(call, { error: stillWaiting(ctx, call) });
				else call.nextReadAtMs = nextRead(call, at);
			})(),
		);
	};

	const readPageOf = (page: number) => {
		pagesReading.add(page);
		pacer.started();
		const startedAt = Date.now();
		const earliest = [...waiting.values()].reduce((a, b) => (b.deadlineMs < a.deadlineMs ? b : a));
		track(
			(async () => {
				try {
					const items = await readPage!(page, ceilingFor(earliest, startedAt));
					const at = Date.now();
					list!.record(page, items, new Set(waiting.keys()));
					for (const item of items) {
						const call = waiting.get(String(item.id ?? ''));
						if (call && !call.reading) seen(call, item, at);
					}
				} catch (error) {
					list!.failed(mayPass(error));
				} finally {
					answered();
					pagesReading.delete(page);
				}
			})(),
		);
	};

	while (waiting.size > 0 && !signal?.aborted) {
		const at = Date.now();
		const idle = [...waiting.values()].filter((call) => !call.reading);
		// A call past its deadline is settled now, never later because other calls are queued: one
		// last read that waits for nothing when the pace and a free place allow it, else none.
		for (const call of idle.filter((each) => at >= each.deadlineMs)) {
			const lastReadGoes =
				call.lastReadAtMs < call.deadlineMs &&
				reads.size < POLLING.inFlight &&
				pacer.nextReadAt(at) <= at;
			if (lastReadGoes) readById(call, true);
			else settle(call, { error: stillWaiting(ctx, call) });
		}
		const due = idle
			.filter((call) => waiting.has(call.callId) && !call.reading && call.nextReadAtMs <= at)
			.sort((a, b) => a.nextReadAtMs - b.nextReadAtMs || a.lastReadAtMs - b.lastReadAtMs);
		const paceAt = pacer.nextReadAt(at);
		if (due.length > 0 && reads.size < POLLING.inFlight && paceAt <= at) {
			const page = list?.nextPage(
				due.map((call) => call.callId),
				pagesReading,
			);
			if (page !== undefined) {
				readPageOf(page);
				continue;
			}
			// While the list is searched, the calls it may find wait for it; those it placed do not.
			const byId = list?.searching(pagesReading)
				? due.find((call) => list.pageOfCall(call.callId) !== undefined)
				: due[0];
			if (byId) {
				readById(byId, false);
			} else {
				await Promise.race([sleepCancellable(1000, signal), ...reads]);
			}
			continue;
		}
		if (reads.size >= POLLING.inFlight) {
			await Promise.race(reads);
			continue;
		}
		const nextDue = Math.min(
			...[...waiting.values()].filter((call) => !call.reading).map((call) => call.nextReadAtMs),
		);
		const wakeAt = due.length > 0 ? paceAt : Math.max(nextDue, at);
		await Promise.race([
			sleepCancellable(Math.max(1, Math.min(wakeAt - Date.now(), 1000)), signal),
			...reads,
		]);
	}
	finished = true;
	if (signal?.aborted) {
		for (const call of waiting.values()) results[call.slot] = { error: stopped(ctx, call) };
	} else {
		await Promise.all(reads);
	}
	for (const [slot, callId] of sameCall) {
		const first = calls.findIndex((entry) => callIdOf(entry.call) === callId);
		results[slot] = results[first];
	}
	return results as WaitResult[];
}

/** When to read a call next: soon once it is due, now and then before, and at its deadline. */
function nextRead(call: Waiting, now: number): number {
	const step =
		now < call.dueAtMs ? Math.min(POLLING.beforeDueMs, call.dueAtMs - now) : POLLING.rereadMs;
	return Math.min(now + step, call.deadlineMs);
}

/** Whether a failed read may pass before Max Wait does: a rate limit or busy Awaz that outlasted
 * the read's allowance, a network failure or a 5xx; a refused key or an unknown call will not. */
function mayPass(error: unknown): boolean {
	const status = Number((error as NodeApiError).httpCode);
	return !(status >= 400 && status < 500) || status === 429;
}

/** One read of a call: its result when the wait is over, undefined to keep waiting. */
async function readOnce(
	call: Waiting,
	readCall: ReadCall,
	ceiling: ReadCeiling,
): Promise<WaitResult | undefined> {
	let answer: unknown;
	try {
		answer = await readCall(call.itemIndex, call.callId, ceiling);
	} catch (error) {
		const status = Number((error as NodeApiError).httpCode);
		const notYetVisible = status === 404 && Date.now() < call.startedAtMs + POLLING.notFoundGraceMs;
		if (notYetVisible || mayPass(error)) {
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
