import type { IDataObject, IN8nHttpFullResponse } from 'n8n-workflow';

/** A response body as JSON; `malformed` when it is text that is not JSON (handed back as is). */
export function parseBody(response: Pick<IN8nHttpFullResponse, 'body'>): {
	body: unknown;
	malformed: boolean;
} {
	const raw = response.body as unknown;
	if (raw === undefined || raw === null || raw === '') return { body: undefined, malformed: false };
	if (Buffer.isBuffer(raw)) return parseBody({ body: raw.toString('utf8') });
	if (typeof raw !== 'string') return { body: raw, malformed: false };
	const text = raw.trim();
	if (!text) return { body: undefined, malformed: false };
	try {
		return { body: JSON.parse(text), malformed: false };
	} catch {
		return { body: raw, malformed: true };
	}
}

/** The API's own words from an error body, when it sent any. */
export function apiMessage(body: unknown): string | undefined {
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
