/**
 * The one way the in-process tests start an Awaz sandbox: `startBed` starts it with the test API
 * key and a rate limit far above what a test sends (unless the options set one), and an n8n
 * environment whose credential points at it. `useSandbox` keeps one bed for a test file (reset
 * before each test); `withBed` gives a case a bed of its own and closes it when the case is done.
 */
import { API_KEY } from '../fixtures';
import type { Sandbox, SandboxOptions } from '../sandbox';
import { startSandbox } from '../sandbox';
import type { Environment } from './project';
import { environment } from './project';

export interface Bed {
	readonly sb: Sandbox;
	readonly env: Environment;
}

/** The sandbox's options, but its key is always API_KEY. */
export interface BedOptions extends Omit<SandboxOptions, 'apiKey' | 'apiKeys'> {
	/** The key the credential sends (default API_KEY): another one is refused by the sandbox. */
	apiKey?: string;
}

/** A sandbox and an environment pointing at it; `close()` stops the sandbox. */
export async function startBed({ apiKey, ...options }: BedOptions = {}): Promise<
	Bed & { close(): Promise<void> }
> {
	const sb = await startSandbox({
		apiKey: API_KEY,
		rateLimit: { limit: 100_000, windowMs: 60_000 },
		...options,
	});
	try {
		const env = await environment({ apiKey: apiKey ?? API_KEY, baseUrl: sb.url });
		return { sb, env, close: () => sb.close() };
	} catch (error) {
		await sb.close();
		throw error;
	}
}

/** One bed for the calling test file, reset before each test. */
export function useSandbox(options: BedOptions = {}): Bed {
	let bed: (Bed & { close(): Promise<void> }) | undefined;
	beforeAll(async () => {
		bed = await startBed(options);
	});
	beforeEach(() => bed!.sb.reset());
	afterAll(async () => await bed?.close());
	return {
		get sb() {
			return bed!.sb;
		},
		get env() {
			return bed!.env;
		},
	};
}

/** A bed of its own for `use`, closed when `use` is done. */
export async function withBed<T>(options: BedOptions, use: (bed: Bed) => Promise<T>): Promise<T> {
	const bed = await startBed(options);
	try {
		return await use(bed);
	} finally {
		await bed.close();
	}
}
