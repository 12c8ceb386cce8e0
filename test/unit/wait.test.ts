/**
 * The waiting of Call → Schedule and Wait for Outcome / Wait for Outcome on a fake clock: which
 * call is read when, how many reads a minute, and when a wait ends.
 */
import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { callIdOf } from '../../nodes/shared/callStatuses';
import { ReadPacer, readsPerMinute } from '../../nodes/shared/transport';
import { DEFAULT_WAIT_FOR } from '../../nodes/Awaz/actions/call/waitFields';
import type { CallToWaitFor, WaitResult } from '../../nodes/Awaz/actions/call/waiter';
import { hasReached, POLLING, waitForCalls } from '../../nodes/Awaz/actions/call/waiter';

const NODE = { name: 'Awaz', type: 'n8n-nodes-awaz.awaz', parameters: {} } as unknown as INode;
const START = Date.UTC(2025, 5, 1, 12, 0, 0);

function contextWith(signal?: AbortSignal) {
	return { getNode: () => NODE, getExecutionCancelSignal: () => signal } as IExecuteFunctions;
}

/** Calls 0…count-1 due now, each waited for `maxWaitMinutes`, last seen `scheduled`. */
function calls(count: number, maxWaitMinutes = 30, dueAtMs = START): CallToWaitFor[] {
	return Array.from({ length: count }, (_, itemIndex) => ({
		itemIndex,
		call: { id: `call-${itemIndex}`, status: 'scheduled' },
		dueAtMs,
		settings: { waitFor: DEFAULT_WAIT_FOR, maxWaitMinutes },
	}));
}

interface Read {
	at: number;
	callId: string;
}

/** Runs the wait on the fake clock for `runMs`; `answer` says what a read of a call gets. */
async function waitOnFakeClock(
	waiting: CallToWaitFor[],
	answer: (callId: string, sinceStartMs: number) => IDataObject | Error,
	{
		runMs = 15 * 60_000,
		limit = 100,
		signal,
		hold,
	}: { runMs?: number; limit?: number; signal?: AbortSignal; hold?: () => Promise<void> } = {},
) {
	const reads: Read[] = [];
	let results: WaitResult[] | undefined;
	let endedAt = NaN;
	const done = waitForCalls(
		contextWith(signal),
		waiting,
		async (_itemIndex, callId) => {
			await hold?.();
			reads.push({ at: Date.now() - START, callId });
			const reply = answer(callId, Date.now() - START);
			if (reply instanceof Error) throw reply;
			return reply;
		},
		() => ({ limit }),
	).then((value) => {
		results = value;
		endedAt = Date.now() - START;
	});
	// The clock moves on only while the wait is still going.
	while (results === undefined && Date.now() - START < runMs) {
		await jest.advanceTimersByTimeAsync(100);
	}
	await done;
	return { reads, results: results!, endedAt };
}

/** No 60 s span holds more than `most` reads (each read counts when it was answered). */
function expectAtMostPerMinute(reads: Read[], most: number) {
	for (const [index, read] of reads.entries()) {
		const inMinute = reads.slice(index).filter((later) => later.at < read.at + 60_000);
		expect(inMinute.length).toBeLessThanOrEqual(most);
	}
}

const apiError = (httpCode: number, message: string) =>
	new NodeApiError(
		NODE,
		{ message, httpCode: String(httpCode) },
		{ message, httpCode: String(httpCode) },
	);

beforeEach(() => jest.useFakeTimers({ now: START }));
afterEach(() => jest.useRealTimers());

describe('which statuses end a wait', () => {
	it.each([
		['outcome', DEFAULT_WAIT_FOR, true],
		['busy', DEFAULT_WAIT_FOR, true],
		['pickup', DEFAULT_WAIT_FOR, false],
		['queued', DEFAULT_WAIT_FOR, false],
		[undefined, DEFAULT_WAIT_FOR, false],
		['completed', ['pickup'], true],
		['outcome', ['completed'], true],
		['pickup', ['completed'], false],
		['busy', ['pickup'], false],
		// One status rule for the wait and the trigger: Awaz's spelling of a status does not matter.
		['Outcome', DEFAULT_WAIT_FOR, true],
		[' BUSY ', DEFAULT_WAIT_FOR, true],
		['Completed', ['pickup'], true],
		['outcome', ['Completed'], true],
		['', DEFAULT_WAIT_FOR, false],
	])('%s for %j: %s', (status, waitFor, ends) => {
		expect(hasReached(status, waitFor)).toBe(ends);
	});
});

describe("the call's id in Awaz's answer to Schedule (undocumented)", () => {
	it.each([
		[{ id: 'a1', status: 'scheduled' }, 'a1'],
		[{ _id: 'a2' }, 'a2'],
		[{ callId: 'a3' }, 'a3'],
		[{ call_id: 'a4' }, 'a4'],
		[{ call: { id: 'a5' } }, 'a5'],
		[{ scheduled: true }, ''],
	])('%j → "%s"', (answer, id) => {
		expect(callIdOf(answer)).toBe(id);
	});

	it('an answer without one fails the item, saying the call was placed and is not placed again', async () => {
		const { reads, results } = await waitOnFakeClock(
			[{ ...calls(1)[0], call: { scheduled: true } }],
			() => ({}),
		);

		expect(reads).toEqual([]);
		const [result] = results;
		expect(
			'error' in result && [result.error.message, (result.error as NodeApiError).description],
		).toEqual([
			'Awaz did not give the ID of the scheduled call, so it cannot be waited for',
			'The call was scheduled and is not placed again. Find it in Awaz, or with Call → Get Many.',
		]);
	});
});

