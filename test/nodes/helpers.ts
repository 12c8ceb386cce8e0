/**
 * Shared set-up for the node tests: one Awaz sandbox per test file, a clean sandbox before every
 * test, and the few assertions every file makes (what reached Awaz, how outputs are paired, that
 * the API key never leaks).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { AGENT_ID, API_KEY, awazNode, locator, PHONE_ID } from '../../kit/fixtures';
import type { NodeSettings } from '../../kit/fixtures';
import type { RunResult } from '../../kit/runner';

export type { Entity, LoggedRequest, Sandbox } from '../../kit/sandbox';
export { makeObjectId, STATUSES } from '../../kit/sandbox';
export {
	AGENT_ID,
	API_KEY,
	COMPANY_EMAIL,
	locator,
	PHONE_ID,
	SECOND_PHONE_ID,
} from '../../kit/fixtures';
export { expectRequests } from '../../kit/expect';
export type { Bed as TestBed } from '../../kit/runner';
export { useSandbox } from '../../kit/runner';

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
