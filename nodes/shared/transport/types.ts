import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

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

/**
 * The editor's lists and a trigger's activation keep someone waiting who cannot stop the wait (n8n
 * gives those contexts no cancel signal): they wait half a minute at most in all.
 */
export const UNCANCELLABLE_WAITS: Pick<TransportSettings, 'maxRateLimitWait' | 'maxBusyWait'> = {
	maxRateLimitWait: 20,
	maxBusyWait: 10,
};

export interface RequestScope {
	itemIndex?: number;
	settings?: Partial<TransportSettings>;
	/** The message for a 404, in the words of the thing that was looked up. */
	notFoundMessage?: string;
	/** Upper bounds on the settings for this request (a read that must be over by a deadline). */
	ceiling?: Partial<TransportSettings>;
}

/** The settings of one request: the defaults, the node's Options, then the scope's ceiling. */
export function settingsOf(scope: RequestScope): TransportSettings {
	const settings = { ...DEFAULT_SETTINGS, ...scope.settings };
	for (const [key, most] of Object.entries(scope.ceiling ?? {}) as Array<
		[keyof TransportSettings, number]
	>) {
		settings[key] = Math.min(settings[key], most);
	}
	return settings;
}

export function describeRequest(request: AwazRequest): string {
	return `${request.method} ${request.path}`;
}
