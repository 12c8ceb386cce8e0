import { sleep } from 'n8n-workflow';

/**
 * What the server last said about one API key's window. Kept per credential (not per execution) so
 * that executions sharing a key in one n8n process hold back together; across processes the
 * server's headers and 429s keep everyone honest.
 */
interface WindowState {
	remaining?: number;
	/** When the window resets, in our time (the server's instant translated). */
	resetAtMs?: number;
	/** The `X-RateLimit-Reset` as sent, which names the window whatever our reading of the clock. */
	resetNamed?: number;
	/** The sequence number of the request whose answer set `resetAtMs` (0: none yet). */
	appliedSeq: number;
	limit?: number;
	limitSeq: number;
	inFlight: number;
	/** The sequence number of the last request started. */
	lastSeq: number;
	/**
	 * The request sent to learn whether a window that had none left has reopened, while it has no
	 * answer yet (its sequence number).
	 */
	probeSeq?: number;
	/**
	 * When the requests held for the latest reset are let go (that reset plus the margin, or later
	 * by the shortest hold): the next reset's wake-up is at least the shortest hold after it.
	 */
	wakeAtMs?: number;
	clock: ServerClock;
}

/** Landing a hair after the reset instant keeps a request from falling into the old window. */
export const RESET_MARGIN_MS = 25;
/**
 * The documented window is one minute: a reset further away than that (a year ahead, milliseconds
 * read as seconds) cannot be right, so it is taken as at most a window from the answer that named
 * it; then one request asks again.
 */
export const MAX_WINDOW_WAIT_MS = 61_000;
/**
 * The shortest hold: a server that names a reset a few milliseconds ahead, again and again, or a
 * request waiting for another's answer, is not spun around in a tight loop. For resets it counts
 * from the previous wake-up, not from now: a window used up in its last moments is followed by
 * the next one at its start.
 */
export const SHORTEST_HOLD_MS = 250;
/**
 * A `Date` header further than this from our clock is not believed. Servers on the internet keep
 * their clocks within seconds, and protocols that depend on it (Kerberos allows 5 minutes) fail
 * beyond a few minutes; a Date off by more is a bug (local time sent as GMT is off by at least an
 * hour, a cached or made-up header by anything), and reading resets through it would misplace
 * every one of them by as much.
 */
export const PLAUSIBLE_CLOCK_OFFSET_MS = 10 * 60_000;
/** Sleep in slices so that a cancelled execution stops waiting promptly. */
const SLEEP_SLICE_MS = 1000;
/** How many recent answers the server's clock is read from. */
const CLOCK_SAMPLES = 8;
/**
 * A `Date` header is truncated to the second, and busy servers send one cached a little late; a
 * server clock behind ours is believed only when the headers put it further behind than this.
 */
const DATE_LAG_TOLERANCE_MS = 500;

/**
 * The server's clock against ours, from the `Date` headers of its recent answers. An answer sent
 * at local `sent` and received at `received`, dated `date` (whole seconds, truncated), was made
 * when the server's clock read somewhere in [date, date + 1 s), and ours in [sent, received]; so
 * the offset (server minus local) is at least `date − received` and below `date + 1 s − sent`.
 * Several answers narrow that range. The offset used leans towards holding longer, never shorter:
 * - the lower bound when it is above 0 (the server is surely ahead by at least that much);
 * - the lower bound when the upper bound is well below 0 (the server is behind: its reset, in our
 *   time, is at the latest it can be);
 * - otherwise 0: the clocks agree as far as one-second dates can tell, and a reset read as sent
 *   keeps short windows at full speed (correcting by the uncertainty would add up to a second to
 *   every hold).
 */
export class ServerClock {
	private readonly samples: Array<{ atLeast: number; below: number }> = [];

	observe(dateMs: number, sentAtMs: number, receivedAtMs: number): void {
		const atLeast = dateMs - receivedAtMs;
		const below = dateMs + 1000 - sentAtMs;
		if (atLeast > PLAUSIBLE_CLOCK_OFFSET_MS || below < -PLAUSIBLE_CLOCK_OFFSET_MS) return;
		this.samples.push({ atLeast, below });
		if (this.samples.length > CLOCK_SAMPLES) this.samples.shift();
	}

