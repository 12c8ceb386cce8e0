/**
 * The machinery of the fault catalogue: a case is a row of data (node parameters, input
 * items, faults to inject, what the user must see, how many requests Awaz may receive), and
 * `catalogue()` turns each row into real assertions, once with On Error → Stop and once with
 * Continue On Fail. Every case gets a sandbox of its own, so that no rate-limit window, queued fault
 * or remembered header carries over from one case to the next.
 *
 * It also watches for the API key: every result and every line n8n logs (through its Logger or the
 * console) is kept, and `leakCheck()` asserts at the end of a file that the key is in none of them.
 */
import { Container } from '@n8n/di';
import { Logger } from '@n8n/backend-common';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import path from 'node:path';

import {
	AGENT_ID,
	API_KEY,
	awazNode,
	CALL_IDS,
	COMPANY_EMAIL,
	locator,
	PHONE_ID,
	SEEDED_CALLS,
} from '../../kit/fixtures';
import type { NodeSettings } from '../../kit/fixtures';
import type { Environment, RunResult } from '../../kit/runner';
import { PACKAGE_DIR, runNode, withBed } from '../../kit/runner';
import type { BedOptions } from '../../kit/runner';

import type { Fault, Sandbox } from '../../kit/sandbox';

export type { Fault, LoggedRequest, Sandbox } from '../../kit/sandbox';
export { makeObjectId } from '../../kit/sandbox';
export { AGENT_COUNT, API_KEY, CALL_IDS, UNKNOWN_CALL_ID } from '../../kit/fixtures';

/** Small budgets keep every case fast: a 1 s timeout, 3 s of waiting for 429 or 503. */
export const FAST = { timeout: 1, maxBusyWait: 3, maxRateLimitWait: 3 };

/* ------------------------------------------------------------------------------------------------
 * Node parameters and input items for the operations the catalogue exercises. Every field is read
 * from the item with an expression, so one item of a batch can carry the bad value.
 * --------------------------------------------------------------------------------------------- */

const byId = (value: string) => locator(value, 'id');

type Overrides = Record<number, IDataObject>;

/** `count` input items, item i made by `make(i)` and changed by `overrides[i]`. */
const batch = (make: (i: number) => IDataObject, overrides: Overrides, count = 3): IDataObject[] =>
	Array.from({ length: count }, (_, i) => ({ ...make(i), ...overrides[i] }));

export const SCHEDULE = {
	resource: 'call',
	operation: 'schedule',
	agentId: byId('={{ $json.agent }}'),
	fromPhoneId: byId('={{ $json.from }}'),
	name: '={{ $json.name }}',
	phone: '={{ $json.phone }}',
	datetime: '={{ $json.datetime }}',
};

/** Three people to call; `overrides[i]` changes item i. */
export function scheduleItems(overrides: Overrides = {}, count = 3): IDataObject[] {
	return batch(
		(i) => ({
			agent: AGENT_ID,
			from: PHONE_ID,
			name: `Person ${i}`,
			phone: `+1415555${String(100 + i).padStart(4, '0')}`,
			datetime: '2030-01-01T09:00:00+01:00',
		}),
		overrides,
		count,
	);
}

export const CREATE_CONTACT = {
	resource: 'contact',
	operation: 'create',
	name: '={{ $json.name }}',
	phone: '={{ $json.phone }}',
	additionalFields: { email: '={{ $json.email }}' },
};

export function contactItems(overrides: Overrides = {}): IDataObject[] {
	return batch(
		(i) => ({ name: `Contact ${i}`, phone: `+4930123456${i}`, email: `contact${i}@example.com` }),
		overrides,
	);
}

export const SUBSCRIBE = {
	resource: 'subscription',
	operation: 'create',
	hookUrl: '={{ $json.hookUrl }}',
	statuses: '={{ $json.statuses }}',
	agentIds: [],
};

export const UNSUBSCRIBE = {
	resource: 'subscription',
	operation: 'delete',
	hookUrl: '={{ $json.hookUrl }}',
};

export function hookItems(overrides: Overrides = {}): IDataObject[] {
	return batch(
		(i) => ({ hookUrl: `https://example.com/awaz-events/${i}`, statuses: ['completed', 'failed'] }),
		overrides,
	);
}

export const ADD_CREDITS = {
	resource: 'workspace',
	operation: 'addCredits',
	companyEmail: '={{ $json.email }}',
	credits: '={{ $json.amount }}',
};

export const ADD_MINUTES = {
	resource: 'workspace',
	operation: 'addMinutes',
	companyEmail: '={{ $json.email }}',
	minutes: '={{ $json.amount }}',
};

export function topUpItems(overrides: Overrides = {}): IDataObject[] {
	return batch((i) => ({ email: COMPANY_EMAIL, amount: 10 + i }), overrides);
}

