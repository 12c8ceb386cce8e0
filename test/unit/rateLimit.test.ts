/**
 * The rate-limit gate: a server that switches to a shorter window, a server whose clock
 * is not ours, and the last limit seen. Every instant is given, none read from the clock.
 */
import {
	MAX_WINDOW_WAIT_MS,
	PLAUSIBLE_CLOCK_OFFSET_MS,
	RateLimitGate,
	ServerClock,
	SHORTEST_HOLD_MS,
} from '../../nodes/shared/transport/rateLimit';
import { rateLimitedDelay } from '../../nodes/shared/transport/request';

/** A whole second, as Date headers are. */
const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const newGate = () => new RateLimitGate(`unit ${Math.random()}`);

/** An answer's headers: what is left, the reset (epoch ms, sent as epoch seconds), the Date. */
function answer(remaining: number, resetMs: number, dateMs?: number, limit = 100) {
	return {
		'x-ratelimit-limit': String(limit),
		'x-ratelimit-remaining': String(remaining),
		'x-ratelimit-reset': String(Math.ceil(resetMs / 1000)),
		...(dateMs === undefined
			? {}
			: { date: new Date(Math.floor(dateMs / 1000) * 1000).toUTCString() }),
	};
}

describe('a server that switches to a shorter window', () => {
	const FAR = NOW + 60_000;
	const NEAR = NOW + 2000;

	it('holds the next request until the earlier reset of the latest answer, not the far one, and not less', () => {
		const gate = newGate();
		for (const remaining of [50, 49, 48]) {
			gate.finished(gate.started(NOW), answer(remaining, FAR), NOW);
		}
		expect(gate.delayBeforeNextRequest(NOW)).toBe(0);
		gate.finished(gate.started(NOW + 10), answer(0, NEAR), NOW + 20);
		expect(gate.delayBeforeNextRequest(NOW + 20)).toBe(NEAR - (NOW + 20) + 25);
		expect(gate.delayBeforeNextRequest(NEAR - 1)).toBeGreaterThan(0);
		expect(gate.delayBeforeNextRequest(NEAR)).toBe(0);
	});

	it('a late answer to an earlier request, naming the far window, does not undo it', () => {
		const gate = newGate();
		gate.finished(gate.started(NOW), answer(50, FAR), NOW);
		const earlier = gate.started(NOW);
		const later = gate.started(NOW);
		gate.finished(later, answer(0, NEAR), NOW + 10);
		gate.finished(earlier, answer(40, FAR), NOW + 20);
		expect(gate.delayBeforeNextRequest(NOW + 20)).toBe(NEAR - (NOW + 20) + 25);
	});

	it('the window that follows is read again as it comes', () => {
		const gate = newGate();
		gate.finished(gate.started(NOW), answer(50, FAR), NOW);
		gate.finished(gate.started(NOW), answer(0, NEAR), NOW);
		gate.finished(gate.started(NEAR + 25), answer(19, NEAR + 2000), NEAR + 30);
		expect(gate.delayBeforeNextRequest(NEAR + 30)).toBe(0);
		gate.finished(gate.started(NEAR + 40), answer(0, NEAR + 2000), NEAR + 50);
		expect(gate.delayBeforeNextRequest(NEAR + 50)).toBe(2000 - 50 + 25);
	});
});

describe('answers arriving out of order within one window', () => {
	it('the lowest count of the window is kept, whichever request it answered', () => {
		const reset = NOW + 10_000;
		const gate = newGate();
		const first = gate.started(NOW);
		const second = gate.started(NOW);
		// The server counted the second request first: its answer says more are left.
		gate.finished(first, answer(0, reset), NOW + 10);
		gate.finished(second, answer(1, reset), NOW + 20);
		expect(gate.delayBeforeNextRequest(NOW + 20)).toBe(10_000 - 20 + 25);

		const other = newGate();
		const a = other.started(NOW);
		const b = other.started(NOW);
		other.finished(b, answer(1, reset), NOW + 10);
		other.finished(a, answer(0, reset), NOW + 20);
		expect(other.delayBeforeNextRequest(NOW + 20)).toBe(10_000 - 20 + 25);
	});

	it('an answer from a window that has ended, arriving late, says nothing about the current one', () => {
		const gate = newGate();
		const old = gate.started(NOW - 100);
		const current = gate.started(NOW);
		gate.finished(current, answer(5, NOW + 60_000), NOW + 10);
		gate.finished(old, answer(0, NOW), NOW + 20);
		expect(gate.delayBeforeNextRequest(NOW + 20)).toBe(0);
	});
});

