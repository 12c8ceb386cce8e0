/**
 * The Awaz Trigger through n8n-core's HookContext and WebhookContext against the sandbox: the
 * subscription it owns for the life of the workflow, and what it makes of each delivery.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { DeliveredRequest } from '../../kit/runner';
import {
	deliverToTrigger,
	n8nRequest,
	RecordedResponse,
	triggerLifecycle,
	webhookContext,
	AWAZ_TRIGGER_NODE,
} from '../../kit/runner';
import { AGENT_ID, API_KEY, expectRequests, STATUSES, useSandbox } from '../nodes/helpers';
import { answerTo } from './answer';

const t = useSandbox();

const WEBHOOK_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const PRODUCTION_URL = `http://127.0.0.1:5678/webhook/${WEBHOOK_ID}/webhook`;
const TEST_URL = `http://127.0.0.1:5678/webhook-test/${WEBHOOK_ID}/webhook`;
const HOOKS = '/v1/hooks/calls';
const ALL = { statuses: [...STATUSES], agentIds: [] };
const RECEIVED = 'Awaz call event received';
const PLAIN_TEXT = 'text/plain; charset=utf-8';
/** The attack of the trust issue: markup posted as a status or an agent must never come back. */
const MARKUP = '<img src=x onerror=alert(1)>';

const otherAgent = () => String(t.sb.fixtures.agents[1].id);
/** The static data n8n would have saved after the previous activation, as it reloads it. */
const saved = (lifecycle: ReturnType<typeof triggerLifecycle>) =>
	JSON.parse(JSON.stringify(lifecycle.workflow.staticData)) as IDataObject;

