'use strict';
/**
 * Call → Schedule and Wait for Outcome in a real n8n: workflows/call-scheduleAndWait.json (Webhook →
 * Leads, a Set node with three leads → One item per lead → Awaz: Schedule and Wait for Outcome →
 * Results, a Set node) runs as a production webhook execution while the sandbox moves each call
 * through its lifecycle by the last digit of its number: Ada (…04) is answered and ends with an
 * outcome, Alan (…00) is busy, Grace (…01) reaches voicemail. One execution, three results.
 */
const {
	AGENT_ID,
	PHONE_ID,
	activateWebhookWorkflows,
	e2eEnv,
	nodeOutput,
	runWebhookWorkflow,
} = require('./helpers');

const WORKFLOW = { id: 'awazE2eSchedWait', path: 'awaz-e2e/call-schedule-and-wait' };
const WAIT_FOR_OUTCOME = { id: 'awazE2eWaitOutc1', path: 'awaz-e2e/call-wait-for-outcome' };
const LEADS = [
	{ name: 'Ada Lovelace', phone: '+14155550104' },
	{ name: 'Alan Turing', phone: '+14155550100' },
	{ name: 'Grace Hopper', phone: '+14155550101' },
];
/** A call takes about 1.5 s: each is over by the node's first read of it, 5 s after it was placed. */
const TIME_SCALE = 0.05;

let n8n;
let sandbox;
let lifecycleBefore;
beforeAll(async () => {
	({ n8n, sandbox } = await e2eEnv());
	lifecycleBefore = sandbox.lifecycle;
	sandbox.setLifecycle({ timeScale: TIME_SCALE });
	await activateWebhookWorkflows([WORKFLOW, WAIT_FOR_OUTCOME]);
});
afterAll(async () => {
	await n8n?.deactivateWorkflow(WORKFLOW.id);
	await n8n?.deactivateWorkflow(WAIT_FOR_OUTCOME.id);
	sandbox?.setLifecycle(lifecycleBefore ?? false);
});
beforeEach(() => sandbox.reset());

test('three leads → Schedule and Wait → one row per lead with its outcome, in one execution', async () => {
	const { response, execution } = await runWebhookWorkflow(WORKFLOW, {});

	const calls = sandbox.state.calls.slice(sandbox.fixtures.calls.length);
	expect(calls.map((call) => [call.contact.name, call.status])).toEqual([
		['Ada Lovelace', 'outcome'],
		['Alan Turing', 'busy'],
		['Grace Hopper', 'voicemail'],
	]);
	// What the webhook answered: the Results rows.
	expect(response.status).toBe(200);
	expect(response.json).toEqual([
		{
			Name: 'Ada Lovelace',
			Status: 'outcome',
			Interested: 'true',
			Summary: 'Spoke with Ada Lovelace: interested.',
			'Call ID': calls[0].id,
		},
		{ Name: 'Alan Turing', Status: 'busy', Interested: '', Summary: '', 'Call ID': calls[1].id },
		{
			Name: 'Grace Hopper',
			Status: 'voicemail',
			Interested: '',
			Summary: '',
			'Call ID': calls[2].id,
		},
	]);
	expect(execution.status).toBe('success');
	// The node's own output: each call as Awaz last showed it, paired with its lead.
	expect(nodeOutput(execution, 'Awaz')).toEqual(
		calls.map((call, item) => ({ json: call, pairedItem: { item } })),
	);

	// All three calls were placed first, once each; then only those calls were read.
	const log = sandbox.requests.map(({ method, path, body }) => ({ method, path, body }));
	expect(log.slice(0, 3)).toEqual(
		LEADS.map((lead) => ({
			method: 'POST',
			path: '/v1/calls',
			body: {
				agent: AGENT_ID,
				from: PHONE_ID,
				name: lead.name,
				phone: lead.phone,
				datetime: expect.any(String),
			},
		})),
	);
	const reads = log.slice(3);
	expect(reads.length).toBeGreaterThanOrEqual(3);
	expect(new Set(reads.map(({ method, path }) => `${method} ${path}`))).toEqual(
		new Set(calls.map((call) => `GET /v1/calls/${call.id}`)),
	);
	// Every result left Awaz after the call's last change.
	for (const call of calls) {
		const lastChange = Math.max(
			...sandbox.transitions.filter((step) => step.id === call.id).map((step) => step.time),
		);
		const lastRead = sandbox.requests
			.filter((request) => request.path === `/v1/calls/${call.id}`)
			.at(-1);
		expect(lastRead.time).toBeGreaterThanOrEqual(lastChange);
	}
});

test('Call → Wait for Outcome: calls placed elsewhere, each waited for until its own Wait For status', async () => {
	const { credential } = await e2eEnv();
	// Two calls placed outside n8n a moment ago (as another app would): Ada is answered, Alan busy.
	const placed = [];
	for (const lead of LEADS.slice(0, 2)) {
		const res = await fetch(`${sandbox.url}/v1/calls`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${credential.data.apiKey}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify({ agent: AGENT_ID, from: PHONE_ID, ...lead }),
		});
		placed.push(await res.json());
	}
	sandbox.clearLog();

	const { response, execution } = await runWebhookWorkflow(WAIT_FOR_OUTCOME, {
		calls: [
			// Completed is passed by a call at its outcome: whichever the read sees ends the wait.
			{ id: placed[0].id, waitFor: ['completed'] },
			{ id: placed[1].id, waitFor: ['busy', 'voicemail'] },
		],
	});

	const calls = placed.map(({ id }) => sandbox.state.calls.find((call) => call.id === id));
	expect(response.status).toBe(200);
	expect(execution.status).toBe('success');
	expect(nodeOutput(execution, 'Awaz')).toEqual([
		{ json: expect.objectContaining({ id: calls[0].id }), pairedItem: { item: 0 } },
		{ json: calls[1], pairedItem: { item: 1 } },
	]);
	const [first, second] = nodeOutput(execution, 'Awaz').map((item) => item.json.status);
	expect(['completed', 'outcome']).toContain(first);
	expect(second).toBe('busy');
	// Only reads of those two calls, nothing placed.
	expect(new Set(sandbox.requests.map(({ method, path }) => `${method} ${path}`))).toEqual(
		new Set(calls.map((call) => `GET /v1/calls/${call.id}`)),
	);
});
