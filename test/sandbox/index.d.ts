/** Types for the Awaz sandbox (plain CommonJS beside this file); see README.md. */
import type { Server } from 'node:http';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Entity = { id: string } & Record<string, any>;

export interface Subscription {
	hookUrl: string;
	agents: string[];
	status: string[];
}

export interface LoggedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON; undefined when empty or not JSON. */
	body: any;
	rawBody: string;
	/** null while in flight, 0 for a reset. */
	status: number | null;
	/** Arrival, epoch milliseconds. */
	time: number;
}

export interface SandboxData {
	agents: Entity[];
	phones: Entity[];
	contactLists: Entity[];
	calls: Entity[];
	contacts: Entity[];
	hooks: Subscription[];
	companies: Record<string, Entity>;
}

export interface Fault {
	method?: string;
	path?: string | RegExp;
	times?: number;
	after?: number;
	kind: 'status' | 'delay' | 'reset' | 'garbled' | 'empty' | 'html' | 'body';
	status?: number;
	body?: unknown;
	headers?: Record<string, string | number | null> | null;
	omitRateLimitHeaders?: boolean;
	applied?: boolean;
	delayMs?: number;
}

export interface Delivery {
	hookUrl: string;
	status: number;
	body: unknown;
	error?: string;
}

export interface SandboxOptions {
	apiKey?: string;
	apiKeys?: string[];
	port?: number;
	rateLimit?: { limit?: number; windowMs?: number };
	pageSize?: number;
	callCount?: number;
	latencyMs?: number;
	log?: boolean;
}

export interface Sandbox {
	readonly url: string;
	readonly port: number;
	readonly apiKey: string;
	readonly apiKeys: string[];
	readonly server: Server;
	readonly requests: LoggedRequest[];
	readonly state: SandboxData;
	readonly fixtures: SandboxData;
	readonly faults: Fault[];
	clearLog(): void;
	reset(): void;
	inject(fault: Fault): Fault & { seen: number; hits: number };
	setRateLimit(limit: { limit?: number; windowMs?: number }): void;
	stats(): { total: number; byStatus: Record<number, number>; firstAt: number | null; lastAt: number | null };
	deliver(event: Record<string, unknown>, options?: { statusOverride?: string }): Promise<Delivery[]>;
	deliverRaw(hookUrl: string, rawBody: string, contentType?: string | null): Promise<Delivery>;
	close(): Promise<void>;
}

export function startSandbox(options: SandboxOptions): Promise<Sandbox>;
export const STATUSES: readonly string[];
export function makeObjectId(n: number): string;