describe('a server whose clock is not ours (the Date header)', () => {
	/** The server's clock reads `skew` ms more than ours; its windows are 2 s on its clock. */
	function serverAnswer(skew: number, localNow: number, remaining: number) {
		const serverNow = localNow + skew;
		const windowEnd = Math.floor(serverNow / 2000) * 2000 + 2000;
		return { headers: answer(remaining, windowEnd, serverNow), localReset: windowEnd - skew };
	}

	for (const skew of [30_000, -30_000, 30_400, -30_400]) {
		it(`${skew / 1000} s: holds until the reset translated to our time, never earlier`, () => {
			const gate = newGate();
			const sent = NOW + 100;
			const received = sent + 30;
			const { headers, localReset } = serverAnswer(skew, received, 0);
			gate.finished(gate.started(sent), headers, received);
			const hold = gate.delayBeforeNextRequest(received);
			// Not before the reset (a 429), and at most the Date header's second (plus latency) after.
			expect(received + hold).toBeGreaterThanOrEqual(localReset);
			expect(received + hold).toBeLessThanOrEqual(localReset + 1000 + 30 + 25);
			expect(gate.serverOffsetMs).toBeLessThanOrEqual(skew);
		});
	}

	it('several answers narrow the offset down to what their Date headers allow', () => {
		const clock = new ServerClock();
		const skew = -30_400;
		for (const phase of [0, 250, 500, 750, 950]) {
			const received = NOW + 5000 + phase;
			const date = Math.floor((received - 10 + skew) / 1000) * 1000;
			clock.observe(date, received - 20, received);
		}
		expect(clock.offsetMs).toBeLessThanOrEqual(skew);
		expect(clock.offsetMs).toBeGreaterThanOrEqual(skew - 100);
	});

	it('clocks that agree (a Date up to a second old, or cached a little late) change nothing', () => {
		const gate = newGate();
		const reset = NOW + 2000;
		// Made at NOW + 900 (dated NOW), and a Date cached 300 ms past its second.
		gate.finished(gate.started(NOW + 890), answer(5, reset, NOW + 900), NOW + 910);
		gate.finished(gate.started(NOW + 1290), answer(0, reset, NOW), NOW + 1300);
		expect(gate.serverOffsetMs).toBe(0);
		expect(gate.delayBeforeNextRequest(NOW + 1300)).toBe(700 + 25);
	});

	it('a 429 waits for the reset on our clock, else for Retry-After when that reset has passed', () => {
		const headers = { 'x-ratelimit-reset': String((NOW + 32_000) / 1000), 'retry-after': '2' };
		expect(rateLimitedDelay(headers, NOW, 30_000)).toBe(2025);
		expect(rateLimitedDelay(headers, NOW + 3000, 0)).toBe(29_025);
		const passed = { 'x-ratelimit-reset': String((NOW - 28_000) / 1000), 'retry-after': '2' };
		expect(rateLimitedDelay(passed, NOW)).toBe(2000);
	});

	it(`a Date more than ${PLAUSIBLE_CLOCK_OFFSET_MS / 60_000} minutes from our clock is not believed; within that it is`, () => {
		for (const skew of [
			365 * 86_400_000,
			-365 * 86_400_000,
			3_600_000,
			-PLAUSIBLE_CLOCK_OFFSET_MS - 2000,
		]) {
			const clock = new ServerClock();
			clock.observe(NOW + skew, NOW - 10, NOW);
			expect({ skew, offset: clock.offsetMs }).toEqual({ skew, offset: 0 });
		}
		const clock = new ServerClock();
		clock.observe(NOW + 5 * 60_000, NOW - 10, NOW);
		expect(clock.offsetMs).toBe(5 * 60_000);
	});

	it('a bogus Date (a year behind) next to a true reset 2 s ahead: held until that reset, not a year', () => {
		const gate = newGate();
		gate.finished(gate.started(NOW), answer(0, NOW + 2000, NOW - 365 * 86_400_000), NOW + 10);
		expect(gate.delayBeforeNextRequest(NOW + 10)).toBe(2000 - 10 + 25);
	});
});

