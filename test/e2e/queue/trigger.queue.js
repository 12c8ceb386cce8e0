'use strict';
/**
 * The Awaz Trigger in queue mode. Four n8n processes share one database, but activation runs on
 * the main process only: publishing subscribes at Awaz exactly once. The subscribed URL is the
 * webhook process's, events posted there start executions that run on the workers, and
 * unpublishing unsubscribes.
 */
const { AGENT_ID } = require('../helpers');
const { finishedExecutions, queueEnv, triggerWorkflow } = require('./queue-helpers');

const WORKFLOW_ID = 'awazQueueTrigger';
const WEBHOOK_ID = 'a3a2e2e0-0000-4000-8000-00000000b001';
const FILTER = { agents: [AGENT_ID], status: ['completed', 'voicemail'] };
const EVENTS = 4;

let n8n;
let sandbox;
let helpers;
let hookUrl;

const hookRequests = () =>
	sandbox.requests
		.filter((r) => r.path === '/v1/hooks/calls')
		.map(({ method, query, body }) => ({ method, query, body }));

beforeAll(async () => {
	({ n8n, sandbox, helpers } = await queueEnv());
	sandbox.reset(); // forgets the regular suite's subscription, so events go to this trigger only
	sandbox.setLifecycle(false);
	await n8n.importWorkflow(triggerWorkflow({ id: WORKFLOW_ID, webhookId: WEBHOOK_ID }));
	hookUrl = `${n8n.webhookUrl}/webhook/${WEBHOOK_ID}/webhook`;
});

afterAll(() => sandbox.setLifecycle(true));

test("publishing subscribes the webhook process's URL at Awaz exactly once, not once per process", async () => {
	await n8n.activateWorkflow(WORKFLOW_ID);
	await helpers.waitFor('the subscription at the sandbox', () => sandbox.state.hooks.length === 1);
	await n8n.waitForWebhook(`${WEBHOOK_ID}/webhook`);

	expect(new URL(hookUrl).port).toBe(String(n8n.webhook.port));
	expect(n8n.webhook.port).not.toBe(n8n.main.port);
	expect(sandbox.state.hooks).toEqual([{ hookUrl, ...FILTER }]);
	expect(hookRequests()).toEqual([
		{ method: 'GET', query: {}, body: undefined },
		{ method: 'POST', query: {}, body: { hookUrl, ...FILTER } },
	]);
});

test('events posted to the webhook process start executions that run on the workers', async () => {
	const events = Array.from({ length: EVENTS }, (_, i) => ({
		id: `67000000000000000001100${i}`,
		status: 'completed',
		agent: AGENT_ID,
		contact: { name: `Queue ${i}` },
	}));

	const deliveries = await Promise.all(events.map((event) => sandbox.deliver(event)));

	expect(deliveries.flat()).toEqual(
		events.map(() => ({ hookUrl, status: 200, body: 'Awaz call event received' })),
	);
	const executions = await finishedExecutions(WORKFLOW_ID, EVENTS);
	expect(executions.map((e) => ({ status: e.status, mode: e.mode }))).toEqual(
		events.map(() => ({ status: 'success', mode: 'webhook' })),
	);
	const ranOn = await Promise.all(executions.map((e) => n8n.whoRan(e.id, { all: true })));
	for (const workers of ranOn) expect(workers).toEqual([expect.stringMatching(/^worker-\d$/)]);
	const received = [];
	for (const e of executions)
		received.push(
			...(await n8n.getExecution(e.id)).data.resultData.runData.Received[0].data.main[0].map(
				({ json }) => json.id,
			),
		);
	expect(received.sort()).toEqual(events.map((event) => event.id).sort());
	// By now every process has long been up with the workflow active: still the one subscription.
	expect(hookRequests().map(({ method }) => method)).toEqual(['GET', 'POST']);
});

test('unpublishing unsubscribes once, and the webhook process stops taking events', async () => {
	sandbox.clearLog();

	await n8n.deactivateWorkflow(WORKFLOW_ID);
	await helpers.waitFor('no subscription at the sandbox', () => sandbox.state.hooks.length === 0);
	await n8n.waitForWebhook(`${WEBHOOK_ID}/webhook`, { gone: true });

	expect(hookRequests()).toEqual([{ method: 'DELETE', query: { hookUrl }, body: undefined }]);
	expect(
		(await sandbox.deliverRaw(hookUrl, JSON.stringify({ status: 'completed', agent: AGENT_ID })))
			.status,
	).toBe(404);
});