	/** Milliseconds to subtract from a server instant to get ours. */
	get offsetMs(): number {
		if (this.samples.length === 0) return 0;
		let atLeast = Math.max(...this.samples.map((sample) => sample.atLeast));
		let below = Math.min(...this.samples.map((sample) => sample.below));
		if (atLeast >= below) {
			// The answers disagree (the server's clock was set, or several servers answer): the
			// newest is the truest.
			({ atLeast, below } = this.samples[this.samples.length - 1]);
		}
		if (atLeast > 0 || below < -DATE_LAG_TOLERANCE_MS) return atLeast;
		return 0;
	}
}

const windows = new Map<string, WindowState>();

export interface RateLimitHeaders {
	limit?: number;
	remaining?: number;
	resetAtMs?: number;
}

/** A header's value as text, under the first of its `spellings` present; the first of a list. */
function headerValue(headers: Record<string, unknown>, ...spellings: string[]): string | undefined {
	for (const name of spellings) {
		const raw = headers[name];
		const value: unknown = Array.isArray(raw) ? raw[0] : raw;
		if (value !== undefined && value !== null) return String(value).trim();
	}
	return undefined;
}

/** A header's value as a number (names lower-case, as n8n hands headers over). */
function headerNumber(headers: Record<string, unknown>, name: string): number | undefined {
	const value = headerValue(headers, name);
	if (!value) return undefined;
	const parsed = Number(value);
	return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * When the window resets, in our epoch milliseconds. Awaz documents UTC epoch seconds; a small
 * number is read as seconds from now and a huge one as milliseconds, as other servers send them.
 * The epoch forms are instants on the server's clock: `serverOffsetMs` (server minus local) turns
 * them into ours.
 */
function resetInstant(
	reset: number | undefined,
	now: number,
	serverOffsetMs: number,
): number | undefined {
	if (reset === undefined || reset < 0) return undefined;
	if (reset < 1e9) return now + reset * 1000;
	if (reset > 1e12) return reset - serverOffsetMs;
	return reset * 1000 - serverOffsetMs;
}

export function readRateLimitHeaders(
	headers: Record<string, unknown> = {},
	now = Date.now(),
	serverOffsetMs = 0,
): RateLimitHeaders {
	return {
		limit: headerNumber(headers, 'x-ratelimit-limit'),
		remaining: headerNumber(headers, 'x-ratelimit-remaining'),
		resetAtMs: resetInstant(headerNumber(headers, 'x-ratelimit-reset'), now, serverOffsetMs),
	};
}

/** The `Date` header (when the server made the answer, by its clock), in epoch milliseconds. */
export function readServerDate(headers: Record<string, unknown> = {}): number | undefined {
	const value = headerValue(headers, 'date', 'Date');
	if (!value) return undefined;
	const parsed = Date.parse(value);
	return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * Seconds from a Retry-After header (seconds or an HTTP date on the server's clock), if there is
 * one.
 */
export function readRetryAfterMs(
	headers: Record<string, unknown> = {},
	now = Date.now(),
	serverOffsetMs = 0,
) {
	const value = headerValue(headers, 'retry-after', 'Retry-After');
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - serverOffsetMs - now);
}

export async function sleepCancellable(ms: number, signal?: AbortSignal): Promise<void> {
	const until = Date.now() + ms;
	while (!signal?.aborted) {
		const left = until - Date.now();
		if (left <= 0) return;
		await sleep(Math.min(left, SLEEP_SLICE_MS));
	}
}

/** One request as the gate knows it: its place in start order and when it was sent. */
export interface Ticket {
	seq: number;
	sentAtMs: number;
}

export class RateLimitGate {
	private readonly state: WindowState;

	constructor(key: string) {
		let state = windows.get(key);
		if (!state) {
			state = { inFlight: 0, lastSeq: 0, appliedSeq: 0, limitSeq: 0, clock: new ServerClock() };
			windows.set(key, state);
		}
		this.state = state;
	}

	/**
	 * How long to hold the next request back: until the window resets when the server said none
	 * are left (counting our own requests still in flight), otherwise not at all. Once that reset
	 * has passed, what the server said is stale: one request goes to learn whether the new window
	 * has room, and the others wait for its answer.
	 */
	delayBeforeNextRequest(now = Date.now()): number {
		const { remaining, resetAtMs, inFlight, probeSeq } = this.state;
		if (remaining === undefined || resetAtMs === undefined) return 0;
		if (now < resetAtMs) {
			if (remaining - inFlight > 0) return 0;
			return this.holdUntilReset(resetAtMs, now);
		}
		if (remaining > 0 || probeSeq === undefined) return 0;
		return SHORTEST_HOLD_MS;
	}

	/**
	 * Until the reset (plus the margin). A reset later than the previous wake-up is a new one: it
	 * is woken up for no sooner than the shortest hold after that wake-up, so a server naming a
	 * reset a few milliseconds ahead again and again is asked at most every SHORTEST_HOLD_MS; a
	 * reset before it is the one already held for (another request waits for it too).
	 */
	private holdUntilReset(resetAtMs: number, now: number): number {
		const state = this.state;
		const last = state.wakeAtMs;
		let wakeAt = resetAtMs + RESET_MARGIN_MS;
		if (last !== undefined)
			wakeAt = Math.max(wakeAt, resetAtMs < last ? last : last + SHORTEST_HOLD_MS);
		state.wakeAtMs = wakeAt;
		return wakeAt - now;
	}

	/**
	 * The last `X-RateLimit-Limit` the server sent for this key (requests per window; Awaz's
	 * window is a minute), from the answer to the latest request; undefined before any.
	 */
	limit(): number | undefined {
		return this.state.limit;
	}

	/** The window as the latest answers left it: the limit, what is left of it and when it resets. */
	window(): { limit?: number; remaining?: number; resetAtMs?: number } {
		const { limit, remaining, resetAtMs } = this.state;
		return { limit, remaining, resetAtMs };
	}

	/** The server's clock minus ours, as used to read its reset instants (0 until it differs). */
	get serverOffsetMs(): number {
		return this.state.clock.offsetMs;
	}

	/** A request is about to be sent: hand its ticket back to `finished` with the answer. */
	started(now = Date.now()): Ticket {
		const state = this.state;
		state.inFlight++;
		const seq = ++state.lastSeq;
		const reopened = state.resetAtMs !== undefined && now >= state.resetAtMs;
		if (reopened && state.remaining === 0 && state.probeSeq === undefined) state.probeSeq = seq;
		return { seq, sentAtMs: now };
	}

	/**
	 * The answer (its headers; none after a network failure) to the request of `ticket` arrived.
	 * The answer to the latest request started is the truest, even when it names an earlier reset
	 * (the server switched to a shorter window): it replaces what an answer to an earlier request
	 * said. An answer to an earlier request, arriving late, only lowers the count of the window it
	 * names when that is the window known.
	 */
	finished(ticket: Ticket, headers: Record<string, unknown> = {}, now = Date.now()): void {
		const state = this.state;
		state.inFlight = Math.max(0, state.inFlight - 1);
		const probe = ticket.seq === state.probeSeq;
		if (probe) state.probeSeq = undefined;
		const date = readServerDate(headers);
		if (date !== undefined) state.clock.observe(date, ticket.sentAtMs, now);
		const read = readRateLimitHeaders(headers, now, state.clock.offsetMs);
		const { limit, remaining } = read;
		// A reset more than a window ahead cannot be right: at most a window from this answer.
		const resetAtMs =
			read.resetAtMs === undefined ? undefined : Math.min(read.resetAtMs, now + MAX_WINDOW_WAIT_MS);
		if (limit !== undefined && ticket.seq > state.limitSeq) {
			state.limit = limit;
			state.limitSeq = ticket.seq;
		}
		if (remaining === undefined || resetAtMs === undefined) {
			// The probe's answer says nothing about the window: what was said before is forgotten.
			if (probe) state.remaining = undefined;
			return;
		}
		const resetNamed = headerNumber(headers, 'x-ratelimit-reset');
		if (!probe && resetNamed === state.resetNamed && state.remaining !== undefined) {
			// Same window, whatever the order: the lowest count the server reported is the truest
			// (except for the probe's: it was sent to replace a count gone stale).
			state.remaining = Math.min(state.remaining, remaining);
			if (ticket.seq > state.appliedSeq) {
				state.resetAtMs = resetAtMs; // read with the latest view of the server's clock
				state.appliedSeq = ticket.seq;
			}
		} else if (ticket.seq > state.appliedSeq) {
			state.remaining = remaining;
			state.resetAtMs = resetAtMs;
			state.resetNamed = resetNamed;
			state.appliedSeq = ticket.seq;
		}
	}
}