export const GET_CALL = { resource: 'call', operation: 'get', callId: byId('={{ $json.id }}') };

export function callIdItems(overrides: Overrides = {}): IDataObject[] {
	return batch((i) => ({ id: CALL_IDS[i] }), overrides, CALL_IDS.length);
}

export const LIST_AGENTS = { resource: 'agent', operation: 'getAll', returnAll: true };

/* ------------------------------------------------------------------------------------------------
 * Running a node against a fresh sandbox, and keeping everything for the leak check.
 * --------------------------------------------------------------------------------------------- */

const seen: Array<{ label: string; text: string }> = [];
const logLines: string[] = [];
let capturing = false;

function safeStringify(value: unknown): string {
	const stack = new WeakSet<object>();
	return (
		JSON.stringify(value, (_key, inner: unknown) => {
			if (typeof inner === 'bigint') return String(inner);
			if (inner && typeof inner === 'object') {
				if (stack.has(inner)) return '[circular]';
				stack.add(inner);
			}
			return inner;
		}) ?? ''
	);
}

/** Keeps what a run handed back: its output, its error and the whole run record. */
export function remember(label: string, result: RunResult): void {
	const { error } = result;
	seen.push({ label: `${label}: output`, text: safeStringify(result.output) });
	if (error) {
		seen.push({ label: `${label}: error.message`, text: String(error.message) });
		seen.push({ label: `${label}: error.description`, text: String(error.description ?? '') });
		seen.push({ label: `${label}: JSON.stringify(error)`, text: safeStringify(error) });
	}
	seen.push({ label: `${label}: run data`, text: safeStringify(result.run.data) });
}

export type { Bed, BedOptions } from '../../kit/runner';
export { withBed } from '../../kit/runner';

/** Runs one Awaz node and remembers the result for the leak check. */
export async function run(
	label: string,
	env: Environment,
	parameters: IDataObject,
	items: IDataObject[],
	settings: NodeSettings = {},
): Promise<RunResult> {
	const result = await runNode(env, awazNode(parameters, settings), items);
	remember(label, result);
	return result;
}

/** The output items grouped by the input item they are paired with. */
export function byInputItem(output: INodeExecutionData[], count: number): INodeExecutionData[][] {
	const groups: INodeExecutionData[][] = Array.from({ length: count }, () => []);
	for (const entry of output) {
		const paired = entry.pairedItem;
		const index =
			typeof paired === 'number' ? paired : Array.isArray(paired) ? paired[0]?.item : paired?.item;
		expect(typeof index).toBe('number');
		groups[index as number].push(entry);
	}
	return groups;
}

/** Calls the sandbox created (it appends them after the seeded ones). */
export const createdCalls = (sb: Sandbox) => sb.state.calls.slice(SEEDED_CALLS);

/** Calls the sandbox created, by the contact name the node sent. */
export const createdNames = (sb: Sandbox) =>
	createdCalls(sb).map((call) => (call.contact as { name: string }).name);

/** Requests that faults are aimed at. */
export const POST_CALLS = { method: 'POST', path: '/v1/calls' } as const;
export const GET_AGENTS = { method: 'GET', path: '/v1/agents' } as const;

/**
 * The check of a Call → Schedule case whose item 1 failed with nothing placed: On Error → Stop
 * placed item 0's call only, Continue On Fail items 0's and 2's.
 */
export const onlyItem1NotPlaced: FaultCase['check'] = ({ sb, variant }) =>
	expect(createdNames(sb)).toEqual(variant === 'stop' ? ['Person 0'] : ['Person 0', 'Person 2']);

/* ------------------------------------------------------------------------------------------------
 * The table-driven catalogue.
 * --------------------------------------------------------------------------------------------- */

export interface FaultCase {
	name: string;
	/** Node parameters; `options` defaults to FAST. */
	params: IDataObject;
	items: IDataObject[];
	/** Injected into the case's fresh sandbox before the run (a function for time-based headers). */
	faults?: Fault[] | (() => Fault[]);
	/** Anything else the sandbox needs before the run (seeded subscriptions, for instance). */
	setup?: (sb: Sandbox) => void;
	bed?: BedOptions;
	/** The item that must fail, and what its user must read. Absent: every item must succeed. */
	fails?: {
		item: number;
		message: RegExp;
		description: RegExp;
		httpCode?: string;
	};
	/**
	 * How many requests the affected item (the failing one, or the one the fault hit) makes: 0 for
	 * bad input, 1 for a write that must not be resent, the documented retries for a GET.
	 */
	attempts: number;
	/** Requests each unaffected item makes (1 unless a list takes several pages). */
	perItem?: number;
	/** Each input item gives exactly one output item (not a list operation). */
	single?: boolean;
	/** Default: both. Slow cases may run one. */
	variants?: Array<'stop' | 'continue'>;
	/**
	 * A bug this case exposes, described for the lead. The case then runs as `test.failing` (it
	 * asserts the right behaviour and is expected to fail until the bug is fixed).
	 */
	knownBug?: string;
	/** Further assertions on the sandbox and the result, per variant. */
	check?: (context: { sb: Sandbox; result: RunResult; variant: 'stop' | 'continue' }) => void;
}

