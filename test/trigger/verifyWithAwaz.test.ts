/**
 * Verify With Awaz (the trigger's Options → verifyEvents): every event's call is read back from
 * the sandbox, and only what Awaz confirms starts the workflow, as the call Awaz shows.
 */
import type { IDataObject } from 'n8n-workflow';

import { CALL_IDS, UNKNOWN_CALL_ID } from '../../kit/fixtures';
import { AGENT_ID, expectRequests, STATUSES, useSandbox } from '../nodes/helpers';
import { answerTo } from './answer';

const t = useSandbox();

const RECEIVED = 'Awaz call event received';
const NOT_VERIFIED = `${RECEIVED} and ignored: Awaz shows no call with this ID, agent and status (Verify With Awaz)`;
const UNAVAILABLE =
	'Awaz could not be asked about the call (Verify With Awaz). Nothing was started; send the event again later.';
const PLAIN_TEXT = 'text/plain; charset=utf-8';
const VERIFY = { statuses: [...STATUSES], agentIds: [AGENT_ID], options: { verifyEvents: true } };
const callPath = (id: string) => `/v1/calls/${id}`;

/** The seeded call at `index` as the sandbox shows it now. */
const shown = (index: number) => structuredClone(t.sb.state.calls[index]) as IDataObject;
/** The first seeded call: by AGENT_ID, at "outcome". */
const [OUTCOME_CALL] = CALL_IDS;

const deliver = (body: unknown, parameters: IDataObject = VERIFY) =>
	answerTo(t.env, JSON.stringify(body), parameters);
const items = (seen: Awaited<ReturnType<typeof deliver>>) =>
	seen.execution?.[0].map((item) => item.json);

