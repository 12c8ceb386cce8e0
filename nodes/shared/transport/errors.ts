import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { apiMessage } from './body';
import type { AwazContext } from './connection';
import { DOCUMENTED_LIMIT_PER_MINUTE } from './share';
import type { AwazRequest, RequestScope, TransportSettings } from './types';
import { describeRequest } from './types';

interface ErrorText {
	message: string;
	description: string;
	httpCode?: number;
	itemIndex?: number;
}

/**
 * A failed request to Awaz, worded for the user. `mayHaveBeenCarriedOut` says that Awaz may still
 * have done what was asked (a write that timed out, lost its connection or met a 5xx): such a
 * write is never sent again. n8n's error constructors hand a NodeApiError back unchanged, so the
 * field survives every rethrow on the way to the router.
 */
export class AwazApiError extends NodeApiError {
	readonly mayHaveBeenCarriedOut: boolean;

	constructor(node: INode, text: ErrorText, mayHaveBeenCarriedOut = false) {
		const { message, description, httpCode, itemIndex } = text;
		const code = httpCode ? { httpCode: String(httpCode) } : {};
		// Built from plain text only: the original request error holds the Authorization header.
		super(node, { message, description, ...code } as JsonObject, {
			message,
			description,
			...code,
			itemIndex,
		});
		this.mayHaveBeenCarriedOut = mayHaveBeenCarriedOut;
	}
}

/** Whether Awaz may have carried out the request that failed with this error: never send it again. */
export function mayHaveBeenCarriedOut(error: unknown): boolean {
	return (error as Partial<AwazApiError> | undefined)?.mayHaveBeenCarriedOut === true;
}

const CHECK_IN_AWAZ =
	'Awaz may still have carried it out: check in Awaz before running the workflow again.';

/**
 * The errors one request can end in, in words a user can act on, with the API key redacted. A
 * failure after which a write may have happened is marked so.
 */
export class RequestErrors {
	private readonly what: string;
	private readonly isRead: boolean;

	constructor(
		private readonly ctx: AwazContext,
		request: AwazRequest,
		private readonly scope: RequestScope,
		private readonly settings: TransportSettings,
		private readonly redact: (text: string) => string,
		/** Whether the user can stop the wait (an execution), or not (the editor's lists, activation). */
		private readonly cancellable = true,
	) {
		this.what = describeRequest(request);
		this.isRead = request.method === 'GET';
	}

	private error(message: string, description: string, httpCode?: number, mayHaveHappened = false) {
		return new AwazApiError(
			this.ctx.getNode(),
			{
				message: this.redact(message),
				description: this.redact(description),
				httpCode,
				itemIndex: this.scope.itemIndex,
			},
			mayHaveHappened && !this.isRead,
		);
	}

	/**
	 * The rate limit did not free up within the allowance, or (`tries`) Awaz refused the request
	 * that many times, the most it is sent.
	 */
	stopped(): AwazApiError {
		return this.error(
			`The execution was stopped before ${this.what} was sent`,
			'Nothing more was sent to Awaz for this item.',
		);
	}

	rateLimitExhausted(tries?: number): AwazApiError {
		const option = 'Max Wait for Rate Limit';
		const allowedS = this.settings.maxRateLimitWait;
		return this.error(
			tries
				? `The Awaz rate limit did not free up after ${tries} tries`
				: `The Awaz rate limit did not free up within ${allowedS} s`,
			`Awaz allows ${DOCUMENTED_LIMIT_PER_MINUTE} requests per minute per API key, and other workflows or apps are using the same key. Nothing was sent for this item. ` +
				(this.remedyWithoutOptions(allowedS) ??
					(tries
						? this.remedyAfterTries(tries, option, allowedS)
						: `Allow a longer wait under Options → ${option}, or use a separate API key.`)),
			429,
		);
	}

