import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import {
	MAX_WINDOW_WAIT_MS,
	RateLimitGate,
	RESET_MARGIN_MS,
	readRateLimitHeaders,
	readRetryAfterMs,
	sleepCancellable,
} from './rateLimit';

export type AwazContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions;

export const AWAZ_CREDENTIAL = 'awazApi';
const DEFAULT_BASE_URL = 'https://api.awaz.ai';

export interface AwazRequest {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
}

/** The per-node "Options" that tune waiting and retrying; the defaults suit the documented API. */
export interface TransportSettings {
	/** How long one request may take, in seconds. */
	timeout: number;
	/** The longest total wait for the rate limit (429 or no requests left) for one request, in seconds. */
	maxRateLimitWait: number;
	/** The longest total wait while Awaz answers 503 (high traffic) for one request, in seconds. */
	maxBusyWait: number;
}

export const DEFAULT_SETTINGS: TransportSettings = {
	timeout: 30,
	maxRateLimitWait: 300,
	// Awaz's documentation asks clients to wait 5 minutes after a 503.
	maxBusyWait: 300,
};

export interface RequestScope {
	itemIndex?: number;
	settings?: Partial<TransportSettings>;
	/** The message for a 404, in the words of the thing that was looked up. */
	notFoundMessage?: string;
}

/** Reads are safe to repeat: a GET is sent up to this many more times after a dropped connection, a timeout or a 500/502/504. */
const GET_RETRIES = 2;
const TRANSIENT_STATUSES = [500, 502, 504];
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 60_000;
/** A wait this long is worth a line in n8n's log, so a slow run does not look hung. */
const LOGGED_WAIT_MS = 5000;

interface Attempt {
	response?: IN8nHttpFullResponse;
	networkError?: { code: string; timedOut: boolean };
}

function describeRequest(request: AwazRequest): string {
	return `${request.method} ${request.path}`;
}

/** Errors after which Awaz may or may not have carried the request out. */
const outcomeUnknownErrors = new WeakSet<Error>();

/** Whether Awaz may have carried out the request that failed with this error: never send it again. */
export function isOutcomeUnknown(error: unknown): boolean {
	return error instanceof Error && outcomeUnknownErrors.has(error);
}

type Fail = (message: string, description: string, httpCode?: number) => NodeApiError;

function apiError(
	ctx: AwazContext,
	scope: RequestScope,
	message: string,
	description: string,
	httpCode?: number,
): NodeApiError {
	// Built from plain text only: the original request error holds the Authorization header.
	return new NodeApiError(
		ctx.getNode(),
		{ message, description, ...(httpCode ? { httpCode: String(httpCode) } : {}) } as JsonObject,
		{
			message,
			description,
			...(httpCode ? { httpCode: String(httpCode) } : {}),
			itemIndex: scope.itemIndex,
		},
	);
}

/** The API's own words from an error body, when it sent any. */
function apiMessage(body: unknown): string | undefined {
	if (typeof body === 'string') {
		const text = body.trim();
		if (!text || text.startsWith('<')) return undefined;
		try {
			return apiMessage(JSON.parse(text));
		} catch {
			return text.slice(0, 300);
		}
	}
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const { message, error, errors } = body as IDataObject;
		const parts: string[] = [];
		if (typeof message === 'string') parts.push(message);
		else if (typeof error === 'string') parts.push(error);
		if (errors && typeof errors === 'object') {
			for (const [field, problem] of Object.entries(errors as IDataObject)) {
				parts.push(`${field}: ${typeof problem === 'string' ? problem : JSON.stringify(problem)}`);
			}
		}
		return parts.length ? parts.join('; ') : undefined;
	}
	return undefined;
}

function networkErrorCode(error: unknown): { code: string; timedOut: boolean } {
	const seen = new Set<unknown>();
	let current = error as { code?: unknown; cause?: unknown; message?: unknown } | undefined;
	const codes: string[] = [];
	const messages: string[] = [];
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		if (typeof current.code === 'string') codes.push(current.code);
		if (typeof current.message === 'string') messages.push(current.message);
		current = current.cause as typeof current;
	}
	const text = `${codes.join(' ')} ${messages.join(' ')}`;
	const timedOut = /ECONNABORTED|ETIMEDOUT|timeout|timed out|aborted/i.test(text);
	const code = codes.find((c) => /^E[A-Z_]+$/.test(c)) ?? (timedOut ? 'ETIMEDOUT' : 'ENETWORK');
	return { code, timedOut };
}

