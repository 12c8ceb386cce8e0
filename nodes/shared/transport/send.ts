import type { IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import type { AwazContext } from './connection';
import { AWAZ_CREDENTIAL } from './connection';
import type { RateLimitGate } from './rateLimit';
import type { AwazRequest, TransportSettings } from './types';

/** One try of a request: Awaz's answer, whatever its status, or the network failure instead. */
export interface Attempt {
	response?: IN8nHttpFullResponse;
	networkError?: { code: string; timedOut: boolean };
}

/**
 * Sends the request once through n8n (which adds the credential), telling the gate what Awaz said
 * (its rate-limit and Date headers) and which request it answered.
 */
export async function sendOnce(
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
	const ticket = gate.started();
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
		gate.finished(ticket, response?.headers);
	}
}

/** The system error code (ECONNRESET…) somewhere in an error's cause chain, and whether it timed out. */
export function networkErrorCode(error: unknown): { code: string; timedOut: boolean } {
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