	/** Awaz stayed busy (503) through the allowance, or (`tries`) for as many tries as a request gets. */
	stillBusy(waitedMs: number, tries?: number): AwazApiError {
		const option = 'Max Wait When Busy';
		const allowedS = this.settings.maxBusyWait;
		const waitedS = Math.round(waitedMs / 1000);
		return this.error(
			tries
				? `Awaz is busy (503 high traffic) and still was after ${tries} tries (${waitedS} s of waiting)`
				: `Awaz is busy (503 high traffic) and still was after ${waitedS} s of retrying`,
			`Awaz asks clients to wait and retry when it answers 503. ${this.what} was not carried out. ` +
				(this.remedyWithoutOptions(allowedS) ??
					(tries
						? this.remedyAfterTries(tries, option, allowedS)
						: `Run the workflow again later, or allow a longer wait under Options → ${option} (now ${allowedS} s).`)),
			503,
		);
	}

	/** Where nobody can stop a wait, it is short and no option lengthens it: what to do then. */
	private remedyWithoutOptions(allowedS: number): string | undefined {
		if (this.cancellable) return undefined;
		return `Lists in the editor and a trigger's activation wait at most ${allowedS} s, as nobody can stop them there: try again in a minute.`;
	}

	/** A request refused as often as one is sent: a longer wait would not have helped. */
	private remedyAfterTries(tries: number, option: string, allowedS: number): string {
		return `A request is sent at most ${tries} times while Awaz answers 429 or 503, and waits at most Options → ${option} (now ${allowedS} s) in all. Run the workflow again later.`;
	}

	network(timedOut: boolean, code: string): AwazApiError {
		const mayHaveHappened = this.isRead ? '' : ` ${CHECK_IN_AWAZ}`;
		if (timedOut) {
			return this.error(
				`Awaz did not answer ${this.what} within ${this.settings.timeout} s`,
				`The request timed out.${mayHaveHappened} A longer timeout can be set under Options → Timeout.`,
				undefined,
				true,
			);
		}
		return this.error(
			// The code stays out of the message: n8n swaps a message naming ECONNRESET & co. for its own.
			`Could not reach Awaz for ${this.what}`,
			`The connection failed (${code}) before an answer arrived.${mayHaveHappened} Check the Base URL in the Awaz credential and the network.`,
			undefined,
			true,
		);
	}

	notJson(status: number, body: unknown): AwazApiError {
		return this.error(
			`Awaz answered ${this.what} with a response that is not valid JSON`,
			// Blotted out before the cut, which could otherwise leave part of the key in sight.
			`The response started with: ${this.redact(String(body)).slice(0, 120)}`,
			status,
		);
	}

	status(status: number, body: unknown): AwazApiError {
		const said = apiMessage(body);
		const saidSuffix = said ? ` Awaz said: ${said}` : '';
		switch (true) {
			case status === 401:
				return this.error(
					'Awaz says no API key was sent (401)',
					'Open the Awaz credential and enter the API key from Awaz (Settings → Integrations → API Keys).',
					status,
				);
			case status === 403:
				return this.error(
					'Awaz rejected the API key (403)',
					'Check that the key in the Awaz credential was copied whole and has not been deleted in Awaz. Workspace operations also need a key with reseller (white-label) rights.',
					status,
				);
			case status === 404:
				return this.error(
					this.scope.notFoundMessage ?? `Awaz found nothing at ${this.what} (404)`,
					`Check the id or URL you gave.${saidSuffix}`,
					status,
				);
			case status >= 400 && status < 500:
				return this.error(
					`Awaz refused ${this.what} (${status})${said ? `: ${said}` : ''}`,
					'Check the values this item sends. Nothing was changed in Awaz for this item.',
					status,
				);
			default:
				return this.error(
					`Awaz failed on ${this.what} (${status})${said ? `: ${said}` : ''}`,
					`An error on Awaz's side. ${this.isRead ? 'Try again later.' : CHECK_IN_AWAZ}`,
					status,
					status >= 500,
				);
		}
	}
}

/** An answer whose shape is not the one expected. */
export function unexpectedAnswer(
	ctx: AwazContext,
	scope: RequestScope,
	message: string,
	description: string,
): AwazApiError {
	return new AwazApiError(ctx.getNode(), { message, description, itemIndex: scope.itemIndex });
}