async function connectionOf(ctx: AwazContext) {
	const credentials = await ctx.getCredentials(AWAZ_CREDENTIAL);
	const baseUrl = String(credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
	const apiKey = String(credentials.apiKey ?? '');
	// The credential's id (never its key) names the rate-limit window it shares.
	const credentialId = ctx.getNode().credentials?.[AWAZ_CREDENTIAL]?.id ?? 'default';
	// Whatever a server or proxy echoes back, the key never reaches an error message.
	const redact = (text: string) => (apiKey.length >= 4 ? text.split(apiKey).join('***') : text);
	return { baseUrl, redact, gateKey: `${credentialId} ${baseUrl}` };
}

function parseBody(response: IN8nHttpFullResponse): { body: unknown; malformed: boolean } {
	const raw = response.body as unknown;
	if (raw === undefined || raw === null || raw === '') return { body: undefined, malformed: false };
	if (Buffer.isBuffer(raw)) return parseBody({ ...response, body: raw.toString('utf8') });
	if (typeof raw !== 'string') return { body: raw, malformed: false };
	const text = raw.trim();
	if (!text) return { body: undefined, malformed: false };
	try {
		return { body: JSON.parse(text), malformed: false };
	} catch {
		return { body: raw, malformed: true };
	}
}

/**
 * The one way this package talks to Awaz: authentication, the rate-limit wait, retries and the
 * mapping of failures to errors a user can act on. Returns the parsed JSON body (undefined when
 * Awaz sent none).
 */
export async function awazApiRequest(
	this: AwazContext,
	request: AwazRequest,
	scope: RequestScope = {},
): Promise<unknown> {
	const settings = { ...DEFAULT_SETTINGS, ...scope.settings };
	const { baseUrl, gateKey, redact } = await connectionOf(this);
	const fail: Fail = (message, description, httpCode) =>
		apiError(this, scope, redact(message), redact(description), httpCode);
	const failAfterWrite: Fail = (message, description, httpCode) => {
		const error = fail(message, description, httpCode);
		if (request.method !== 'GET') outcomeUnknownErrors.add(error);
		return error;
	};
	const gate = new RateLimitGate(gateKey);
	const signal =
		'getExecutionCancelSignal' in this ? this.getExecutionCancelSignal() : undefined;
	const what = describeRequest(request);

	let rateLimitWaited = 0;
	let busyWaited = 0;
	let busyBackoff = FIRST_BACKOFF_MS;
	let rateLimitBackoff = FIRST_BACKOFF_MS;
	let getRetries = 0;

	const wait = async (ms: number, reason: string) => {
		if (ms >= LOGGED_WAIT_MS) {
			this.logger.info(`Awaz: waiting ${Math.round(ms / 1000)} s before ${what}: ${reason}`);
		}
		await sleepCancellable(ms, signal);
	};

	for (;;) {
		const hold = gate.delayBeforeNextRequest();
		if (hold > 0) {
			if (rateLimitWaited + hold > settings.maxRateLimitWait * 1000) {
				throw rateLimitExhausted(fail, settings);
			}
			rateLimitWaited += hold;
			await wait(hold, 'no requests left in the current rate-limit window');
			continue;
		}

		const attempt = await send(this, baseUrl, request, settings, gate);

		const status = attempt.response?.statusCode;
		// A POST or DELETE that got no answer, or a 500, may have been carried out: it is never sent
		// again. A GET is.
		if (
			request.method === 'GET' &&
			(attempt.networkError || TRANSIENT_STATUSES.includes(status!)) &&
			getRetries < GET_RETRIES
		) {
			getRetries++;
			const reason = attempt.networkError ? `network error ${attempt.networkError.code}` : `status ${status}`;
			await wait(FIRST_BACKOFF_MS * getRetries, reason);
			continue;
		}
		if (attempt.networkError) {
			const { timedOut, code } = attempt.networkError;
			throw networkFailure(failAfterWrite, request, settings, timedOut, code);
		}
		const response = attempt.response!;

		if (status === 429) {
			const { resetAtMs } = readRateLimitHeaders(response.headers);
			const untilReset =
				resetAtMs !== undefined
					? resetAtMs - Date.now() + RESET_MARGIN_MS
					: (readRetryAfterMs(response.headers) ?? 0);
			let delay: number;
			if (untilReset > 0) {
				delay = Math.min(untilReset, MAX_WINDOW_WAIT_MS);
			} else {
				delay = rateLimitBackoff;
				rateLimitBackoff = Math.min(rateLimitBackoff * 2, MAX_BACKOFF_MS);
			}
			if (rateLimitWaited + delay > settings.maxRateLimitWait * 1000) {
				throw rateLimitExhausted(fail, settings);
			}
			rateLimitWaited += delay;
			await wait(delay, 'Awaz answered 429 Too Many Requests');
			continue;
		}

		if (status === 503) {
			const delay = Math.min(readRetryAfterMs(response.headers) ?? busyBackoff, MAX_BACKOFF_MS * 5);
			if (busyWaited + delay > settings.maxBusyWait * 1000) {
				throw fail(
					`Awaz is busy (503 high traffic) and still was after ${Math.round(busyWaited / 1000)} s of retrying`,
					`Awaz asks clients to wait and retry when it answers 503. ${what} was not carried out. Run the workflow again later, or allow a longer wait under Options → Max Wait When Busy (now ${settings.maxBusyWait} s).`,
					503,
				);
			}
			busyWaited += delay;
			busyBackoff = Math.min(busyBackoff * 2, MAX_BACKOFF_MS);
			await wait(delay, 'Awaz answered 503 (high traffic)');
			continue;
		}

		const { body, malformed } = parseBody(response);
		if (status! >= 200 && status! < 300) {
			if (!malformed) return body;
			// A write Awaz accepted is done, whatever its answer looks like: hand the text on.
			if (request.method !== 'GET') {
				this.logger.warn(`Awaz: ${what} succeeded but its answer is not JSON`);
				return redact(String(body));
			}
			throw fail(
				`Awaz answered ${what} with a response that is not valid JSON`,
				`The response started with: ${String(body).slice(0, 120)}`,
				status,
			);
		}
		throw statusFailure(status! >= 500 ? failAfterWrite : fail, request, status!, body, scope.notFoundMessage);
	}
}

async function send(
	ctx: AwazContext,
	baseUrl: string,
	request: AwazRequest,
	settings: TransportSettings,
	gate: RateLimitGate,
): Promise<Attempt> {
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		body: request.body,
		headers: { Accept: 'application/json' },
		json: true,
		timeout: settings.timeout * 1000,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	gate.started();
	let response: IN8nHttpFullResponse | undefined;
	try {
		response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			AWAZ_CREDENTIAL,
			options,
		)) as IN8nHttpFullResponse;
		return { response };
	} catch (error) {
		return { networkError: networkErrorCode(error) };
	} finally {
		gate.finished(readRateLimitHeaders(response?.headers));
	}
}