function itemsOf(output: INodeExecutionData[]) {
	return output.map((entry) => entry.json);
}

/** Turns each case into a `describe` with one test per variant. */
export function catalogue(title: string, cases: FaultCase[]): void {
	describe(title, () => {
		for (const c of cases) {
			const variants = c.variants ?? (c.fails ? ['stop', 'continue'] : ['stop']);
			describe(c.name, () => {
				for (const variant of variants) {
					const label = c.fails
						? variant === 'stop'
							? `On Error: Stop → the workflow stops with an error for item ${c.fails.item}`
							: `Continue On Fail → item ${c.fails.item} becomes an error item, the others succeed`
						: 'every item succeeds';
					// FAULTS_STRICT=1 runs known-bug cases as ordinary tests, to see exactly what fails.
					const define = c.knownBug && !process.env.FAULTS_STRICT ? test.failing : test;
					define(c.knownBug ? `${label} [KNOWN BUG: ${c.knownBug}]` : label, async () => {
						await withBed(c.bed ?? {}, async ({ sb, env }) => {
							c.setup?.(sb);
							const faults = typeof c.faults === 'function' ? c.faults() : (c.faults ?? []);
							for (const fault of faults) sb.inject(fault);
							const parameters = { options: FAST, ...c.params };
							const result = await run(
								`${title} / ${c.name} / ${variant}`,
								env,
								parameters,
								c.items,
								{
									continueOnFail: variant === 'continue',
								},
							);
							assertCase(c, variant, sb, result);
							c.check?.({ sb, result, variant });
						});
					});
				}
			});
		}
	});
}

interface OperationTraits {
	writes: boolean;
	/** How many items the node runs side by side. */
	parallelItems: number;
}

/** What the built node declares about an operation (its registry, as n8n loads it from dist/). */
function traitsOf(resource: unknown, operation: unknown): OperationTraits {
	const registry = path.join(PACKAGE_DIR, 'dist', 'nodes', 'Awaz', 'actions', 'registry.js');
	const { awazOperations } = require(registry) as {
		awazOperations: Record<string, Record<string, { traits: OperationTraits }>>;
	};
	const traits = awazOperations[String(resource)]?.[String(operation)]?.traits;
	if (!traits)
		throw new Error(`${registry} declares no operation ${String(resource)} → ${String(operation)}`);
	return traits;
}

/**
 * How many items other than the failing one reach Awaz before On Error → Stop ends the batch, as
 * [least, most]. Items start in order, up to `parallelItems` at a time, and none starts after a
 * failure: one at a time, exactly the items before it; when the whole batch fits in one round,
 * all others; otherwise it depends on which answers come first.
 */
function othersSentBeforeStop(c: FaultCase, failingItem: number): [number, number] {
	const { parallelItems } = traitsOf(c.params.resource, c.params.operation);
	const n = c.items.length;
	if (parallelItems <= 1) return [failingItem, failingItem];
	if (n <= parallelItems) return [n - 1, n - 1];
	return [failingItem, n - 1];
}

/** Where a stopping error starts to list the writes done before it (see actions/doneWrites.ts). */
const DONE_NOTE = / (?=Already placed before this error|Already done in Awaz before this error)/;