describe('Awaz Trigger: the subscription', () => {
	it('activating subscribes the production URL: one GET, then one POST with the filters', async () => {
		const trigger = triggerLifecycle(t.env, {
			statuses: ['outcome', 'failed'],
			agentIds: [AGENT_ID],
		});
		expect(trigger.url).toBe(PRODUCTION_URL);

		expect(await trigger.activate()).toBe(true);

		const subscription = {
			hookUrl: PRODUCTION_URL,
			agents: [AGENT_ID],
			status: ['outcome', 'failed'],
		};
		expectRequests(t.sb, [
			{ method: 'GET', path: HOOKS },
			{ method: 'POST', path: HOOKS, body: subscription },
		]);
		expect(t.sb.state.hooks).toEqual([subscription]);
		expect(trigger.nodeStaticData()).toEqual({ subscription });
	});

	it('subscribes all seven statuses and all agents by default', async () => {
		await triggerLifecycle(t.env, {}).activate();

		expect(t.sb.state.hooks).toEqual([
			{ hookUrl: PRODUCTION_URL, agents: [], status: [...STATUSES] },
		]);
	});

	it('activating again finds the subscription and posts nothing', async () => {
		const first = triggerLifecycle(t.env, ALL);
		await first.activate();
		t.sb.clearLog();

		const again = triggerLifecycle(t.env, ALL, { staticData: saved(first) });
		expect(await again.activate()).toBe(false);

		expectRequests(t.sb, [{ method: 'GET', path: HOOKS }]);
		expect(t.sb.state.hooks).toHaveLength(1);
	});

	it('compares statuses and agents regardless of order', async () => {
		t.sb.state.hooks.push({
			hookUrl: PRODUCTION_URL,
			agents: [otherAgent(), AGENT_ID],
			status: ['failed', 'outcome'],
		});
		const trigger = triggerLifecycle(t.env, {
			statuses: ['outcome', 'failed'],
			agentIds: [AGENT_ID, otherAgent()],
		});

		expect(await trigger.checkExists()).toBe(true);
	});

	it('changed filters replace the subscription: the old one is deleted before the new one is posted', async () => {
		const unrelated = { hookUrl: 'https://example.com/other', agents: [], status: ['busy'] };
		t.sb.state.hooks.push(unrelated);
		const first = triggerLifecycle(t.env, ALL);
		await first.activate();
		t.sb.clearLog();

		const changed = triggerLifecycle(
			t.env,
			{ statuses: ['outcome'], agentIds: [AGENT_ID] },
			{ staticData: saved(first) },
		);
		expect(await changed.activate()).toBe(true);

		const subscription = { hookUrl: PRODUCTION_URL, agents: [AGENT_ID], status: ['outcome'] };
		expectRequests(t.sb, [
			{ method: 'GET', path: HOOKS },
			{ method: 'DELETE', path: HOOKS, query: { hookUrl: PRODUCTION_URL } },
			{ method: 'POST', path: HOOKS, body: subscription },
		]);
		expect(t.sb.state.hooks).toEqual([unrelated, subscription]);
		expect(changed.nodeStaticData()).toEqual({ subscription });
	});

	it('replaces a subscription made with other settings even without saved static data', async () => {
		t.sb.state.hooks.push({ hookUrl: PRODUCTION_URL, agents: [], status: ['pickup'] });

		expect(await triggerLifecycle(t.env, ALL).activate()).toBe(true);

		expect(t.sb.requests.map((request) => request.method)).toEqual(['GET', 'DELETE', 'POST']);
		expect(t.sb.state.hooks).toEqual([
			{ hookUrl: PRODUCTION_URL, agents: [], status: [...STATUSES] },
		]);
	});

	it('does not count a URL that Awaz lists twice as subscribed', async () => {
		const subscription = { hookUrl: PRODUCTION_URL, agents: [], status: [...STATUSES] };
		t.sb.state.hooks.push(subscription, structuredClone(subscription));

		expect(await triggerLifecycle(t.env, ALL).checkExists()).toBe(false);
	});

	it('deactivating deletes the subscription by its URL and clears the static data', async () => {
		const first = triggerLifecycle(t.env, ALL);
		await first.activate();
		t.sb.clearLog();

		const active = triggerLifecycle(t.env, ALL, { staticData: saved(first) });
		expect(await active.deactivate()).toBe(true);

		expectRequests(t.sb, [{ method: 'DELETE', path: HOOKS, query: { hookUrl: PRODUCTION_URL } }]);
		expect(t.sb.state.hooks).toEqual([]);
		expect(active.nodeStaticData()).toEqual({});
	});

	it('deactivating succeeds when Awaz has no subscription any more (404)', async () => {
		const trigger = triggerLifecycle(t.env, ALL);
		await trigger.activate();
		t.sb.state.hooks.length = 0;
		t.sb.clearLog();

		expect(await trigger.deactivate()).toBe(true);

		expect(t.sb.requests.map(({ method, status }) => [method, status])).toEqual([['DELETE', 404]]);
		expect(trigger.nodeStaticData()).toEqual({});
	});

	it('a failed delete (500) is thrown as a clear error and the static data is kept', async () => {
		const trigger = triggerLifecycle(t.env, ALL);
		await trigger.activate();
		t.sb.inject({ method: 'DELETE', path: HOOKS, kind: 'status', status: 500 });

		await expect(trigger.deactivate()).rejects.toMatchObject({
			message: expect.stringMatching(
				new RegExp(
					`^Could not delete the call-event subscription for ${PRODUCTION_URL} at Awaz: Awaz failed on DELETE /v1/hooks/calls \\(500\\)`,
				),
			),
			description: expect.stringContaining('Awaz may keep sending call events to this URL'),
			httpCode: '500',
		});
		expect(t.sb.state.hooks).toHaveLength(1);
		expect(trigger.nodeStaticData()).toEqual({
			subscription: { hookUrl: PRODUCTION_URL, agents: [], status: [...STATUSES] },
		});
	});

	it('a failed subscribe is thrown as a clear error', async () => {
		t.sb.inject({ method: 'POST', path: HOOKS, kind: 'status', status: 403 });

		await expect(triggerLifecycle(t.env, ALL).activate()).rejects.toMatchObject({
			message: `Could not subscribe ${PRODUCTION_URL} to call events at Awaz: Awaz rejected the API key (403)`,
			httpCode: '403',
		});
		expect(t.sb.state.hooks).toEqual([]);
	});

	it('an empty Statuses field stops activation before anything reaches Awaz', async () => {
		await expect(triggerLifecycle(t.env, { statuses: [] }).activate()).rejects.toThrow(
			'The "Statuses" field is empty; choose at least one status',
		);
		expect(t.sb.requests).toEqual([]);
	});

	it('"Listen for test event" subscribes and then deletes the webhook-test URL, leaving production alone', async () => {
		await triggerLifecycle(t.env, ALL).activate();
		const listening = triggerLifecycle(t.env, { statuses: ['outcome'] }, { isTest: true });
		expect(listening.url).toBe(TEST_URL);
		t.sb.clearLog();

		expect(await listening.activate()).toBe(true);
		expect(t.sb.requests.map(({ method, body }) => [method, body])).toEqual([
			['GET', undefined],
			['POST', { hookUrl: TEST_URL, agents: [], status: ['outcome'] }],
		]);
		expect(t.sb.state.hooks.map((hook) => hook.hookUrl)).toEqual([PRODUCTION_URL, TEST_URL]);

		await listening.deactivate();
		expect(t.sb.requests.at(-1)).toMatchObject({ method: 'DELETE', query: { hookUrl: TEST_URL } });
		expect(t.sb.state.hooks.map((hook) => hook.hookUrl)).toEqual([PRODUCTION_URL]);
	});
});

