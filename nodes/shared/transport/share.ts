/**
 * The share of an API key's rate limit that requests which are not urgent (the waiting reads of
 * Schedule and Wait for Outcome and Wait for Outcome) may use, decided from what Awaz says about
 * the key. While something else uses the same key (another workflow, another n8n process, another
 * app: Awaz's `X-RateLimit-Remaining` falls faster than this node's own reads), the reads keep to
 * a third of each window and leave the rest; while nothing else does, they may use what is free.
 */

/** Awaz's documented limit, until a response says otherwise. */
export const DOCUMENTED_LIMIT_PER_MINUTE = 100;
/** The share while another user of the key was seen in the last minute (or none was ruled out yet). */
export const SHARED_KEY_SHARE = 1 / 3;
/** The share while this node is the key's only user: a margin is left for a newcomer. */
export const FREE_KEY_SHARE = 0.9;
/** How long another user, once seen, keeps the reads to their third. */
const OTHERS_MEMORY_MS = 60_000;

/** What Awaz last said about the key's window (see RateLimitGate). */
export interface KeyWindow {
	limit?: number;
	remaining?: number;
	resetAtMs?: number;
}

/** How many reads a minute `share` of the key's stated limit allows (at least one). */
export function readsPerMinute(
	limitPerMinute: number | undefined,
	share = SHARED_KEY_SHARE,
): number {
	const limit =
		limitPerMinute !== undefined && limitPerMinute > 0
			? limitPerMinute
			: DOCUMENTED_LIMIT_PER_MINUTE;
	return Math.max(1, Math.floor(limit * share));
}

/**
 * Whether the key is shared right now, learnt by comparing how far `Remaining` fell between two of
 * this node's reads in the same window with how many of its own reads were answered (or still in
 * flight) in between. Until two answers in one window have shown that nothing else used the key,
 * it counts as shared.
 */
export class KeyShare {
	private aloneSeen = false;
	private othersSeenAtMs = -Infinity;
	private last?: { resetAtMs: number; remaining: number };
	private answeredSince = 0;

	constructor(private readonly window: () => KeyWindow) {}

	/** One of this node's reads was answered; `inFlight` of its reads are still on their way. */
	observe(now: number, inFlight = 0): void {
		this.answeredSince++;
		const { remaining, resetAtMs } = this.window();
		if (remaining === undefined || resetAtMs === undefined) return;
		if (this.last && this.last.resetAtMs === resetAtMs) {
			const fell = this.last.remaining - remaining;
			if (fell > this.answeredSince + inFlight) this.othersSeenAtMs = now;
			else if (fell >= 0) this.aloneSeen = true;
		}
		this.last = { resetAtMs, remaining };
		this.answeredSince = 0;
	}

	/** Whether another user of the key counts now. */
	shared(now: number): boolean {
		return !this.aloneSeen || now - this.othersSeenAtMs < OTHERS_MEMORY_MS;
	}

	/** Reads a minute the node may make now. */
	perMinute(now: number): number {
		return readsPerMinute(
			this.window().limit,
			this.shared(now) ? SHARED_KEY_SHARE : FREE_KEY_SHARE,
		);
	}
}

/**
 * When the reads may go: evenly spread over the minute, never more than `perMinute()` in any 60 s.
 * Reads the rate limit held back (another workflow used the window up) are made up for once it
 * frees, one after another, so a busy key still leaves the reads their share instead of a read or
 * two a minute.
 */
export class ReadPacer {
	/** Reads that may go now: one per 60 s / perMinute, up to a minute's worth. */
	private tokens = 1;
	private refilledAtMs: number;
	/** When recent reads were answered, oldest first (a minute's worth at most). */
	private readonly answeredAtMs: number[] = [];
	/** Reads started and not answered yet. */
	private pending = 0;

	constructor(
		private readonly perMinute: (now: number) => number,
		now: number,
	) {
		this.refilledAtMs = now;
	}

	/** The earliest time the next read may go. */
	nextReadAt(now: number): number {
		const perMinute = this.perMinute(now);
		const spacingMs = 60_000 / perMinute;
		this.tokens = Math.min(perMinute, this.tokens + (now - this.refilledAtMs) / spacingMs);
		this.refilledAtMs = now;
		const byTokens = this.tokens >= 1 ? now : now + (1 - this.tokens) * spacingMs;
		const recent = this.answeredAtMs.filter((at) => at > now - 60_000);
		// The read that would be one too many within 60 s (counting those still on their way)
		// waits until the oldest of them is older.
		const counted = recent.length + this.pending;
		const byMinute =
			counted < perMinute
				? now
				: (recent[recent.length - (perMinute - this.pending)] ?? Infinity) + 60_000;
		return Math.max(byTokens, byMinute);
	}

	/** A read goes now; `answered` once Awaz has answered it. */
	started(): void {
		this.tokens -= 1;
		this.pending++;
	}

	answered(now: number): void {
		this.pending = Math.max(0, this.pending - 1);
		this.answeredAtMs.push(now);
		while (this.answeredAtMs[0] <= now - 60_000) this.answeredAtMs.shift();
	}
}