function rateLimitExhausted(fail: Fail, settings: TransportSettings): NodeApiError {
	return fail(
		`The Awaz rate limit did not free up within ${settings.maxRateLimitWait} s`,
		'Awaz allows 100 requests per minute per API key, and other workflows or apps are using the same key. Nothing was sent for this item. Allow a longer wait under Options → Max Wait for Rate Limit, or use a separate API key.',
		429,
	);
}

function networkFailure(
	fail: Fail,
	request: AwazRequest,
	settings: TransportSettings,
	timedOut: boolean,
	code: string,
): NodeApiError {
	const what = describeRequest(request);
	const mayHaveHappened =
		request.method === 'GET'
			? ''
			: ' Awaz may still have carried it out: check in Awaz before running the workflow again.';
	if (timedOut) {
		return fail(
			`Awaz did not answer ${what} within ${settings.timeout} s`,
			`The request timed out.${mayHaveHappened} A longer timeout can be set under Options → Timeout.`,
		);
	}
	return fail(
		// The code stays out of the message: n8n swaps a message naming ECONNRESET & co. for its own.
		`Could not reach Awaz for ${what}`,
		`The connection failed (${code}) before an answer arrived.${mayHaveHappened} Check the Base URL in the Awaz credential and the network.`,
	);
}

