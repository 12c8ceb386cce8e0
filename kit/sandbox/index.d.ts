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
	kind: 'status' | 'delay' | 'reset' | 'garbled' | 'empty' | 'html' | 'body' | 'echo';
	status?: number;
	body?: unknown;
	headers?: Record<string, string | number | null> | null;
	omitRateLimitHeaders?: boolean;
	applied?: boolean;
	delayMs?: number;
	/** How an `echo` fault sends the request's Authorization header back (default 'object'). */
	echoAs?: 'object' | 'list' | 'text';
}

export interface Delivery {
	hookUrl: string;
	status: number;
	body: unknown;
	error?: string;
}

/**
 * One status change of a call created by POST /v1/calls (see README.md, "Call lifecycle").
 * `deliveries` is null until every matching subscription has answered (or failed).
 */
export interface Transition {
	id: string;
	agent: string;
	status: string;
	/** When the sandbox moved the call, epoch milliseconds. */
	time: number;
	deliveries: Delivery[] | null;
	/** When the last delivery settled, epoch milliseconds; null before. */
	deliveredAt: number | null;
	/** Not enumerable: resolves with the deliveries once they have settled. */
	readonly delivered: Promise<Delivery[]>;
}

/** Every delay of the timeline is multiplied by timeScale (default 1: about 30 s a call). */
export interface LifecycleOptions {
	timeScale?: number;
}

/** One step of a timeline: the status, offsetMs (at time scale 1) after the timeline starts. */
export interface Step {
	status: string;
	offsetMs: number;
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
	/** Default true (time scale 1); false keeps created calls scheduled. */
	lifecycle?: boolean | LifecycleOptions;
	/** How GET /v1/calls orders its pages; default 'oldest-first' (created calls appended). */
	listOrder?: 'oldest-first' | 'newest-first' | 'shuffled' | 'ignore-page';
	/** The sandbox's clock this far ahead of the real one (negative: behind); default 0. */
	clockOffsetMs?: number;
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
	/** Status changes of created calls in order; emptied in place by reset(), never replaced. */
	readonly transitions: Transition[];
	/** `{ timeScale }`, or null when the lifecycle is off. */
	readonly lifecycle: { timeScale: number } | null;
	clearLog(): void;
	reset(): void;
	inject(fault: Fault): Fault & { seen: number; hits: number };
	/** Now, or (`after: n`) just before the request that follows the next n counted ones. */
	setRateLimit(limit: { limit?: number; windowMs?: number }, when?: { after?: number }): void;
	/** The rate limit in force. */
	readonly rateLimit: { limit: number; windowMs: number };
	/** Drives the rate-limit windows, X-RateLimit-Reset and Date; the log and lifecycle keep real time. */
	setClockOffset(ms: number): void;
	readonly clockOffsetMs: number;
	/** false drops pending timelines; a new scale re-times them; true/{} keep the last scale. */
	setLifecycle(lifecycle: boolean | LifecycleOptions): void;
	/** A copy of the call once it has reached status (at once if it already has); default timeout 10 s. */
	waitForStatus(id: string, status: string, timeoutMs?: number): Promise<Entity>;
	stats(): {
		total: number;
		byStatus: Record<number, number>;
		firstAt: number | null;
		lastAt: number | null;
	};
	deliver(
		event: Record<string, unknown>,
		options?: { statusOverride?: string },
	): Promise<Delivery[]>;
	deliverRaw(hookUrl: string, rawBody: string, contentType?: string | null): Promise<Delivery>;
	close(): Promise<void>;
}

export function startSandbox(options: SandboxOptions): Promise<Sandbox>;
export const STATUSES: readonly string[];
export function makeObjectId(n: number): string;
/** The steps by the last digit of the phone number ('0'…'9'). */
export const TIMELINES: Readonly<Record<string, readonly Step[]>>;
export function timelineFor(phone: string): Step[];
export function outcomeVariables(call: { contact: { name: string; phone: string } }): {
	interested: boolean;
	callback_requested: boolean;
	summary: string;
};
