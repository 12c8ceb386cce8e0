import type { IDataObject } from 'n8n-workflow';

import {
	MAX_SENDS_WHEN_REFUSED,
	RetryBudget,
	WaitAllowance,
} from '../../nodes/shared/transport/budget';
import { connectionOf, redactEverywhere, redactKey } from '../../nodes/shared/transport/connection';
import { PageWalk } from '../../nodes/shared/transport/paging';
import {
	readRateLimitHeaders,
	readRetryAfterMs,
	RateLimitGate,
} from '../../nodes/shared/transport/rateLimit';
import { awazApiRequest } from '../../nodes/shared/transport';
import { rateLimitedDelay } from '../../nodes/shared/transport/request';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

describe('rate-limit headers', () => {
	it("reads Awaz's epoch-seconds reset, and a remaining count", () => {
		const resetSeconds = NOW / 1000 + 30;
		expect(
			readRateLimitHeaders(
				{
					'x-ratelimit-limit': '100',
					'x-ratelimit-remaining': '7',
					'x-ratelimit-reset': String(resetSeconds),
				},
				NOW,
			),
		).toEqual({ limit: 100, remaining: 7, resetAtMs: NOW + 30_000 });
	});

	it('reads a small reset as seconds from now and a huge one as epoch milliseconds', () => {
		expect(readRateLimitHeaders({ 'x-ratelimit-reset': '12' }, NOW).resetAtMs).toBe(NOW + 12_000);
		expect(readRateLimitHeaders({ 'x-ratelimit-reset': String(NOW + 5000) }, NOW).resetAtMs).toBe(
			NOW + 5000,
		);
	});

	it('ignores missing, empty, negative and non-numeric values, and takes the first of repeated headers', () => {
		expect(readRateLimitHeaders({}, NOW)).toEqual({
			limit: undefined,
			remaining: undefined,
			resetAtMs: undefined,
		});
		expect(
			readRateLimitHeaders(
				{ 'x-ratelimit-remaining': '', 'x-ratelimit-reset': '-1', 'x-ratelimit-limit': 'lots' },
				NOW,
			),
		).toEqual({
			limit: undefined,
			remaining: undefined,
			resetAtMs: undefined,
		});
		expect(readRateLimitHeaders({ 'x-ratelimit-remaining': ['3', '9'] }, NOW).remaining).toBe(3);
	});

	it('reads Retry-After as seconds or as an HTTP date', () => {
		expect(readRetryAfterMs({ 'retry-after': '2.5' }, NOW)).toBe(2500);
		expect(readRetryAfterMs({ 'Retry-After': new Date(NOW + 4000).toUTCString() }, NOW)).toBe(4000);
		expect(readRetryAfterMs({ 'retry-after': new Date(NOW - 4000).toUTCString() }, NOW)).toBe(0);
		expect(readRetryAfterMs({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
		// An HTTP date is on the server's clock: 30 s ahead of ours, its "now + 4 s" is 4 s away.
		const serverAhead = 30_000;
		const onServerClock = new Date(NOW + serverAhead + 4000).toUTCString();
		expect(readRetryAfterMs({ 'retry-after': onServerClock }, NOW, serverAhead)).toBe(4000);
		expect(readRetryAfterMs({ 'retry-after': onServerClock }, NOW, -serverAhead)).toBe(64_000);
		expect(readRetryAfterMs({}, NOW)).toBeUndefined();
	});

	it('reads how long a 429 asks to wait: until the reset (plus a hair), at most a window, else Retry-After, else 0', () => {
		expect(rateLimitedDelay({ 'x-ratelimit-reset': '10' }, NOW)).toBe(10_025);
		expect(rateLimitedDelay({ 'x-ratelimit-reset': '600' }, NOW)).toBe(61_000);
		expect(rateLimitedDelay({ 'retry-after': '3' }, NOW)).toBe(3000);
		expect(rateLimitedDelay({ 'retry-after': '0.0001' }, NOW)).toBeCloseTo(0.1);
		expect(rateLimitedDelay({}, NOW)).toBe(0);
	});

	it('holds requests back only when the window has none left, counting those in flight', () => {
		const gate = new RateLimitGate(`unit ${Math.random()}`);
		const answer = (remaining: number) => ({
			'x-ratelimit-remaining': String(remaining),
			'x-ratelimit-reset': String((NOW + 10_000) / 1000),
		});
		expect(gate.delayBeforeNextRequest(NOW)).toBe(0);
		gate.finished(gate.started(NOW), answer(1), NOW);
		expect(gate.delayBeforeNextRequest(NOW)).toBe(0);
		const ticket = gate.started(NOW);
		expect(gate.delayBeforeNextRequest(NOW)).toBe(10_025);
		gate.finished(ticket, answer(0), NOW);
		expect(gate.delayBeforeNextRequest(NOW + 10_000)).toBe(0);
	});
});

describe('the retry budget', () => {
	it('lets a request wait up to its allowance and doubles the backoff up to a minute', () => {
		const allowance = new WaitAllowance(5000);
		expect(allowance.spend(3000)).toBe(true);
		expect(allowance.spend(2001)).toBe(false);
		expect(allowance.spend(2000)).toBe(true);
		expect(allowance.waitedMs).toBe(5000);
		const steps = Array.from({ length: 8 }, () => allowance.nextWait());
		expect(steps).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
	});

	it('never waits less than the backoff, whatever the server asks; a longer wait asked is honoured', () => {
		const allowance = new WaitAllowance(600_000);
		expect([0, 0.1, 0, 30_000, 0].map((asked) => allowance.nextWait(asked))).toEqual([
			1000, 2000, 4000, 30_000, 16_000,
		]);
	});

	it(`counts the 429s and 503s of a request: the ${MAX_SENDS_WHEN_REFUSED}th ends it`, () => {
		const budget = new RetryBudget({ timeout: 30, maxRateLimitWait: 1, maxBusyWait: 2 });
		const goOn = Array.from({ length: MAX_SENDS_WHEN_REFUSED }, () => budget.refusedAgain());
		expect(goOn.filter(Boolean)).toHaveLength(MAX_SENDS_WHEN_REFUSED - 1);
		expect(goOn[MAX_SENDS_WHEN_REFUSED - 1]).toBe(false);
		expect(budget.refusedTries).toBe(MAX_SENDS_WHEN_REFUSED);
	});

	it('gives a read two more tries, one and two seconds apart', () => {
		const budget = new RetryBudget({ timeout: 30, maxRateLimitWait: 1, maxBusyWait: 2 });
		expect([budget.nextReadRetry(), budget.nextReadRetry(), budget.nextReadRetry()]).toEqual([
			1000,
			2000,
			undefined,
		]);
		expect(budget.rateLimit.spend(1001)).toBe(false);
		expect(budget.busy.spend(2000)).toBe(true);
	});
});

describe('paging stop rules', () => {
	const page = (...ids: number[]): IDataObject[] => ids.map((id) => ({ id }));

	function walk(pages: IDataObject[][], limit?: number) {
		const pageWalk = new PageWalk(limit);
		const taken: unknown[] = [];
		let fetched = 0;
		while (pageWalk.wantsMore && fetched < pages.length) {
			taken.push(...pageWalk.take(pages[fetched++]).map((item) => item.id));
		}
		return { taken, fetched };
	}

	it('stops at an empty page', () => {
		expect(walk([page(1, 2), page(3, 4), page(), page(9)])).toEqual({
			taken: [1, 2, 3, 4],
			fetched: 3,
		});
	});

	it('stops after a page shorter than the first', () => {
		expect(walk([page(1, 2, 3), page(4), page(9)])).toEqual({ taken: [1, 2, 3, 4], fetched: 2 });
	});

	it('stops when a page repeats the one before, taking nothing from it', () => {
		expect(walk([page(1, 2), page(1, 2), page(9)])).toEqual({ taken: [1, 2], fetched: 2 });
	});

	it('stops as soon as the limit is reached, without fetching another page', () => {
		expect(walk([page(1, 2, 3), page(4, 5, 6), page(7)], 4)).toEqual({
			taken: [1, 2, 3, 4],
			fetched: 2,
		});
		expect(walk([page(1, 2, 3), page(4, 5, 6)], 3)).toEqual({ taken: [1, 2, 3], fetched: 1 });
	});
});

describe('key redaction', () => {
	it('blots out every copy of the key, and leaves a too-short key be', () => {
		expect(redactKey('Bearer sk_live_123 sent sk_live_123', 'sk_live_123')).toBe(
			'Bearer *** sent ***',
		);
		expect(redactKey('abc', 'ab')).toBe('abc');
	});

	it('blots the key out of every string of a parsed answer, names included, and leaves one without it as it is', () => {
		const key = 'sk_live_123';
		expect(
			redactEverywhere(
				{ headers: { authorization: `Bearer ${key}` }, [key]: [1, `${key}!`, null, { ok: true }] },
				key,
			),
		).toEqual({ headers: { authorization: 'Bearer ***' }, '***': [1, '***!', null, { ok: true }] });
		const clean = { items: [{ id: 'a1', tags: ['x'] }] };
		expect(redactEverywhere(clean, key)).toBe(clean);
		expect(redactEverywhere(`token ${key}`, key)).toBe('token ***');
		expect(redactEverywhere(undefined, key)).toBeUndefined();
	});
});

/* ------------------------------------------------------------------------------------------------
 * The request policy against a made-up Awaz, on jest's fake clock (no test waits for real).
 * --------------------------------------------------------------------------------------------- */

const KEY = 'unit-key-5d4c3b2a';

interface FakeAwaz {
	/** The status of the n-th send (1-based) and its headers. */
	answer: (send: number) => { statusCode: number; headers?: Record<string, string> };
	credential?: { id: string | null; name: string };
	baseUrl?: string;
	/** Whether the context has a cancel signal, as an execution's has. */
	cancellable?: boolean;
}

/** A node context whose HTTP helper answers as `fake` says, recording when each send happened. */
function contextFor(fake: FakeAwaz) {
	const sentAt: number[] = [];
	const urls: string[] = [];
	const context = {
		getCredentials: async () => ({ apiKey: KEY, baseUrl: fake.baseUrl ?? 'http://awaz.test' }),
		getNode: () => ({
			id: 'n1',
			name: 'Awaz',
			type: 'awaz',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
			credentials: { awazApi: fake.credential ?? { id: `unit ${Math.random()}`, name: 'Awaz' } },
		}),
		logger: { info() {}, warn() {}, debug() {}, error() {} },
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: { url: string }) => {
				sentAt.push(Date.now());
				urls.push(options.url);
				return { body: '{}', ...fake.answer(sentAt.length) };
			},
		},
		...(fake.cancellable === false ? {} : { getExecutionCancelSignal: () => undefined }),
	};
	return { context: context as unknown as ThisParameterType<typeof awazApiRequest>, sentAt, urls };
}

/** Runs a request to its end on the fake clock; its error, if it failed. */
async function settle(promise: Promise<unknown>): Promise<Error | undefined> {
	let outcome: { error?: Error } | undefined;
	promise.then(
		() => (outcome = {}),
		(error: Error) => (outcome = { error }),
	);
	for (let step = 0; !outcome && step < 100_000; step++) {
		await jest.advanceTimersByTimeAsync(250);
	}
	return outcome?.error;
}

const gaps = (times: number[]) => times.slice(1).map((time, i) => time - times[i]);
const GET_AGENTS_REQUEST = { method: 'GET' as const, path: '/v1/agents' };

describe('429 and 503 that say "retry now", forever', () => {
	beforeEach(() => jest.useFakeTimers({ now: NOW }));
	afterEach(() => jest.useRealTimers());

	it(`a request is sent ${MAX_SENDS_WHEN_REFUSED} times at most, 429s and 503s together, each wait at least the backoff`, async () => {
		const { context, sentAt } = contextFor({
			answer: (send) => ({
				statusCode: send % 2 ? 503 : 429,
				headers: { 'retry-after': send % 3 ? '0' : '0.0001' },
			}),
		});
		const error = await settle(
			awazApiRequest.call(context, GET_AGENTS_REQUEST, {
				settings: { maxRateLimitWait: 3600, maxBusyWait: 3600 },
			}),
		);
		expect(sentAt).toHaveLength(MAX_SENDS_WHEN_REFUSED);
		// Each allowance doubles its own backoff: 503s wait 1, 2, 4, 8, 16 s, 429s the same.
		const floors = [1000, 1000, 2000, 2000, 4000, 4000, 8000, 8000, 16_000];
		gaps(sentAt).forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(floors[i]));
		expect(error?.message).toBe(
			`The Awaz rate limit did not free up after ${MAX_SENDS_WHEN_REFUSED} tries`,
		);
		expect((error as unknown as { description: string }).description).toMatch(
			/sent at most 10 times .* Options → Max Wait for Rate Limit \(now 3600 s\)/,
		);
	});

	it('503 with Retry-After: 0 forever, within the allowance of an execution: 1 s, 2 s, 4 s… then the allowance ends it', async () => {
		const { context, sentAt } = contextFor({
			answer: () => ({ statusCode: 503, headers: { 'retry-after': '0' } }),
		});
		const error = await settle(awazApiRequest.call(context, GET_AGENTS_REQUEST));
		// 1 + 2 + 4 + 8 + 16 + 32 + 60 + 60 + 60 = 243 s; the tenth send is the last.
		expect(gaps(sentAt)).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
		expect(error?.message).toBe(
			'Awaz is busy (503 high traffic) and still was after 10 tries (243 s of waiting)',
		);
	});

	it('a context without a cancel signal (the editor, activation) waits 10 s of 503s at most, and says to try again', async () => {
		const { context, sentAt } = contextFor({
			cancellable: false,
			answer: () => ({ statusCode: 503, headers: { 'retry-after': '0' } }),
		});
		const error = await settle(
			awazApiRequest.call(context, GET_AGENTS_REQUEST, { settings: { maxBusyWait: 300 } }),
		);
		expect(gaps(sentAt)).toEqual([1000, 2000, 4000]);
		expect(error?.message).toBe(
			'Awaz is busy (503 high traffic) and still was after 7 s of retrying',
		);
		expect((error as unknown as { description: string }).description).toMatch(
			/wait at most 10 s, as nobody can stop them there: try again in a minute\.$/,
		);
	});

	it('…and 20 s of 429s at most', async () => {
		const { context, sentAt } = contextFor({
			cancellable: false,
			answer: () => ({ statusCode: 429, headers: { 'retry-after': '0.0001' } }),
		});
		const error = await settle(awazApiRequest.call(context, GET_AGENTS_REQUEST));
		expect(gaps(sentAt)).toEqual([1000, 2000, 4000, 8000]);
		expect(error?.message).toBe('The Awaz rate limit did not free up within 20 s');
	});
});

