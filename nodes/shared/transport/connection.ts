import type {
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

/** Every n8n context that may talk to Awaz. */
export type AwazContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| IHookFunctions
	| IWebhookFunctions;

export const AWAZ_CREDENTIAL = 'awazApi';
const DEFAULT_BASE_URL = 'https://api.awaz.ai';

export interface Connection {
	/** The credential's Base URL, trimmed, without a trailing slash; Awaz's own when left empty. */
	baseUrl: string;
	/**
	 * Names the rate-limit window the requests share: the credential's id (never its key), or its
	 * name where n8n gives no id, and the Base URL.
	 */
	gateKey: string;
	/** Text with the API key blotted out, whatever a server or proxy echoed back. */
	redact(text: string): string;
	/** An answer (text or parsed JSON) with the API key blotted out of every string in it. */
	redactAnswer(body: unknown): unknown;
}

/** Where requests go and what must never be shown, from the node's Awaz credential. */
export async function connectionOf(ctx: AwazContext): Promise<Connection> {
	const credentials = await ctx.getCredentials(AWAZ_CREDENTIAL);
	const baseUrl =
		String(credentials.baseUrl ?? '')
			.trim()
			.replace(/\/+$/, '') || DEFAULT_BASE_URL;
	const apiKey = String(credentials.apiKey ?? '');
	const reference = ctx.getNode().credentials?.[AWAZ_CREDENTIAL];
	const credential = reference?.id ? `id ${reference.id}` : `name ${reference?.name ?? ''}`;
	return {
		baseUrl,
		gateKey: `${credential} ${baseUrl}`,
		redact: (text) => redactKey(text, apiKey),
		redactAnswer: (body) => redactEverywhere(body, apiKey),
	};
}

/** `text` with every copy of `apiKey` replaced by `***`; keys too short to be real are left be. */
export function redactKey(text: string, apiKey: string): string {
	return apiKey.length >= 4 ? text.split(apiKey).join('***') : text;
}

/**
 * `value` with `apiKey` blotted out of every string in it, property names included (a proxy that
 * echoes headers may put the key anywhere). A value that holds no copy is handed back as it is.
 */
export function redactEverywhere(value: unknown, apiKey: string): unknown {
	if (typeof value === 'string') return value.includes(apiKey) ? redactKey(value, apiKey) : value;
	if (apiKey.length < 4 || !value || typeof value !== 'object') return value;
	let changed = false;
	const redact = (inner: unknown) => {
		const redacted = redactEverywhere(inner, apiKey);
		changed ||= redacted !== inner;
		return redacted;
	};
	if (Array.isArray(value)) {
		const elements = value.map(redact);
		return changed ? elements : value;
	}
	const entries = Object.entries(value).map(([name, inner]) => [redact(name), redact(inner)]);
	return changed ? Object.fromEntries(entries) : value;
}
