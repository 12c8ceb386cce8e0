import type { IDataObject } from 'n8n-workflow';

import { RetryBudget, WaitAllowance } from '../../nodes/shared/transport/budget';
import { redactKey } from '../../nodes/shared/transport/connection';
import { PageWalk } from '../../nodes/shared/transport/paging';
import {
	readRateLimitHeaders,
	readRetryAfterMs,
	RateLimitGate,
} from '../../nodes/shared/transport/rateLimit';
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
		expect(readRetryAfterMs({}, NOW)).toBeUndefined();
	});

	it('waits after a 429 until the reset (plus a hair), at most a window, else the backoff', () => {
		expect(rateLimitedDelay({ 'x-ratelimit-reset': '10' }, 1000, NOW)).toEqual({
			delayMs: 10_025,
			usedBackoff: false,
		});
		expect(rateLimitedDelay({ 'x-ratelimit-reset': '600' }, 1000, NOW)).toEqual({
			delayMs: 61_000,
			usedBackoff: false,
		});
		expect(rateLimitedDelay({ 'retry-after': '3' }, 1000, NOW)).toEqual({
			delayMs: 3000,
			usedBackoff: false,
		});
		expect(rateLimitedDelay({}, 4000, NOW)).toEqual({ delayMs: 4000, usedBackoff: true });
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
		const steps = [];
		for (let i = 0; i < 8; i++) {
			steps.push(allowance.backoffMs);
			allowance.growBackoff();
		}
		expect(steps).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
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
});