describe('Awaz Trigger: deliveries', () => {
	const call = () => ({
		...structuredClone(t.sb.fixtures.calls[0]),
		status: 'completed',
		agent: AGENT_ID,
		extracted_variables: { interested: true, callback: { day: 'Monday', slots: [9, 14] } },
		unknown_field: null,
	});
	const deliver = (body: unknown, parameters: IDataObject = ALL, contentType?: string | null) =>
		deliverToTrigger(
			t.env,
			parameters,
			typeof body === 'string' ? body : JSON.stringify(body),
			contentType,
		);
	const items = (execution?: INodeExecutionData[][]) => execution?.[0].map((item) => item.json);

	it('a matching event starts one execution whose one item is the payload, unchanged', async () => {
		const event = call();

		const outcome = await deliver(event);

		expect(outcome).toEqual({
			execution: [[{ json: event }]],
			status: 200,
			body: RECEIVED,
			writtenByNode: false,
		});
		expect(t.sb.requests).toEqual([]);
	});

	it('an array body gives one item per element', async () => {
		const events = [
			call(),
			{ ...call(), id: 'second', status: 'outcome' },
			{ ...call(), id: 'third' },
		];

		const outcome = await deliver(events);

		expect(items(outcome.execution)).toEqual(events);
	});

	it('keeps only the elements of an array that match', async () => {
		const wanted = call();

		const outcome = await deliver([{ ...call(), status: 'pickup' }, wanted], {
			statuses: ['completed'],
		});

		expect(items(outcome.execution)).toEqual([wanted]);
	});

	it('an event with a status the trigger does not listen for is acknowledged with 200 and starts nothing', async () => {
		const outcome = await deliver(
			{ ...call(), status: 'voicemail' },
			{ statuses: ['outcome', 'completed'] },
		);

		expect(outcome).toEqual({
			status: 200,
			body: `${RECEIVED} and ignored: its status is not one this trigger listens for`,
			writtenByNode: true,
		});
	});

	it.each([
		['agent', (id: string) => ({ agent: id })],
		['agent.id', (id: string) => ({ agent: { id, name: 'Support Agent' } })],
		['agent_id', (id: string) => ({ agent: undefined, agent_id: id })],
	])(
		'an event from another agent (%s) is acknowledged with 200 and starts nothing',
		async (_form, agentOf) => {
			const parameters = { statuses: [...STATUSES], agentIds: [AGENT_ID] };

			const other = await deliver({ ...call(), ...agentOf(otherAgent()) }, parameters);
			const mine = await deliver({ ...call(), ...agentOf(AGENT_ID) }, parameters);

			expect(other).toMatchObject({
				status: 200,
				body: expect.stringContaining('and ignored: its agent'),
			});
			expect(other.execution).toBeUndefined();
			expect(mine.execution?.[0]).toHaveLength(1);
		},
	);

	it('lets through an event that names no agent (Awaz filtered it already)', async () => {
		const bare = { id: '674b1c995e504fadc9b6fab9', status: 'Outcome', summary: 'Call finished' };

		const outcome = await deliver(bare, { statuses: ['outcome'], agentIds: [AGENT_ID] });

		expect(items(outcome.execution)).toEqual([bare]);
	});

	it('acknowledges an empty array and starts nothing', async () => {
		expect(await deliver([])).toEqual({
			status: 200,
			body: `${RECEIVED}: the list was empty`,
			writtenByNode: true,
		});
	});

	it.each([
		['JSON sent as application/vnd.awaz+json', 'application/vnd.awaz+json'],
		['JSON with a charset', 'application/json; charset=utf-8'],
		['JSON with an upper-case type and a charset', 'Application/JSON;charset=UTF-8'],
		[
			'JSON sent as application/problem+json with a charset',
			'application/problem+json; charset=utf-8',
		],
	])('reads %s', async (_case, contentType) => {
		const event = call();

		const outcome = await deliver(event, ALL, contentType);

		expect(items(outcome.execution)).toEqual([event]);
	});

	it.each([
		['a JSON string', '"completed"', 'application/json'],
		['a JSON number', '42', 'application/json'],
		['JSON null', 'null', 'application/json'],
		['an array of non-objects', '[1, "two"]', 'application/json'],
		['an empty body', '', 'application/json'],
	])('answers 400 and starts nothing for %s', async (_case, body, contentType) => {
		const outcome = await deliver(body, ALL, contentType);

		expect(outcome).toEqual({
			status: 400,
			body: 'Not an Awaz call event: the body must be a JSON object, or an array of JSON objects.',
			writtenByNode: true,
		});
	});

	it('answers 400 when a JSON body reaches it unparsed and broken', async () => {
		const request: DeliveredRequest = {
			...(n8nRequest('{}') as DeliveredRequest),
			rawBody: Buffer.from('{"id": '),
			body: undefined,
		};
		const response = new RecordedResponse();
		const context = webhookContext(t.env, ALL, request, response);

		const result = await t.env.nodeTypes
			.getByNameAndVersion(AWAZ_TRIGGER_NODE, 1)
			.webhook!.call(context);

		expect(result).toEqual({ noWebhookResponse: true });
		expect(response).toMatchObject({
			statusCode: 400,
			headers: { 'content-type': 'text/plain; charset=utf-8' },
		});
	});

	it('works the same on the test URL ("Listen for test event")', async () => {
		const event = call();

		const outcome = await deliverToTrigger(t.env, ALL, JSON.stringify(event), 'application/json', {
			isTest: true,
		});

		expect(items(outcome.execution)).toEqual([event]);
	});
});

