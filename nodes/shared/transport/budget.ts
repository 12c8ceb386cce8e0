import type { TransportSettings } from './types';

export const FIRST_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 60_000;
/** Reads are safe to repeat: a GET is sent up to this many more times after a transient failure. */
export const READ_RETRIES = 2;
/**
 * A request Awaz keeps answering 429 or 503 is sent at most this many times in all, whatever the
 * allowances: with the backoff that is four minutes of trying, as long as the default allowances.
 */
export const MAX_SENDS_WHEN_REFUSED = 10;

/** How long one request may wait in all for one reason, and the backoff it doubles as it goes. */
export class WaitAllowance {
	private waited = 0;
	private step = FIRST_BACKOFF_MS;

	constructor(private readonly limitMs: number) {}

	/** Milliseconds waited so far. */
	get waitedMs(): number {
		return this.waited;
	}

	/**
	 * The wait before the next try: as long as the server asked (`askedMs`), but never shorter than
	 * the backoff, which doubles with every wait (1 s, 2 s, 4 s… up to a minute). A server that says
	 * "retry now" (0, a date already past, a fraction of a millisecond) is not asked again at once.
	 */
	nextWait(askedMs = 0): number {
		const wait = Math.max(this.step, askedMs);
		this.step = Math.min(this.step * 2, MAX_BACKOFF_MS);
		return wait;
	}

	/** Counts a wait of `ms` against the allowance; false (and nothing counted) when it would overdraw. */
	spend(ms: number): boolean {
		if (this.waited + ms > this.limitMs) return false;
		this.waited += ms;
		return true;
	}
}

/**
 * Everything one request may still spend on waiting and retrying: the rate limit (the gate's
 * holds and 429s), Awaz being busy (503s), and the extra tries of a read.
 */
export class RetryBudget {
	readonly rateLimit: WaitAllowance;
	readonly busy: WaitAllowance;
	private readRetries = 0;
	private refused = 0;

	constructor(settings: TransportSettings) {
		this.rateLimit = new WaitAllowance(settings.maxRateLimitWait * 1000);
		this.busy = new WaitAllowance(settings.maxBusyWait * 1000);
	}

	/** How many times Awaz answered this request 429 or 503. */
	get refusedTries(): number {
		return this.refused;
	}

	/** Counts a 429 or 503; false once the request has been sent MAX_SENDS_WHEN_REFUSED times. */
	refusedAgain(): boolean {
		this.refused++;
		return this.refused < MAX_SENDS_WHEN_REFUSED;
	}

	/** The pause before the next try of a read that failed transiently, or undefined when spent. */
	nextReadRetry(): number | undefined {
		if (this.readRetries >= READ_RETRIES) return undefined;
		this.readRetries++;
		return FIRST_BACKOFF_MS * this.readRetries;
	}
}