describe('the connection a credential makes', () => {
	const connection = (fake: Omit<FakeAwaz, 'answer'>) =>
		connectionOf(contextFor({ answer: () => ({ statusCode: 200 }), ...fake }).context);

	it.each([
		['empty', '', 'https://api.awaz.ai'],
		['blank', ' \t ', 'https://api.awaz.ai'],
		['only a slash', '/', 'https://api.awaz.ai'],
		['with spaces and slashes around it', '  http://proxy.test/awaz//  ', 'http://proxy.test/awaz'],
	])('a Base URL %s (%j) is used as %s', async (_title, baseUrl, used) => {
		expect((await connection({ baseUrl })).baseUrl).toBe(used);
	});

	it('shares a rate-limit window by credential id, else by name, and by Base URL; never by key', async () => {
		const key = async (id: string | null, name: string, baseUrl = 'http://awaz.test') =>
			(await connection({ credential: { id, name }, baseUrl })).gateKey;
		expect(await key(null, 'Sales')).not.toBe(await key(null, 'Support'));
		expect(await key('c1', 'Sales')).toBe(await key('c1', 'Sales (renamed)'));
		expect(await key('c1', 'Sales')).not.toBe(await key('c1', 'Sales', 'http://other.test'));
		expect(await key(null, 'Sales')).not.toContain(KEY);
	});
});
