import type { IN8nHttpFullResponse } from 'n8n-workflow';

import { RetryBudget, MAX_BACKOFF_MS } from './budget';
import { parseBody } from './body';
import type { AwazContext } from './connection';
import { connectionOf } from './connection';
import { RequestErrors } from './errors';
import {
	MAX_WINDOW_WAIT_MS,
	RateLimitGate,
	RESET_MARGIN_MS,
	readRateLimitHeaders,
	readRetryAfterMs,
	sleepCancellable,
} from './rateLimit';
import type { Attempt } from './send';
import { sendOnce } from './send';
import type { AwazRequest, RequestScope, TransportSettings } from './types';
import { describeRequest, settingsOf, UNCANCELLABLE_WAITS } from './types';

const TRANSIENT_STATUSES = [500, 502, 504];
/** A wait this long is worth a line in n8n's log, so a slow run does not look hung. */
const LOGGED_WAIT_MS = 5000;
/** The longest a 503's Retry-After is honoured (Awaz's documentation asks for 5 minutes). */
const MAX_BUSY_RETRY_AFTER_MS = MAX_BACKOFF_MS * 5;

/**
 * How long Awaz asks to wait after a 429: until the window resets if it says when (its instants
 * read with `serverOffsetMs`, the server's clock minus ours), else (or when that reset has passed
 * by our clock) for its Retry-After; at most a window; 0 when it names no time.
 */
export function rateLimitedDelay(
	headers: Record<string, unknown>,
	now = Date.now(),
	serverOffsetMs = 0,
): number {
	const { resetAtMs } = readRateLimitHeaders(headers, now, serverOffsetMs);
	const byReset = resetAtMs !== undefined ? resetAtMs - now + RESET_MARGIN_MS : 0;
	const untilReset = byReset > 0 ? byReset : (readRetryAfterMs(headers, now, serverOffsetMs) ?? 0);
	return Math.min(untilReset, MAX_WINDOW_WAIT_MS);
}

/** How long Awaz asks to wait after a 503 (its Retry-After), at most five minutes; 0 when it names no time. */
function busyDelay(headers: Record<string, unknown>, now: number, serverOffsetMs: number): number {
	return Math.min(readRetryAfterMs(headers, now, serverOffsetMs) ?? 0, MAX_BUSY_RETRY_AFTER_MS);
}

/**
 * The request's settings. A context without a cancel signal (the editor's lists, a trigger's
 * activation) waits no longer than UNCANCELLABLE_WAITS, whatever it asked for.
 */
function settingsFor(ctx: AwazContext, scope: RequestScope): TransportSettings {
	const settings = settingsOf(scope);
	if (isCancellable(ctx)) return settings;
	return {
		...settings,
		maxRateLimitWait: Math.min(settings.maxRateLimitWait, UNCANCELLABLE_WAITS.maxRateLimitWait),
		maxBusyWait: Math.min(settings.maxBusyWait, UNCANCELLABLE_WAITS.maxBusyWait),
	};
}

function isCancellable(ctx: AwazContext): boolean {
	return 'getExecutionCancelSignal' in ctx;
}

/** Whether an attempt at a read failed in a way that another try may mend. */
function isTransient(attempt: Attempt): boolean {
	return Boolean(attempt.networkError) || TRANSIENT_STATUSES.includes(attempt.response!.statusCode);
}

/**
 * The one way this package talks to Awaz. The policy: hold back while the rate-limit window has
 * no requests left; wait out 429s and 503s within the Options' allowances; send a read up to
 * twice more after a network error or a 500/502/504, and a write never again once Awaz may have
 * carried it out. Returns the parsed JSON body (undefined when Awaz sent none).
 */
export async function awazApiRequest(
	this: AwazContext,
	request: AwazRequest,
	scope: RequestScope = {},
): Promise<unknown> {
	const settings = settingsFor(this, scope);
	const { baseUrl, gateKey, redact, redactAnswer } = await connectionOf(this);
	const gate = new RateLimitGate(gateKey);
	const budget = new RetryBudget(settings);
	const cancellable = isCancellable(this);
	const errors = new RequestErrors(this, request, scope, settings, redact, cancellable);
	const signal = 'getExecutionCancelSignal' in this ? this.getExecutionCancelSignal() : undefined;
	const pause = async (ms: number, reason: string) => {
		if (ms >= LOGGED_WAIT_MS) {
			const what = describeRequest(request);
			this.logger.info(`Awaz: waiting ${Math.round(ms / 1000)} s before ${what}: ${reason}`);
		}
		await sleepCancellable(ms, signal);
	};

	for (;;) {
		const hold = gate.delayBeforeNextRequest();
		if (hold > 0) {
			if (!budget.rateLimit.spend(hold)) throw errors.rateLimitExhausted();
			await pause(hold, 'no requests left in the current rate-limit window');
			continue;
		}

		const attempt = await sendOnce(this, baseUrl, request, settings, gate);

		if (request.method === 'GET' && isTransient(attempt)) {
			const retryIn = budget.nextReadRetry();
			if (retryIn !== undefined) {
				const { networkError, response } = attempt;
				await pause(
					retryIn,
					networkError ? `network error ${networkError.code}` : `status ${response!.statusCode}`,
				);
				continue;
			}
		}
		// A POST or DELETE that got no answer may have been carried out: it is never sent again.
		if (attempt.networkError) {
			throw errors.network(attempt.networkError.timedOut, attempt.networkError.code);
		}
		const response: IN8nHttpFullResponse = attempt.response!;
		const status = response.statusCode;

		if (status === 429 || status === 503) {
			const busy = status === 503;
			const allowance = busy ? budget.busy : budget.rateLimit;
			const asked = (busy ? busyDelay : rateLimitedDelay)(
				response.headers,
				Date.now(),
				gate.serverOffsetMs,
			);
			const delayMs = allowance.nextWait(asked);
			const refusedTries = budget.refusedAgain() ? undefined : budget.refusedTries;
			if (refusedTries !== undefined || !allowance.spend(delayMs)) {
				throw busy
					? errors.stillBusy(allowance.waitedMs, refusedTries)
					: errors.rateLimitExhausted(refusedTries);
			}
			const reason = busy
				? 'Awaz answered 503 (high traffic)'
				: 'Awaz answered 429 Too Many Requests';
			await pause(delayMs, reason);
			continue;
		}

		// Whatever echoed the key back (a proxy, a wrong Base URL), nothing hands it on from here.
		const parsed = parseBody(response);
		const body = redactAnswer(parsed.body);
		if (status >= 200 && status < 300) {
			if (!parsed.malformed) return body;
			// A write Awaz accepted is done, whatever its answer looks like: hand the text on.
			if (request.method !== 'GET') {
				this.logger.warn(`Awaz: ${describeRequest(request)} succeeded but its answer is not JSON`);
				return String(body);
			}
			throw errors.notJson(status, body);
		}
		throw errors.status(status, body);
	}
}
