'use strict';
/**
 * The Awaz Trigger in production mode, in a real n8n: workflows/trigger.json (Awaz Trigger for
 * statuses completed + voicemail and one agent → No Operation) is published and unpublished
 * through n8n's REST API, and the sandbox plays Awaz: it keeps the subscription n8n makes and
 * POSTs call events to it.
 */
const {
	AGENT_ID,
	activateWebhookWorkflows,
	e2eEnv,
	executionCount,
	newestExecution,
	nodeOutput,
	postWebhook,
} = require('./helpers');
const { PHONE_ID, SECOND_AGENT_ID, UNKNOWN_CALL_ID, seededCallId } = require('../../kit/fixtures');

const WORKFLOW_ID = 'awazE2eTrigger01';
const WEBHOOK_ID = 'a3a2e2e0-0000-4000-8000-00000000a001'; // the trigger node's webhookId in the JSON
const FILTER = { agents: [AGENT_ID], status: ['completed', 'voicemail'] };
const RECEIVED = 'Awaz call event received';

let n8n;
let sandbox;
let helpers;
/** n8n's production URL for the trigger: N8N_WEBHOOK_URL + webhook/<webhookId>/<path>. */
let hookUrl;

/** A call event as Awaz might send it (the payload is undocumented): nested, with non-ASCII text. */
const event = (overrides = {}) => ({
	id: seededCallId(4),
	status: 'completed',
	agent: AGENT_ID,
	from: PHONE_ID,
	contact: { name: 'Zoë Ñúñez', phone: '+34911222333', email: null },
	datetime: '2024-12-20T09:00:00.000Z',
	duration: 73.5,
	extracted_variables: {
		interested: true,
		callback: null,
		notes: ['asked for pricing', 'wants a demo'],
	},
	...overrides,
});

beforeAll(async () => {
	({ n8n, sandbox, helpers } = await e2eEnv());
	hookUrl = `${n8n.url}/webhook/${WEBHOOK_ID}/webhook`;
	sandbox.reset();
});

const requestLog = () =>
	sandbox.requests.map(({ method, path, query, body, headers }) => ({
		method,
		path,
		query,
		body,
		authorization: headers.authorization,
	}));
const bearer = () => `Bearer ${sandbox.apiKey}`;

/**
 * That nothing started since the workflow had `before` executions: Awaz then delivers a matching
 * event, and the next execution must be that one's, and the only new one.
 */
async function expectNothingStartedSince(before) {
	const marker = event({ id: seededCallId(5), status: 'voicemail' });
	await sandbox.deliver(marker);
	const execution = await newestExecution(WORKFLOW_ID, before);
	expect(nodeOutput(execution, 'Awaz Trigger').map(({ json }) => json)).toEqual([marker]);
	expect(await executionCount(WORKFLOW_ID)).toBe(before + 1);
}

/** Waits (bounded) until the sandbox holds exactly `count` subscriptions. */
const subscriptionsSettle = (count) =>
	helpers.waitFor(
		`${count} subscription(s) at the sandbox (has ${sandbox.state.hooks.length})`,
		() =>
			sandbox.state.hooks.length === count &&
			sandbox.requests.every((request) => request.status !== null),
	);

test("publishing subscribes n8n's production webhook URL at Awaz, once, with the chosen statuses and agent", async () => {
	await n8n.activateWorkflow(WORKFLOW_ID);
	await subscriptionsSettle(1);
	await n8n.waitForWebhook(`${WEBHOOK_ID}/webhook`);

	expect(sandbox.state.hooks).toEqual([{ hookUrl, ...FILTER }]);
	// checkExists read the list, found nothing, and create subscribed.
	expect(requestLog()).toEqual([
		{ method: 'GET', path: '/v1/hooks/calls', query: {}, body: undefined, authorization: bearer() },
		{
			method: 'POST',
			path: '/v1/hooks/calls',
			query: {},
			body: { hookUrl, ...FILTER },
			authorization: bearer(),
		},
	]);
});

