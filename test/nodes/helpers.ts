/**
 * Shared set-up for the node tests: one Awaz sandbox per test file, a clean sandbox before every
 * test, and the few assertions every file makes (what reached Awaz, how outputs are paired, that
 * the API key never leaks).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { AGENT_ID, awazNode, locator, PHONE_ID } from '../../kit/fixtures';
import type { NodeSettings } from '../../kit/fixtures';
import type { Environment, RunResult } from '../../kit/runner';
import { environment } from '../../kit/runner';

import type { Sandbox } from '../../kit/sandbox';
import { startSandbox } from '../../kit/sandbox';

export type { Entity, LoggedRequest, Sandbox } from '../../kit/sandbox';
export { makeObjectId, STATUSES } from '../../kit/sandbox';
export { AGENT_ID, COMPANY_EMAIL, locator, PHONE_ID, SECOND_PHONE_ID } from '../../kit/fixtures';

/** Distinctive, so that a leak of it anywhere in an output or error is easy to find. */
export const API_KEY = 'test-key-DISTINCTIVE-9f8e7d';

export interface TestBed {
	readonly sb: Sandbox;
	readonly env: Environment;
}

/**
 * Starts one sandbox for the calling test file and resets it before each test. The rate limit is
 * raised well above what a file sends, so that no test waits for a window another test used up.
 */
export function useSandbox(options: IDataObject = {}): TestBed {
	let sb: Sandbox | undefined;
	let env: Environment | undefined;
	beforeAll(async () => {
		sb = await startSandbox({ apiKey: API_KEY, rateLimit: { limit: 100_000 }, ...options });
		env = await environment({ apiKey: API_KEY, baseUrl: sb.url });
	});
	beforeEach(() => sb!.reset());
	afterAll(async () => await sb?.close());
	return {
		get sb() {
			return sb!;
		},
		get env() {
			return env!;
		},
	};
}

/** Call → Schedule of Jane Doe with the first agent and phone; `parameters` override. */
export const scheduleNode = (parameters: IDataObject = {}, settings: NodeSettings = {}) =>
	awazNode(
		{
			resource: 'call',
			operation: 'schedule',
			agentId: locator(AGENT_ID),
			fromPhoneId: locator(PHONE_ID),
			name: 'Jane Doe',
			phone: '+14155550123',
			datetime: '2025-06-01T14:30:00+02:00',
			...parameters,
		},
		settings,
	);

export interface ExpectedRequest {
	method: string;
	path: string;
	query?: Record<string, string>;
	body?: unknown;
}

/**
 * Exactly these requests, in this order, reached the sandbox, each with the API key as a bearer
 * token.
 */
export function expectRequests(sb: Sandbox, expected: ExpectedRequest[]) {
	expect(
		sb.requests.map(({ method, path, query, body }) => ({ method, path, query, body })),
	).toEqual(expected.map(({ method, path, query = {}, body }) => ({ method, path, query, body })));
	for (const request of sb.requests) {
		expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
	}
}

/** The output's `json` parts and `pairedItem`s, for one readable comparison. */
export function expectOutput(output: INodeExecutionData[], expected: Array<[IDataObject, number]>) {
	expect(output.map(({ json, pairedItem }) => ({ json, pairedItem }))).toEqual(
		expected.map(([json, item]) => ({ json, pairedItem: { item } })),
	);
}

/** Everything a user could see of a run, as text, with the hidden parts of errors included. */
export function visibleText(result: RunResult): string {
	return JSON.stringify(
		{ output: result.output, error: result.error, runData: result.run.data.resultData.runData },
		(_key, value: unknown) =>
			value instanceof Error
				? {
						...value,
						name: value.name,
						message: value.message,
						stack: value.stack,
						cause: value.cause,
					}
				: value,
	);
}

export function expectNoKeyIn(result: RunResult, key = API_KEY) {
	expect(visibleText(result)).not.toContain(key);
}