function statusFailure(
	fail: Fail,
	request: AwazRequest,
	status: number,
	body: unknown,
	notFoundMessage: string | undefined,
): NodeApiError {
	const what = describeRequest(request);
	const said = apiMessage(body);
	const saidSuffix = said ? ` Awaz said: ${said}` : '';
	switch (true) {
		case status === 401:
			return fail(
				'Awaz says no API key was sent (401)',
				'Open the Awaz credential and enter the API key from Awaz (Settings → Integrations → API Keys).',
				status,
			);
		case status === 403:
			return fail(
				'Awaz rejected the API key (403)',
				'Check that the key in the Awaz credential was copied whole and has not been deleted in Awaz. Workspace operations also need a key with reseller (white-label) rights.',
				status,
			);
		case status === 404:
			return fail(
				notFoundMessage ?? `Awaz found nothing at ${what} (404)`,
				`Check the id or URL you gave.${saidSuffix}`,
				status,
			);
		case status >= 400 && status < 500:
			return fail(
				`Awaz refused ${what} (${status})${said ? `: ${said}` : ''}`,
				'Check the values this item sends. Nothing was changed in Awaz.',
				status,
			);
		default: {
			const mayHaveHappened =
				request.method === 'GET'
					? 'Try again later.'
					: 'Awaz may still have carried it out: check in Awaz before running the workflow again.';
			return fail(
				`Awaz failed on ${what} (${status})${said ? `: ${said}` : ''}`,
				`An error on Awaz's side. ${mayHaveHappened}`,
				status,
			);
		}
	}
}

/** The elements of a list response: `{"items": [...]}` or a bare array. */
export function listItems(
	ctx: AwazContext,
	body: unknown,
	request: AwazRequest,
	scope: RequestScope = {},
): IDataObject[] {
	const list = Array.isArray(body)
		? body
		: body && typeof body === 'object' && Array.isArray((body as IDataObject).items)
			? ((body as IDataObject).items as unknown[])
			: undefined;
	if (body === undefined) return [];
	if (!list) {
		throw apiError(
			ctx,
			scope,
			`Awaz answered ${describeRequest(request)} with something that is not a list`,
			`Expected {"items": [...]} or an array; got: ${JSON.stringify(body).slice(0, 120)}`,
		);
	}
	return list.map(asItemJson);
}

/** An element of an answer as an output item's JSON: objects as they are, anything else as `value`. */
export function asItemJson(element: unknown): IDataObject {
	return element && typeof element === 'object' && !Array.isArray(element)
		? (element as IDataObject)
		: { value: element as IDataObject[keyof IDataObject] };
}

/**
 * Walks `page=0,1,2…` until a page is empty or shorter than the first one, handing over each page
 * as it arrives so that memory stays flat however many pages there are. Stops as soon as `limit`
 * elements were handed over, without fetching a page it does not need.
 */
export async function* awazPages(
	this: AwazContext,
	request: AwazRequest,
	limit: number | undefined,
	scope: RequestScope = {},
): AsyncGenerator<IDataObject[]> {
	let left = limit ?? Infinity;
	let pageSize: number | undefined;
	let previousIds: string | undefined;
	for (let page = 0; left > 0; page++) {
		const pageRequest = { ...request, qs: { ...request.qs, page } };
		const items = listItems(this, await awazApiRequest.call(this, pageRequest, scope), pageRequest, scope);
		// A server that ignores `page` would hand back the same page forever.
		const ids = items.map((item) => String(item.id ?? JSON.stringify(item))).join(',');
		if (items.length === 0 || ids === previousIds) return;
		previousIds = ids;
		const taken = items.slice(0, left);
		left -= taken.length;
		yield taken;
		pageSize ??= items.length;
		if (items.length < pageSize) return;
	}
}