describe('Awaz Trigger: Verify With Awaz', () => {
	it("passes an event Awaz confirms on as the call Awaz shows, with the event's status, after one GET", async () => {
		const event = {
			id: OUTCOME_CALL,
			status: 'completed',
			agent: AGENT_ID,
			made_up: 'by the sender',
		};

		const seen = await deliver(event);

		expect(seen).toMatchObject({ status: 200, body: RECEIVED, contentType: PLAIN_TEXT });
		expect(items(seen)).toEqual([{ ...shown(0), status: 'completed' }]);
		expectRequests(t.sb, [{ method: 'GET', path: callPath(OUTCOME_CALL) }]);
	});

	it('a forged event for an id Awaz does not know starts nothing: 200, fixed text, the GET and its three re-reads', async () => {
		const forged = { id: UNKNOWN_CALL_ID, status: 'completed', agent: AGENT_ID };

		const seen = await deliver(forged);

		expect(seen).toMatchObject({ status: 200, body: NOT_VERIFIED, contentType: PLAIN_TEXT });
		expect(seen.execution).toBeUndefined();
		expect(t.sb.requests.map(({ method, path, status }) => [method, path, status])).toEqual(
			Array.from({ length: 4 }, () => ['GET', callPath(UNKNOWN_CALL_ID), 404]),
		);
	});

	it('tolerates the 404 lag of a new call: a call Awaz shows on the re-read is passed on', async () => {
		t.sb.inject({ method: 'GET', path: callPath(OUTCOME_CALL), kind: 'status', status: 404 });

		const seen = await deliver({ id: OUTCOME_CALL, status: 'outcome', agent: AGENT_ID });

		expect(items(seen)).toEqual([shown(0)]);
		expect(t.sb.requests.map(({ path, status }) => [path, status])).toEqual([
			[callPath(OUTCOME_CALL), 404],
			[callPath(OUTCOME_CALL), 200],
		]);
	});

	it('starts nothing for a call of another agent than the chosen ones, even when the event names a chosen one', async () => {
		const otherAgentsCall = shown(1); // by the second agent
		const forged = { id: otherAgentsCall.id, status: otherAgentsCall.status, agent: AGENT_ID };

		const seen = await deliver(forged);

		expect(seen).toMatchObject({ status: 200, body: NOT_VERIFIED });
		expect(seen.execution).toBeUndefined();
		// The agent will not change: no re-read.
		expectRequests(t.sb, [{ method: 'GET', path: callPath(String(otherAgentsCall.id)) }]);
	});

	it.each([
		['agent.id', (id: string) => ({ agent: { id, name: 'Sales Assistant' } })],
		['agent_id', (id: string) => ({ agent: undefined, agent_id: id })],
	])('reads the agent of the call as Awaz shows it (%s)', async (_form, agentOf) => {
		Object.assign(t.sb.state.calls[0], agentOf(AGENT_ID));

		const seen = await deliver({ id: OUTCOME_CALL, status: 'outcome' });

		expect(items(seen)).toHaveLength(1);
	});

	it('any agent will do when no Agents are chosen', async () => {
		const otherAgentsCall = shown(1);

		const seen = await deliver(
			{ id: otherAgentsCall.id, status: otherAgentsCall.status },
			{ ...VERIFY, agentIds: [] },
		);

		expect(items(seen)).toEqual([otherAgentsCall]);
	});

	it.each([
		['pickup', 'outcome', true],
		['Completed', 'outcome', true],
		['outcome', ' OUTCOME ', true],
		['outcome', 'completed', false],
		['completed', 'busy', false],
		['busy', 'pickup', false],
	])(
		'an event at "%s" for a call Awaz shows at "%s" is passed on: %s (hasPassed)',
		async (eventStatus, awazStatus, passed) => {
			t.sb.state.calls[0].status = awazStatus;

			const seen = await deliver({ id: OUTCOME_CALL, status: eventStatus, agent: AGENT_ID });

			expect(items(seen)).toEqual(passed ? [{ ...shown(0), status: eventStatus }] : undefined);
			// A status not reached yet may still come: read again, three times.
			expect(t.sb.requests).toHaveLength(passed ? 1 : 4);
		},
	);

	it('reads each id once a round, and passes on only the confirmed events, in delivery order', async () => {
		const events = [
			{ id: OUTCOME_CALL, status: 'pickup', agent: AGENT_ID },
			{ id: String(shown(3).id), status: 'completed', agent: AGENT_ID },
			{ id: OUTCOME_CALL, status: 'outcome', agent: AGENT_ID },
			{ id: String(shown(1).id), status: 'pickup', agent: AGENT_ID },
		];

		const seen = await deliver(events);

		expect(items(seen)).toEqual([
			{ ...shown(0), status: 'pickup' },
			{ ...shown(3), status: 'completed' },
			shown(0),
		]);
		expect(t.sb.requests.map(({ path }) => path)).toEqual([
			callPath(OUTCOME_CALL),
			callPath(String(shown(3).id)),
			callPath(String(shown(1).id)),
		]);
	});

	it('asks nothing of Awaz for events the Statuses and Agents turn away', async () => {
		const seen = await deliver(
			{ id: OUTCOME_CALL, status: 'outcome', agent: AGENT_ID },
			{
				...VERIFY,
				statuses: ['busy'],
			},
		);

		expect(seen).toMatchObject({ status: 200, execution: undefined });
		expect(t.sb.requests).toEqual([]);
	});

	it('puts the id into the path as one encoded segment, and an id Awaz refuses (400) is not read again', async () => {
		const seen = await deliver({ id: '../hooks/calls?x=1', status: 'outcome' });

		expect(seen).toMatchObject({ status: 200, body: NOT_VERIFIED });
		expect(t.sb.requests.map(({ path, status }) => [path, status])).toEqual([
			['/v1/calls/..%2Fhooks%2Fcalls%3Fx%3D1', 400],
		]);
	});

	it.each([
		["500 (after the transport's two read retries)", { kind: 'status', status: 500, times: 3 }, 3],
		['503 (not waited for in a webhook)', { kind: 'status', status: 503 }, 1],
		['401', { kind: 'status', status: 401 }, 1],
		['403', { kind: 'status', status: 403 }, 1],
		['a dropped connection (after two read retries)', { kind: 'reset', times: 3 }, 3],
	])(
		'answers 503 with fixed text and starts nothing when Awaz answers %s',
		async (_case, fault, requests) => {
			t.sb.inject({ method: 'GET', path: callPath(OUTCOME_CALL), ...fault } as never);

			const seen = await deliver([
				{ id: OUTCOME_CALL, status: 'outcome', agent: AGENT_ID },
				{ id: String(shown(3).id), status: 'completed', agent: AGENT_ID },
			]);

			expect(seen).toMatchObject({ status: 503, body: UNAVAILABLE, contentType: PLAIN_TEXT });
			expect(seen.headers['retry-after']).toBe('60');
			expect(seen.execution).toBeUndefined();
			// The first failure ends the delivery: the second event's call is not read.
			expect(t.sb.requests).toHaveLength(requests);
		},
	);

	it('is off by default: the event is passed on as posted, and Awaz is not asked', async () => {
		const event = { id: UNKNOWN_CALL_ID, status: 'completed', agent: AGENT_ID };

		const seen = await deliver(event, { statuses: [...STATUSES], agentIds: [AGENT_ID] });

		expect(items(seen)).toEqual([event]);
		expect(t.sb.requests).toEqual([]);
	});
});

describe('Awaz Trigger: Verify With Awaz when the key has no requests left', () => {
	// A sandbox of its own: the transport keeps one rate-limit window per credential and Base URL.
	const limited = useSandbox();

	it('answers 503 with Retry-After, and starts nothing, rather than hold Awaz longer than a webhook may wait', async () => {
		const windowMs = 600_000;
		limited.sb.setRateLimit({ limit: 1, windowMs });
		// The sandbox's clock a second into a window: the next request is free in almost 10 minutes.
		limited.sb.setClockOffset(1000 - (Date.now() % windowMs));
		const events = [
			{ id: OUTCOME_CALL, status: 'outcome', agent: AGENT_ID },
			{ id: String(limited.sb.state.calls[3].id), status: 'completed', agent: AGENT_ID },
		];

		const seen = await answerTo(limited.env, JSON.stringify(events), VERIFY);

		expect(seen).toMatchObject({ status: 503, body: UNAVAILABLE, contentType: PLAIN_TEXT });
		expect(seen.headers['retry-after']).toBe('60');
		expect(seen.execution).toBeUndefined();
		expect(limited.sb.requests[0]).toMatchObject({ path: callPath(OUTCOME_CALL), status: 200 });
	});
});