function assertCase(c: FaultCase, variant: 'stop' | 'continue', sb: Sandbox, result: RunResult) {
	const n = c.items.length;
	const perItem = c.perItem ?? 1;
	const failing = c.fails;

	if (!failing) {
		// Recovered (or harmless) faults: no error, every item has output, the fault cost only the
		// documented extra requests.
		expect(result.error).toBeUndefined();
		expect(sb.requests).toHaveLength((n - 1) * perItem + c.attempts);
		if (c.single) {
			const groups = byInputItem(result.output, n);
			groups.forEach((group) => expect(group).toHaveLength(1));
			expect(itemsOf(result.output).some((json) => 'error' in json)).toBe(false);
		}
		return;
	}

	if (variant === 'stop') {
		expect(result.error).toBeDefined();
		const error = result.error!;
		expect(error.message).toMatch(failing.message);
		// The item's own description, then (for a write) the items Awaz carried out before it.
		const [own, done] = String(error.description ?? '').split(DONE_NOTE);
		expect(own).toMatch(failing.description);
		const { writes } = traitsOf(c.params.resource, c.params.operation);
		if (writes && c.attempts > 0 && failing.item > 0) {
			const named = Array.from({ length: failing.item }, (_, item) => `item ${item}`);
			expect(done?.match(/item \d+/g)).toEqual(named);
		} else {
			expect(done).toBeUndefined();
		}
		expect(error.context?.itemIndex).toBe(failing.item);
		if (failing.httpCode) expect(String(error.httpCode)).toBe(failing.httpCode);
		// Bad input is caught before the first request; an API fault stops the batch at the item,
		// except for the items the node had already started beside it.
		if (c.attempts === 0) {
			expect(sb.requests).toHaveLength(0);
		} else {
			const [least, most] = othersSentBeforeStop(c, failing.item);
			if (least === most) {
				expect(sb.requests).toHaveLength(least * perItem + c.attempts);
			} else {
				expect(sb.requests.length).toBeGreaterThanOrEqual(least * perItem + c.attempts);
				expect(sb.requests.length).toBeLessThanOrEqual(most * perItem + c.attempts);
			}
		}
		expect(result.output).toEqual([]);
		return;
	}

	// Continue On Fail: the error does not stop the workflow; each input item is answered.
	expect(result.error).toBeUndefined();
	expect(sb.requests).toHaveLength((n - 1) * perItem + c.attempts);
	const groups = byInputItem(result.output, n);
	groups.forEach((group, index) => {
		if (index === failing.item) {
			expect(group).toHaveLength(1);
			expect(Object.keys(group[0].json)).toEqual(['error']);
			expect(String(group[0].json.error)).toMatch(failing.message);
			expect(group[0].pairedItem).toEqual({ item: index });
		} else {
			if (c.single) expect(group).toHaveLength(1);
			else expect(group.length).toBeGreaterThan(0);
			for (const entry of group) expect(entry.json.error).toBeUndefined();
		}
	});
}

/* ------------------------------------------------------------------------------------------------
 * Log capture and the leak check.
 * --------------------------------------------------------------------------------------------- */

const LEVELS = ['error', 'warn', 'info', 'debug'] as const;
const CONSOLE = ['log', 'info', 'warn', 'error', 'debug'] as const;

/**
 * Captures every line n8n logs while the file runs. Node contexts log through
 * `Container.get(Logger)` and the engine through LoggerProxy, which forwards to the same Logger;
 * scoped child loggers share its prototype. So the level methods are replaced on the prototype
 * (and on the instance, should a log level have given it methods of its own).
 */
export function captureLogs(): void {
	beforeAll(() => {
		capturing = true;
		const logger = Container.get(Logger);
		const record =
			(where: string, level: string) =>
			(...args: unknown[]): void => {
				if (!capturing) return;
				const [message, ...rest] = args;
				const extra = rest
					.map((arg) => (typeof arg === 'string' ? arg : safeStringify(arg)))
					.join(' ');
				logLines.push(`${where}.${level}: ${String(message)}${extra ? ` ${extra}` : ''}`);
			};
		for (const level of LEVELS) {
			jest.spyOn(Logger.prototype, level).mockImplementation(record('Logger', level));
			if (Object.prototype.hasOwnProperty.call(logger, level)) {
				jest.spyOn(logger, level).mockImplementation(record('Logger(instance)', level));
			}
		}
		for (const method of CONSOLE) {
			jest.spyOn(console, method).mockImplementation(record('console', method));
		}
	});
	afterAll(() => {
		capturing = false;
		jest.restoreAllMocks();
	});
}

export const capturedLogLines = (): readonly string[] => logLines;

/**
 * The last test of a file: the key is in no output, error or log line of any case before it. The
 * sandbox's own request log must hold it (it was really sent), so the search is not vacuous.
 */
export function leakCheck(options: { expectLogLine?: RegExp } = {}): void {
	describe('the API key never leaks', () => {
		test('it was sent to Awaz, yet appears in no output item, error or log line', async () => {
			// The search works: the key is what the sandbox received.
			await withBed({}, async ({ sb, env }) => {
				await run('leak-check control', env, LIST_AGENTS, [{}]);
				expect(String(sb.requests[0].headers.authorization)).toBe(`Bearer ${API_KEY}`);
			});
			expect(seen.length).toBeGreaterThan(0);
			expect(logLines.length).toBeGreaterThan(0);
			if (options.expectLogLine) {
				expect(logLines.some((line) => options.expectLogLine!.test(line))).toBe(true);
			}
			const leaks = [
				...seen.filter(({ text }) => text.includes(API_KEY)).map(({ label }) => label),
				...logLines
					.filter((line) => line.includes(API_KEY))
					.map((line) => `log: ${line.slice(0, 200)}`),
			];
			expect(leaks).toEqual([]);
		});
	});
}
