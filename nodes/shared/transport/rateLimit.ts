import { sleep } from 'n8n-workflow';

/**
 * What the server last said about one API key's window. Kept per credential (not per execution) so
 * that executions sharing a key in one n8n process hold back together; across processes the
 * server's headers and 429s keep everyone honest.
 */
interface WindowState {
	remaining?: number;
	resetAtMs?: number;
	inFlight: number;
}

/** Landing a hair after the reset instant keeps a request from falling into the old window. */
export const RESET_MARGIN_MS = 25;
/**
 * The documented window is one minute: a reset further away than that means clocks disagree, so
 * wait at most a window and let the server say again.
 */
export const MAX_WINDOW_WAIT_MS = 61_000;
/** Sleep in slices so that a cancelled execution stops waiting promptly. */
const SLEEP_SLICE_MS = 1000;

const windows = new Map<string, WindowState>();

export interface RateLimitHeaders {
	limit?: number;
	remaining?: number;
	resetAtMs?: number;
}

function headerNumber(headers: Record<string, unknown>, name: string): number | undefined {
	const raw = headers[name] ?? headers[name.toLowerCase()];
	const value = Array.isArray(raw) ? raw[0] : raw;
	if (value === undefined || value === null || value === '') return undefined;
	const parsed = Number(value);
	return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * When the window resets, in epoch milliseconds. Awaz documents UTC epoch seconds; a small number
 * is read as seconds from now and a huge one as milliseconds, as other servers send them.
 */
function resetInstant(reset: number | undefined, now: number): number | undefined {
	if (reset === undefined || reset < 0) return undefined;
	if (reset < 1e9) return now + reset * 1000;
	if (reset > 1e12) return reset;
	return reset * 1000;
}

export function readRateLimitHeaders(
	headers: Record<string, unknown> = {},
	now = Date.now(),
): RateLimitHeaders {
	return {
		limit: headerNumber(headers, 'x-ratelimit-limit'),
		remaining: headerNumber(headers, 'x-ratelimit-remaining'),
		resetAtMs: resetInstant(headerNumber(headers, 'x-ratelimit-reset'), now),
	};
}

/** Seconds from a Retry-After header (seconds or an HTTP date), if there is one. */
export function readRetryAfterMs(headers: Record<string, unknown> = {}, now = Date.now()) {
	const raw = headers['retry-after'] ?? headers['Retry-After'];
	const value = String(Array.isArray(raw) ? raw[0] : (raw ?? '')).trim();
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export async function sleepCancellable(ms: number, signal?: AbortSignal): Promise<void> {
	const until = Date.now() + ms;
	while (!signal?.aborted) {
		const left = until - Date.now();
		if (left <= 0) return;
		await sleep(Math.min(left, SLEEP_SLICE_MS));
	}
}

export class RateLimitGate {
	private readonly state: WindowState;

	constructor(key: string) {
		let state = windows.get(key);
		if (!state) {
			state = { inFlight: 0 };
			windows.set(key, state);
		}
		this.state = state;
	}

	/**
	 * How long to hold the next request back: until the window resets when the server said none
	 * are left (counting our own requests still in flight), otherwise not at all.
	 */
	delayBeforeNextRequest(now = Date.now()): number {
		const { remaining, resetAtMs, inFlight } = this.state;
		if (remaining === undefined || resetAtMs === undefined) return 0;
		if (now >= resetAtMs) return 0;
		return remaining - inFlight > 0
			? 0
			: Math.min(resetAtMs - now + RESET_MARGIN_MS, MAX_WINDOW_WAIT_MS);
	}

	started(): void {
		this.state.inFlight++;
	}

	finished(headers: RateLimitHeaders): void {
		this.state.inFlight = Math.max(0, this.state.inFlight - 1);
		const { remaining, resetAtMs } = headers;
		if (remaining === undefined || resetAtMs === undefined) return;
		const known = this.state.resetAtMs;
		// A late answer from a window that has already ended says nothing about the current one.
		if (known !== undefined && resetAtMs < known) return;
		// Answers to concurrent requests can arrive out of order; within one window the lowest count
		// the server reported is the truest.
		this.state.remaining =
			resetAtMs === known && this.state.remaining !== undefined
				? Math.min(this.state.remaining, remaining)
				: remaining;
		this.state.resetAtMs = resetAtMs;
	}
}
