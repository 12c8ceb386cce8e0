/**
 * Fault catalogue, part 4: the promises this package is trusted with (no call placed twice on any
 * path, no result lost, no waiting again for what is known), tried the way a careless user would
 * break them: a Date and Time that changes between Retry On Fail's tries, a batch that fails half
 * way, a call id that Awaz does not show yet.
 */
import type { IDataObject } from 'n8n-workflow';

import { AGENT_ID, awazNode, locator, PHONE_ID } from '../../kit/fixtures';
import { n8n } from '../../kit/runner';
import type { Sandbox } from './harness';
import {
	CALL_IDS,
	FAST,
	POST_CALLS,
	SCHEDULE,
	captureLogs,
	createdCalls,
	createdNames,
	leakCheck,
	run,
	scheduleItems,
	withBed,
} from './harness';

captureLogs();

/** n8n's Retry On Fail with its default pause: "now" has moved on by the second try. */
const RETRY = { retryOnFail: true, maxTries: 2, waitBetweenTries: 1000 };

/** The POSTs Awaz received: the contact's name and the status it answered. */
const posted = (sb: Sandbox) =>
	sb.requests
		.filter((request) => request.method === 'POST')
		.map((request) => [(request.body as IDataObject).name, request.status]);

/** How often a call was read. */
const reads = (sb: Sandbox, id: string) =>
	sb.requests.filter((request) => request.method === 'GET' && request.path === `/v1/calls/${id}`)
		.length;

/** At time scale 0.02 a call ends within a second: 4 → answered with an outcome, 9 → never dialled. */
const ADA = { name: 'Ada', phone: '+14155550104' };
const DEE = { name: 'Dee', phone: '+14155550109' };
const FAST_CALLS = { lifecycle: { timeScale: 0.02 } };

const scheduleAndWait = (parameters: IDataObject = {}) => ({
	resource: 'call',
	operation: 'scheduleAndWait',
	agentId: locator(AGENT_ID),
	fromPhoneId: locator(PHONE_ID),
	name: '={{ $json.name }}',
	phone: '={{ $json.phone }}',
	// Three seconds: the first read of each call is at its deadline.
	maxWait: 0.05,
	options: FAST,
	...parameters,
});

describe('Retry On Fail with a Date and Time that changes between tries', () => {
	test('Schedule at {{ $now.plus({ minutes: 10 }) }}: the call placed before the failure is not placed again', async () => {
		await withBed({ lifecycle: false }, async ({ sb, env }) => {
			sb.inject({ ...POST_CALLS, kind: 'status', status: 400, after: 1, times: 1 });

			const result = await run(
				'retry with $now',
				env,
				{ ...SCHEDULE, datetime: '={{ $now.plus({ minutes: 10 }).toISO() }}' },
				scheduleItems({}, 2),
				RETRY,
			);

			expect(result.error).toBeUndefined();
			expect(posted(sb)).toEqual([
				['Person 0', 201],
				['Person 1', 400],
				['Person 1', 201],
			]);
			expect(createdNames(sb)).toEqual(['Person 0', 'Person 1']);
			expect(result.output.map((entry) => [entry.json.id, entry.pairedItem])).toEqual(
				createdCalls(sb).map((call, item) => [call.id, { item }]),
			);
		});
	});

	test('Schedule and Wait at {{ $now }}: a retry after one call passed Max Wait places no call again and does not wait again for the outcome it saw', async () => {
		await withBed(FAST_CALLS, async ({ sb, env }) => {
			const result = await run(
				'schedule and wait, retry with $now',
				env,
				scheduleAndWait({ datetime: '={{ $now.toISO() }}' }),
				[ADA, DEE],
				RETRY,
			);

			const [ada, dee] = createdCalls(sb);
			expect(posted(sb)).toEqual([
				['Ada', 201],
				['Dee', 201],
			]);
			expect(result.error?.message).toBe(
				`Call ${dee.id} is still "scheduled" after 0.05 min (Max Wait)`,
			);
			// Ada's outcome was seen in the first try; only Dee's call is waited for again.
			expect(reads(sb, ada.id)).toBe(1);
			expect(reads(sb, dee.id)).toBe(2);
			expect(result.error?.description).toContain(`item 0 → call ${ada.id} (outcome)`);
		});
	});
});