test('an event Awaz delivers starts one execution whose trigger item is the event, unchanged', async () => {
	const delivered = event();
	const before = await executionCount(WORKFLOW_ID);

	const deliveries = await sandbox.deliver(delivered);

	expect(deliveries).toEqual([{ hookUrl, status: 200, body: RECEIVED }]);
	const execution = await newestExecution(WORKFLOW_ID, before);
	expect({ status: execution.status, mode: execution.mode }).toEqual({
		status: 'success',
		mode: 'webhook',
	});
	expect(nodeOutput(execution, 'Awaz Trigger').map(({ json }) => json)).toEqual([delivered]);
	expect(nodeOutput(execution, 'Received').map(({ json }) => json)).toEqual([delivered]);
	expect(await executionCount(WORKFLOW_ID)).toBe(before + 1);
});

test('an event with another status or another agent starts nothing', async () => {
	const before = await executionCount(WORKFLOW_ID);

	// Awaz itself sends only what was subscribed: nothing goes out for a status not asked for.
	expect(await sandbox.deliver(event({ status: 'pickup' }))).toEqual([]);
	// Posted to the URL anyway (say, by a subscription made elsewhere), the trigger turns them away.
	const otherStatus = await sandbox.deliverRaw(
		hookUrl,
		JSON.stringify(event({ status: 'pickup' })),
	);
	const otherAgent = await sandbox.deliverRaw(
		hookUrl,
		JSON.stringify(event({ agent: SECOND_AGENT_ID })),
	);
	expect(otherStatus).toMatchObject({
		status: 200,
		body: `${RECEIVED} and ignored: its status is not one this trigger listens for`,
	});
	expect(otherAgent).toMatchObject({
		status: 200,
		body: `${RECEIVED} and ignored: its agent is not one this trigger listens for`,
	});

	await expectNothingStartedSince(before);
});

test('unpublishing deletes the subscription at Awaz, and n8n stops answering on the URL', async () => {
	sandbox.clearLog();

	await n8n.deactivateWorkflow(WORKFLOW_ID);
	await subscriptionsSettle(0);

	expect(requestLog()).toEqual([
		{
			method: 'DELETE',
			path: '/v1/hooks/calls',
			query: { hookUrl },
			body: undefined,
			authorization: bearer(),
		},
	]);
	await n8n.waitForWebhook(`${WEBHOOK_ID}/webhook`, { gone: true });
	const late = await sandbox.deliverRaw(hookUrl, JSON.stringify(event()));
	expect(late.status).toBe(404);
});

test('publishing again subscribes again: still exactly one subscription, and events arrive', async () => {
	sandbox.clearLog();

	await n8n.activateWorkflow(WORKFLOW_ID);
	await subscriptionsSettle(1);

	expect(sandbox.state.hooks).toEqual([{ hookUrl, ...FILTER }]);
	expect(requestLog().map(({ method, path }) => `${method} ${path}`)).toEqual([
		'GET /v1/hooks/calls',
		'POST /v1/hooks/calls',
	]);
	// The webhook may be served a moment after the subscription is made.
	const before = await executionCount(WORKFLOW_ID);
	await n8n.waitForWebhook(`${WEBHOOK_ID}/webhook`);
	expect(await sandbox.deliver(event())).toEqual([{ hookUrl, status: 200, body: RECEIVED }]);
	await newestExecution(WORKFLOW_ID, before);
});