describe('Awaz Trigger: answers never reflect what was posted', () => {
	const event = (overrides: IDataObject = {}) => ({
		id: '674b1c995e504fadc9b6fab9',
		status: 'completed',
		agent: AGENT_ID,
		...overrides,
	});
	const answer = (body: unknown, parameters: IDataObject = ALL, contentType?: string | null) =>
		answerTo(
			t.env,
			typeof body === 'string' ? body : JSON.stringify(body),
			parameters,
			contentType,
		);
	/** What every answer must be: plain text (never HTML) that does not contain the markup. */
	const expectSafe = (seen: { contentType?: string; body: string }) => {
		expect(seen.contentType).toBe(PLAIN_TEXT);
		expect(seen.body).not.toContain(MARKUP);
		expect(seen.body).not.toMatch(/[<>]/);
	};

	it.each([
		['status', { status: MARKUP }, ALL],
		['agent (Agents chosen)', { agent: MARKUP }, { statuses: [...STATUSES], agentIds: [AGENT_ID] }],
		['agent.id (Agents chosen)', { agent: { id: MARKUP } }, { agentIds: [AGENT_ID] }],
		['agent_id (Agents chosen)', { agent: undefined, agent_id: MARKUP }, { agentIds: [AGENT_ID] }],
	])(
		'markup posted as the %s is answered with fixed plain text and starts nothing',
		async (_as, overrides, parameters) => {
			const seen = await answer(event(overrides), parameters);

			expectSafe(seen);
			expect(seen.status).toBe(200);
			expect(seen.body).toMatch(
				/^Awaz call event received and ignored: its (status|agent) is not one this trigger listens for$/,
			);
			expect(seen.headers['x-content-type-options']).toBe('nosniff');
			expect(seen.execution).toBeUndefined();
		},
	);

	it("markup posted as the agent of an event it lets through gets n8n's fixed answer, as plain text", async () => {
		const posted = event({ agent: MARKUP });

		const seen = await answer(posted, ALL);

		expectSafe(seen);
		expect(seen).toMatchObject({ status: 200, body: RECEIVED });
		expect(seen.headers['x-content-type-options']).toBe('nosniff');
		expect(seen.execution?.[0].map((item) => item.json)).toEqual([posted]);
	});

	it.each([
		[
			'a form (what a cross-site form sends)',
			`status=${encodeURIComponent(MARKUP)}`,
			'application/x-www-form-urlencoded',
		],
		[
			'JSON sent as text/plain (a cross-site form can send it)',
			JSON.stringify(event({ status: MARKUP })),
			'text/plain',
		],
		['JSON with no content type', JSON.stringify(event()), null],
		[
			'multipart',
			'--x\r\nContent-Disposition: form-data; name="status"\r\n\r\ncompleted\r\n--x--',
			'multipart/form-data; boundary=x',
		],
		['XML', '<call><status>completed</status></call>', 'application/xml'],
		['JSON sent as text/html', JSON.stringify(event()), 'text/html'],
		['a type that only ends in json', JSON.stringify(event()), 'application/xjson'],
	])('refuses %s with 415 and fixed text, and starts nothing', async (_case, body, contentType) => {
		const seen = await answer(body, ALL, contentType);

		expectSafe(seen);
		expect(seen).toMatchObject({
			status: 415,
			body: 'Not an Awaz call event: Awaz sends call events as JSON, with the Content-Type application/json.',
		});
		expect(seen.execution).toBeUndefined();
	});

	it(`takes ${100} events from one delivery and refuses ${101} with 413, starting nothing`, async () => {
		const events = (count: number) =>
			Array.from({ length: count }, (_, i) => event({ id: `call-${i}` }));

		const hundred = await answer(events(100));
		const tooMany = await answer(events(101));

		expect(hundred.execution?.[0]).toHaveLength(100);
		expectSafe(tooMany);
		expect(tooMany).toMatchObject({
			status: 413,
			body: 'Too many call events in one delivery: at most 100 are taken. Nothing was started.',
		});
		expect(tooMany.execution).toBeUndefined();
	});

	it('refuses a 600 KB array of 200,000 empty objects with 413 (it used to become 200,000 items)', async () => {
		const body = `[${Array.from({ length: 200_000 }, () => '{}').join(',')}]`;
		expect(body.length).toBeGreaterThan(590_000);

		const seen = await answer(body);

		expect(seen).toMatchObject({ status: 413 });
		expect(seen.execution).toBeUndefined();
		expect(t.sb.requests).toEqual([]);
	});

	it.each([
		['an empty object (which used to start a run)', {}],
		['no id', { id: undefined }],
		['an empty id', { id: '' }],
		['a blank id', { id: '   ' }],
		['a null id', { id: null }],
		['an object as id', { id: { $oid: '674b1c995e504fadc9b6fab9' } }],
		['a boolean id', { id: true }],
	])(
		'refuses a delivery with an event with %s: 400, fixed text, nothing started',
		async (_case, overrides) => {
			const body = Object.keys(overrides).length === 0 ? {} : event(overrides);

			const seen = await answer([event(), body]);

			expectSafe(seen);
			expect(seen).toMatchObject({
				status: 400,
				body: 'Not an Awaz call event: every event needs an "id" (a non-empty string or number). Nothing was started.',
			});
			expect(seen.execution).toBeUndefined();
		},
	);

	it.each([
		['no status', { status: undefined }],
		['an empty status', { status: '' }],
		['a blank status', { status: '  ' }],
		['a number as status', { status: 3 }],
		['a list as status', { status: ['completed'] }],
		['null as status', { status: null }],
	])(
		'refuses a delivery with an event with %s: 400, fixed text, nothing started',
		async (_case, overrides) => {
			const seen = await answer([event(), event(overrides)]);

			expectSafe(seen);
			expect(seen).toMatchObject({
				status: 400,
				body: 'Not an Awaz call event: every event needs a "status" (text). Nothing was started.',
			});
			expect(seen.execution).toBeUndefined();
		},
	);

	it('takes a number as id and a status in any case', async () => {
		const posted = event({ id: 42, status: ' Completed ' });

		const seen = await answer(posted, { statuses: ['completed'] });

		expect(seen.execution?.[0].map((item) => item.json)).toEqual([posted]);
	});
});