describe('the reads of a wait', () => {
	it('share a third of the key: 33 a minute of 100, spread one per 60/33 s while the key is free', () => {
		expect(readsPerMinute(100)).toBe(33);
		expect(readsPerMinute(undefined)).toBe(33);
		expect(readsPerMinute(600)).toBe(200);
		expect(readsPerMinute(2)).toBe(1);
		const pacer = new ReadPacer(() => readsPerMinute(100), START);
		expect(pacer.nextReadAt(START)).toBe(START);
		pacer.started();
		pacer.answered(START);
		expect(pacer.nextReadAt(START)).toBeCloseTo(START + 60_000 / 33);
	});

	it('make up for reads the rate limit held back once it frees, and still never more than 33 in any minute', async () => {
		// Another workflow has used the window up: every read sent before it ends is held until
		// then, as the rate-limit gate holds them.
		const { reads } = await waitOnFakeClock(calls(50, 5), () => ({ status: 'scheduled' }), {
			hold: async () => {
				const left = START + 60_000 - Date.now();
				if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
			},
		});

		const answeredAfterHold = reads.filter((read) => read.at >= 60_000 && read.at < 61_000);
		expect(answeredAfterHold.length).toBeGreaterThanOrEqual(30);
		expectAtMostPerMinute(reads, 33);
	});

	it('go round the waiting calls in item order, at most a third of the limit a minute', async () => {
		const { reads } = await waitOnFakeClock(calls(50, 5), () => ({ status: 'scheduled' }));

		expect(reads.slice(0, 100).map((read) => read.callId)).toEqual(
			[...Array(100).keys()].map((index) => `call-${index % 50}`),
		);
		expectAtMostPerMinute(reads, 33);
		// Spread out while nothing holds them back: about 60/33 s apart (after the few that the
		// first 5 s, when no call was due yet, allowed).
		expect(reads[20].at - reads[19].at).toBeCloseTo(60_000 / 33, -1);
	});

	it('read one call every 5 s once it is due, and give its result at the first read that sees it ended', async () => {
		const { reads, results, endedAt } = await waitOnFakeClock(
			calls(1),
			(_callId, since) => ({ id: 'call-0', status: since >= 22_000 ? 'outcome' : 'pickup' }),
			{ limit: 100_000 },
		);

		expect(reads.map((read) => read.at)).toEqual([5000, 10000, 15000, 20000, 25000]);
		expect(results).toEqual([{ call: { id: 'call-0', status: 'outcome' } }]);
		expect(endedAt).toBe(25_000);
	});

	it('read a call due later every minute until it is due, then at the time it is due', async () => {
		const { reads } = await waitOnFakeClock(
			calls(1, 1, START + 150_000),
			(_callId, since) => ({ status: since >= 150_000 ? 'busy' : 'scheduled' }),
			{ limit: 100_000 },
		);

		expect(reads.map((read) => read.at)).toEqual([60_000, 120_000, 150_000]);
	});
});

describe('how a wait ends', () => {
	it('past Max Wait (counted from when the call is due): an error with the call id and its last status, after a last read at the deadline', async () => {
		const { reads, results } = await waitOnFakeClock(calls(1, 0.2), () => ({ status: 'queued' }), {
			limit: 100_000,
		});

		expect(reads.map((read) => read.at)).toEqual([5000, 10000, 12000]);
		const [result] = results;
		expect('error' in result && result.error.message).toBe(
			'Call call-0 is still "queued" after 0.2 min (Max Wait)',
		);
	});

	it('a 404 is "not visible yet" for 30 s from the start of the wait, then the item fails with it', async () => {
		const { reads, results } = await waitOnFakeClock(
			calls(1),
			() => apiError(404, 'Awaz has no call with id call-0'),
			{ limit: 100_000 },
		);

		expect(reads.map((read) => read.at)).toEqual([5000, 10000, 15000, 20000, 25000, 30000]);
		expect(POLLING.notFoundGraceMs).toBe(30_000);
		const [result] = results;
		expect('error' in result && result.error.message).toBe('Awaz has no call with id call-0');
	});

	it('a read that failed in a way that may pass (5xx, network) is tried again; Max Wait names it if it lasted', async () => {
		const { results } = await waitOnFakeClock(
			calls(1, 0.2),
			() => apiError(502, 'Awaz failed on GET /v1/calls/call-0 (502)'),
			{ limit: 100_000 },
		);

		const [result] = results;
		expect('error' in result && (result.error as NodeApiError).description).toMatch(
			/^Waited for outcome, busy, voicemail, failed, canceled\. The last read failed: Awaz failed on GET \/v1\/calls\/call-0 \(502\)\. /,
		);
	});

	it('a call already at a chosen status is not read at all', async () => {
		const done = calls(2);
		done[1].call.status = 'voicemail';

		const { reads, results } = await waitOnFakeClock(done, () => ({ status: 'busy' }), {
			limit: 100_000,
		});

		expect(reads.map((read) => read.callId)).toEqual(['call-0']);
		expect(results).toEqual([{ call: { status: 'busy' } }, { call: done[1].call }]);
	});

	it('a stopped execution stops waiting within a second: no further read, the calls end as stopped', async () => {
		const stop = new AbortController();
		setTimeout(() => stop.abort(), 7_300);

		const { reads, results, endedAt } = await waitOnFakeClock(
			calls(2),
			() => ({ status: 'pickup' }),
			{
				limit: 100_000,
				signal: stop.signal,
			},
		);

		expect(reads.map((read) => Math.round(read.at / 100) * 100)).toEqual([5000, 5000]);
		expect(endedAt).toBeLessThanOrEqual(7_300 + 1000);
		expect(results.map((result) => 'error' in result && result.error.message)).toEqual([
			'The execution was stopped while waiting for call call-0',
			'The execution was stopped while waiting for call call-1',
		]);
	});
});