describe('a failure half way through a batch', () => {
	const REPLACE = /Continue On Fail \(Settings → On Error → Continue\)/;

	test('On Error → Stop: the error names the calls already placed and says that a re-run places them again', async () => {
		await withBed({ lifecycle: false }, async ({ sb, env }) => {
			sb.inject({ ...POST_CALLS, kind: 'status', status: 400, body: { message: 'No' }, after: 2 });

			const result = await run('mid-batch stop', env, SCHEDULE, scheduleItems());

			const [first, second] = createdCalls(sb);
			expect(result.error?.context?.itemIndex).toBe(2);
			expect(result.error?.message).toBe('Awaz refused POST /v1/calls (400): No');
			expect(result.error?.description).toBe(
				'Check the values this item sends. Nothing was changed in Awaz for this item. ' +
					`Already placed before this error, and placed again if the workflow is run again: item 0 → call ${first.id} (scheduled), item 1 → call ${second.id} (scheduled). ` +
					"To avoid calling them twice, turn on Continue On Fail (Settings → On Error → Continue), which gives every item its result, or get these calls' outcomes with Call → Wait for Outcome and their IDs.",
			);
			expect(result.output).toEqual([]);
		});
	});

	test('Schedule and Wait, On Error → Stop: the error gives the outcomes already known', async () => {
		await withBed(FAST_CALLS, async ({ sb, env }) => {
			const result = await run('mid-wait stop', env, scheduleAndWait(), [ADA, DEE]);

			const [ada, dee] = createdCalls(sb);
			expect(result.error?.context?.itemIndex).toBe(1);
			expect(result.error?.message).toBe(
				`Call ${dee.id} is still "scheduled" after 0.05 min (Max Wait)`,
			);
			expect(result.error?.description).toMatch(
				new RegExp(`Already placed before this error.*: item 0 → call ${ada.id} \\(outcome\\)\\.`),
			);
			expect(result.error?.description).toMatch(REPLACE);
		});
	});

	test('Schedule and Wait, Continue On Fail: the item whose call passed Max Wait carries the call id', async () => {
		await withBed(FAST_CALLS, async ({ sb, env }) => {
			const result = await run('mid-wait continue', env, scheduleAndWait(), [ADA, DEE], {
				continueOnFail: true,
			});

			const [ada, dee] = createdCalls(sb);
			expect(result.error).toBeUndefined();
			expect(result.output.map((entry) => entry.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(result.output[0].json).toMatchObject({ id: ada.id, status: 'outcome' });
			expect(result.output[1].json).toEqual({
				error: `Call ${dee.id} is still "scheduled" after 0.05 min (Max Wait)`,
				callId: dee.id,
			});
		});
	});

	test('Continue On Fail: an item refused by Awaz has no call, so its error item carries none', async () => {
		await withBed({ lifecycle: false }, async ({ sb, env }) => {
			sb.inject({ ...POST_CALLS, kind: 'status', status: 400, after: 1, times: 1 });

			const result = await run('refused, continue', env, SCHEDULE, scheduleItems(), {
				continueOnFail: true,
			});

			expect(Object.keys(result.output[1].json)).toEqual(['error']);
			expect(createdNames(sb)).toEqual(['Person 0', 'Person 2']);
		});
	});
});

describe('Call → Wait for Outcome reads like the waiting phase from its first read', () => {
	const waitForOutcome = {
		resource: 'call',
		operation: 'waitForOutcome',
		callId: locator('={{ $json.id }}', 'id'),
		maxWait: 1,
		options: FAST,
	};

	test('a call Awaz does not show yet (404 at first) is read again, not failed', async () => {
		await withBed({ lifecycle: false }, async ({ sb, env }) => {
			const path = `/v1/calls/${CALL_IDS[0]}`;
			sb.inject({ method: 'GET', path, kind: 'status', status: 404, times: 1 });

			const result = await run('404 grace', env, waitForOutcome, [{ id: CALL_IDS[0] }]);

			expect(result.error).toBeUndefined();
			expect(sb.requests.map((request) => [request.path, request.status])).toEqual([
				[path, 404],
				[path, 200],
			]);
			expect(result.output[0].json).toMatchObject({ id: CALL_IDS[0], status: 'outcome' });
		});
	});

	test('under Retry On Fail, an outcome seen in the first try is not waited for again', async () => {
		await withBed({ lifecycle: false }, async ({ sb, env }) => {
			// Call 0 has its outcome; call 1 stays at Pickup past Max Wait (3 s) in both tries.
			const result = await run(
				'wait for outcome, retry',
				env,
				{ ...waitForOutcome, maxWait: 0.05 },
				[{ id: CALL_IDS[0] }, { id: CALL_IDS[1] }],
				RETRY,
			);

			expect(result.error?.message).toBe(
				`Call ${CALL_IDS[1]} is still "pickup" after 0.05 min (Max Wait)`,
			);
			expect(reads(sb, CALL_IDS[0])).toBe(1);
			expect(reads(sb, CALL_IDS[1])).toBe(4);
		});
	});

	test('the first reads of many calls are paced within the share of the key, not sent at once', async () => {
		const documentedLimit = { limit: 100, windowMs: 60_000 };
		await withBed({ lifecycle: false, rateLimit: documentedLimit }, async ({ sb, env }) => {
			// Seeded calls at outcome, busy and voicemail: each ends its wait at its first read.
			const ids = [0, 2, 4].map((index) => sb.state.calls[index].id);

			const result = await run(
				'paced first reads',
				env,
				waitForOutcome,
				ids.map((id) => ({ id })),
			);

			expect(result.error).toBeUndefined();
			expect(sb.requests).toHaveLength(3);
			// A third of 100 a minute until Awaz's headers show nothing else uses the key (one read
			// every 1.8 s, the first at once), then at most 90 a minute (one every 0.67 s).
			const times = sb.requests.map((request) => request.time);
			expect(times[1] - times[0]).toBeGreaterThanOrEqual(1700);
			expect(times[2] - times[1]).toBeGreaterThanOrEqual(600);
		});
	});
});

describe('a stopped execution sends nothing more', () => {
	test('stopped while Awaz answers 503: the request is not sent again after the stop', async () => {
		await withBed({ lifecycle: false }, async ({ sb, env }) => {
			sb.inject({
				...POST_CALLS,
				kind: 'status',
				status: 503,
				times: 100,
				headers: { 'retry-after': 2 },
			});
			const stop = new AbortController();
			const running = n8n.runWorkflow(env, {
				nodes: [awazNode({ ...SCHEDULE, options: { maxBusyWait: 60 } })],
				items: scheduleItems({}, 1),
				signal: stop.signal,
			});
			while (sb.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
			stop.abort();

			const { run: stored } = await running;

			expect(stored.status).toBe('canceled');
			// Longer than the 2 s Awaz asked to wait: nothing more was sent.
			await new Promise((resolve) => setTimeout(resolve, 3000));
			expect(sb.requests.map((request) => request.status)).toEqual([503]);
		});
	});
});

leakCheck();