describe('Awaz Trigger: Awaz → n8n, end to end on loopback', () => {
	let receiver: http.Server;
	let base: string;
	let parameters: IDataObject;
	const executions: IDataObject[][] = [];

	beforeAll(async () => {
		// Stands in for n8n's webhook server: raw body in, the trigger's webhook(), n8n's answer out.
		receiver = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', async () => {
				if (req.url !== `/webhook/${WEBHOOK_ID}/webhook`) {
					res.writeHead(404).end();
					return;
				}
				const outcome = await deliverToTrigger(
					t.env,
					parameters,
					Buffer.concat(chunks).toString('utf8'),
					req.headers['content-type'] ?? null,
					{ baseUrl: base },
				);
				if (outcome.execution) executions.push(outcome.execution[0].map((item) => item.json));
				res.writeHead(outcome.status, { 'content-type': 'text/plain' }).end(outcome.body);
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
	});
	afterAll(async () => await new Promise((resolve) => receiver.close(resolve)));

	it('subscribes, receives what Awaz delivers, and receives nothing once deactivated', async () => {
		parameters = { statuses: ['completed', 'outcome'], agentIds: [AGENT_ID] };
		const trigger = triggerLifecycle(t.env, parameters, { baseUrl: base });
		await trigger.activate();
		const hookUrl = `${base}/webhook/${WEBHOOK_ID}/webhook`;
		expect(t.sb.state.hooks).toEqual([
			{ hookUrl, agents: [AGENT_ID], status: ['completed', 'outcome'] },
		]);

		const event = { ...t.sb.fixtures.calls[2], status: 'completed', agent: AGENT_ID };
		expect(await t.sb.deliver(event)).toEqual([{ hookUrl, status: 200, body: RECEIVED }]);
		expect(executions).toEqual([[event]]);

		// Awaz itself filters by the subscription: a pickup is not sent at all.
		expect(await t.sb.deliver({ ...event, status: 'pickup' })).toEqual([]);
		// Should one arrive anyway, the trigger acknowledges it and starts nothing.
		const stray = await t.sb.deliverRaw(hookUrl, JSON.stringify({ ...event, status: 'pickup' }));
		expect(stray).toMatchObject({ status: 200, body: expect.stringContaining('and ignored') });
		expect(await t.sb.deliverRaw(hookUrl, '{"id": ')).toMatchObject({ status: 422 });
		expect(await t.sb.deliverRaw(hookUrl, 'call completed', 'text/plain')).toMatchObject({
			status: 415,
		});
		expect(executions).toHaveLength(1);

		await trigger.deactivate();
		expect(t.sb.state.hooks).toEqual([]);
		expect(await t.sb.deliver(event)).toEqual([]);
		expect(executions).toHaveLength(1);
		expect(
			t.sb.requests.every((request) => request.headers.authorization === `Bearer ${API_KEY}`),
		).toBe(true);
	});
});