describe('a reset no window can have: held at most one window, then one request asks again', () => {
	const YEAR = 365 * 86_400_000;

	for (const [said, headers] of [
		[
			'a year ahead',
			{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String((NOW + YEAR) / 1000) },
		],
		[
			'milliseconds read as seconds',
			{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '60000' },
		],
	] as const) {
		it(`${said}: one window, then exactly one request; it alone decides what follows`, () => {
			const gate = newGate();
			gate.finished(gate.started(NOW), headers, NOW);
			expect(gate.delayBeforeNextRequest(NOW)).toBe(MAX_WINDOW_WAIT_MS + 25);
			const afterWindow = NOW + MAX_WINDOW_WAIT_MS;
			expect(gate.delayBeforeNextRequest(afterWindow)).toBe(0);

			// One request goes to learn the truth; the others wait for its answer, without spinning.
			const probe = gate.started(afterWindow);
			expect(gate.delayBeforeNextRequest(afterWindow)).toBe(SHORTEST_HOLD_MS);
			// It says 0 again: held again, one window at most from this answer.
			gate.finished(probe, headers, afterWindow + 100);
			expect(gate.delayBeforeNextRequest(afterWindow + 100)).toBe(MAX_WINDOW_WAIT_MS + 25);

			// The next probe finds room (the same far reset named): everyone goes.
			const later = afterWindow + 100 + MAX_WINDOW_WAIT_MS;
			const second = gate.started(later);
			expect(gate.delayBeforeNextRequest(later)).toBe(SHORTEST_HOLD_MS);
			gate.finished(second, { ...headers, 'x-ratelimit-remaining': '40' }, later + 50);
			expect(gate.delayBeforeNextRequest(later + 50)).toBe(0);
		});
	}

	it('a probe whose answer has no rate-limit headers (or none at all) releases everyone', () => {
		const gate = newGate();
		gate.finished(gate.started(NOW), answer(0, NOW + 2000), NOW);
		const probe = gate.started(NOW + 2100);
		expect(gate.delayBeforeNextRequest(NOW + 2100)).toBe(SHORTEST_HOLD_MS);
		gate.finished(probe, undefined, NOW + 2200);
		expect(gate.delayBeforeNextRequest(NOW + 2200)).toBe(0);
	});

	it('a reset a few milliseconds ahead, again and again: asked at most every shortest hold', () => {
		const gate = newGate();
		const soon = (at: number) => ({
			'x-ratelimit-remaining': '0',
			'x-ratelimit-reset': String(at + 5),
		});
		gate.finished(gate.started(NOW), soon(NOW), NOW);
		// The first reset is taken at its word (a window used up in its last moments).
		expect(gate.delayBeforeNextRequest(NOW)).toBe(5 + 25);
		let wokeAt = NOW + 30;
		for (let i = 0; i < 5; i++) {
			const probe = gate.started(wokeAt);
			gate.finished(probe, soon(wokeAt + 1), wokeAt + 1);
			const hold = gate.delayBeforeNextRequest(wokeAt + 1);
			expect(hold).toBe(SHORTEST_HOLD_MS - 1);
			wokeAt += SHORTEST_HOLD_MS;
		}
	});
});

describe('a window used up in its last moments', () => {
	const W = 2000;
	const START = NOW + 60_000; // a window start (NOW is a whole minute)

	it('the next request goes at the reset plus the margin, not a shortest hold later', () => {
		const gate = newGate();
		gate.finished(gate.started(START - 12), answer(0, START, START - 12, 20), START - 10);
		expect(gate.delayBeforeNextRequest(START - 10)).toBe(10 + 25);
		// Another request (a second execution) waiting for the same reset wakes with it.
		expect(gate.delayBeforeNextRequest(START - 5)).toBe(5 + 25);
	});

	it('a sequential client on a fake clock: every window after a late first one opens at its start', () => {
		// 20 per 2 s, aligned windows; the first request lands 100 ms before a window ends; 2 ms a
		// request. When each window's first request goes is the schedule the gate makes.
		const gate = newGate();
		const windowOf = (t: number) => Math.floor(t / W);
		const counts = new Map<number, number>();
		const firstIn = new Map<number, number>();
		let now = START - 100;
		for (let sent = 0; sent < 100; ) {
			const hold = gate.delayBeforeNextRequest(now);
			if (hold > 0) {
				now += hold;
				continue;
			}
			const ticket = gate.started(now);
			const w = windowOf(now);
			const count = (counts.get(w) ?? 0) + 1;
			counts.set(w, count);
			if (!firstIn.has(w)) firstIn.set(w, now - w * W);
			expect(count).toBeLessThanOrEqual(20); // never a 429
			now += 2;
			gate.finished(ticket, answer(20 - count, (w + 1) * W, now, 20), now);
			sent++;
		}
		const opened = [...firstIn.entries()].slice(1).map(([, at]) => at);
		expect(opened).toEqual(opened.map(() => 25));
	});
});

describe('the last limit seen', () => {
	it('is undefined before any answer, then the limit the answer to the latest request named', () => {
		const gate = newGate();
		expect(gate.limit()).toBeUndefined();
		const earlier = gate.started(NOW);
		const later = gate.started(NOW);
		gate.finished(later, answer(9, NOW + 2000, undefined, 10), NOW);
		gate.finished(earlier, answer(90, NOW + 60_000, undefined, 100), NOW);
		expect(gate.limit()).toBe(10);
		gate.finished(gate.started(NOW), {}, NOW);
		expect(gate.limit()).toBe(10);
		expect(new RateLimitGate('no answers here').limit()).toBeUndefined();
	});
});