test('a call placed in this run reaches the trigger as the events Awaz sends while it goes on (no hand-made delivery)', async () => {
	// Call → Schedule and Wait for Outcome places three calls (…04 answered, …00 busy, …01
	// voicemail) and waits for them; the sandbox moves each through its lifecycle and sends every
	// change to the subscriptions that ask for it, as Awaz does.
	const scheduleAndWait = { id: 'awazE2eSchedWait', path: 'awaz-e2e/call-schedule-and-wait' };
	const lifecycleBefore = sandbox.lifecycle;
	sandbox.setLifecycle({ timeScale: 0.05 });
	await activateWebhookWorkflows([scheduleAndWait]);
	try {
		const before = await executionCount(WORKFLOW_ID);
		const placed = sandbox.state.calls.length;

		const { status } = await postWebhook(scheduleAndWait.path, {});

		expect(status).toBe(200);
		const calls = sandbox.state.calls.slice(placed);
		expect(calls.map((call) => call.status)).toEqual(['outcome', 'busy', 'voicemail']);
		// Awaz sent this trigger only the statuses it subscribed to: Grace's voicemail, Ada's completed.
		const changes = sandbox.transitions.filter((step) => calls.some((call) => call.id === step.id));
		await Promise.all(changes.map((step) => step.delivered));
		const sent = changes.filter((step) =>
			step.deliveries.some((delivery) => delivery.hookUrl === hookUrl && delivery.status === 200),
		);
		expect(sent.map((step) => [step.id, step.status])).toEqual([
			[calls[2].id, 'voicemail'],
			[calls[0].id, 'completed'],
		]);
		const executions = await helpers.waitFor('two trigger executions', async () => {
			const list = await n8n.listExecutions(WORKFLOW_ID);
			return list.length >= before + 2 &&
				list.slice(0, 2).every((entry) => entry.status === 'success')
				? list.slice(0, 2)
				: undefined;
		});
		const events = await Promise.all(
			executions.map(
				async ({ id }) => nodeOutput(await n8n.getExecution(id), 'Awaz Trigger')[0].json,
			),
		);
		expect(events.map((event) => [event.id, event.status]).sort()).toEqual(
			sent.map((step) => [step.id, step.status]).sort(),
		);
		expect(await executionCount(WORKFLOW_ID)).toBe(before + 2);
	} finally {
		await n8n.deactivateWorkflow(scheduleAndWait.id);
		sandbox.setLifecycle(lifecycleBefore ?? false);
	}
});

describe('what the trigger answers: fixed plain text, never what was posted', () => {
	const MARKUP = '<img src=x onerror=alert(1)>';
	/** POSTs to the production URL as anyone who knows it could, and reads the answer. */
	const post = async (body, contentType = 'application/json') => {
		const res = await fetch(hookUrl, {
			method: 'POST',
			headers: contentType === null ? {} : { 'content-type': contentType },
			body,
			signal: AbortSignal.timeout(30_000),
		});
		return {
			status: res.status,
			contentType: res.headers.get('content-type'),
			text: await res.text(),
		};
	};
	const expectPlain = (answer) => {
		expect(answer.contentType).toMatch(/^text\/plain\b/);
		expect(answer.text).not.toContain(MARKUP);
		expect(answer.text).not.toMatch(/[<>]/);
	};

	test('markup posted as the status or the agent comes back as fixed plain text, not HTML, and starts nothing', async () => {
		const before = await executionCount(WORKFLOW_ID);

		const asStatus = await post(JSON.stringify(event({ status: MARKUP })));
		const asAgent = await post(JSON.stringify(event({ agent: MARKUP })));

		expectPlain(asStatus);
		expectPlain(asAgent);
		expect([asStatus, asAgent].map(({ status, text }) => [status, text])).toEqual([
			[200, `${RECEIVED} and ignored: its status is not one this trigger listens for`],
			[200, `${RECEIVED} and ignored: its agent is not one this trigger listens for`],
		]);
		await expectNothingStartedSince(before);
	});

	test("n8n's own answer to an event that starts the workflow is plain text too", async () => {
		const before = await executionCount(WORKFLOW_ID);

		const answer = await post(JSON.stringify(event({ contact: { name: MARKUP } })));

		expectPlain(answer);
		expect([answer.status, answer.text]).toEqual([200, RECEIVED]);
		await newestExecution(WORKFLOW_ID, before);
	});

	test('a form, text/plain or no content type is refused with 415 and fixed text, and starts nothing', async () => {
		const before = await executionCount(WORKFLOW_ID);

		const answers = [
			await post(`status=${encodeURIComponent(MARKUP)}`, 'application/x-www-form-urlencoded'),
			await post(JSON.stringify(event({ status: MARKUP })), 'text/plain'),
			await post(JSON.stringify(event()), null),
		];

		for (const answer of answers) {
			expectPlain(answer);
			expect([answer.status, answer.text]).toEqual([
				415,
				'Not an Awaz call event: Awaz sends call events as JSON, with the Content-Type application/json.',
			]);
		}
		await expectNothingStartedSince(before);
	});

	test('more than 100 events in one delivery are refused with 413, an event without an id with 400; neither starts anything', async () => {
		const before = await executionCount(WORKFLOW_ID);
		const events = (count) =>
			Array.from({ length: count }, (_, i) =>
				event({ id: `67000000000000000002${String(i).padStart(4, '0')}` }),
			);

		const tooMany = await post(JSON.stringify(events(101)));
		const noId = await post(JSON.stringify([event(), { status: 'completed', agent: AGENT_ID }]));
		const empty = await post('{}');

		for (const answer of [tooMany, noId, empty]) expectPlain(answer);
		expect([tooMany.status, tooMany.text]).toEqual([
			413,
			'Too many call events in one delivery: at most 100 are taken. Nothing was started.',
		]);
		for (const answer of [noId, empty]) {
			expect([answer.status, answer.text]).toEqual([
				400,
				'Not an Awaz call event: every event needs an "id" (a non-empty string or number). Nothing was started.',
			]);
		}
		await expectNothingStartedSince(before);
	});
});

describe('Verify With Awaz (workflows/trigger-verify.json: the same trigger with Options → Verify With Awaz)', () => {
	const VERIFYING = {
		id: 'awazE2eTrigVrfy1',
		path: 'a3a2e2e0-0000-4000-8000-00000000a002/webhook',
	};
	let verifyUrl;

	beforeAll(async () => {
		verifyUrl = `${n8n.url}/webhook/${VERIFYING.path}`;
		await activateWebhookWorkflows([VERIFYING]);
		await helpers.waitFor('the verifying trigger subscribed', () =>
			sandbox.state.hooks.some((hook) => hook.hookUrl === verifyUrl),
		);
	});
	afterAll(async () => {
		await n8n.deactivateWorkflow(VERIFYING.id);
	});

	test('a forged event for an id Awaz does not know starts nothing: 200, fixed text, one GET and three re-reads', async () => {
		const before = await executionCount(VERIFYING.id);
		const forged = event({ id: UNKNOWN_CALL_ID });
		sandbox.clearLog();

		const answer = await sandbox.deliverRaw(verifyUrl, JSON.stringify(forged));

		expect(answer).toMatchObject({
			status: 200,
			body: `${RECEIVED} and ignored: Awaz shows no call with this ID, agent and status (Verify With Awaz)`,
		});
		expect(
			sandbox.requests.map(({ method, path, status, headers }) => [
				method,
				path,
				status,
				headers.authorization,
			]),
		).toEqual(Array.from({ length: 4 }, () => ['GET', `/v1/calls/${forged.id}`, 404, bearer()]));
		expect(await executionCount(VERIFYING.id)).toBe(before);
	});

	test("a real call's event starts one execution whose item is the call as Awaz shows it, with the event's status", async () => {
		const before = await executionCount(VERIFYING.id);
		const call = structuredClone(sandbox.state.calls[0]); // by AGENT_ID, at "outcome"
		expect([call.agent, call.status]).toEqual([AGENT_ID, 'outcome']);
		sandbox.clearLog();

		const answer = await fetch(verifyUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(event({ id: call.id, contact: { name: 'made up' } })),
		});

		expect([answer.status, await answer.text()]).toEqual([200, RECEIVED]);
		expect(answer.headers.get('content-type')).toMatch(/^text\/plain\b/);
		const execution = await newestExecution(VERIFYING.id, before);
		expect(nodeOutput(execution, 'Awaz Trigger').map(({ json }) => json)).toEqual([
			{ ...call, status: 'completed' },
		]);
		expect(await executionCount(VERIFYING.id)).toBe(before + 1);
		expect(requestLog()).toEqual([
			{
				method: 'GET',
				path: `/v1/calls/${call.id}`,
				query: {},
				body: undefined,
				authorization: bearer(),
			},
		]);
	});
});
