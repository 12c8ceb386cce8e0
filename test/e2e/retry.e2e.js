'use strict';
/**
 * A batch that fails half way, in a real n8n: workflows/call-schedule.json (Webhook → Split Out →
 * Awaz: Call → Schedule) with three calls, the third refused by Awaz. The stored execution's error
 * names the two calls already placed; n8n's own "Retry" of that failed execution (the Executions
 * list's Retry → "Retry with original workflow") is then what a user does next.
 */
const {
	AGENT_ID,
	PHONE_ID,
	activateWebhookWorkflows,
	e2eEnv,
	executionCount,
	newestExecution,
	postWebhook,
} = require('./helpers');

const WORKFLOW = { id: 'awazE2eSchedule1', path: 'awaz-e2e/call-schedule' };
const CALLS = [
	{ name: 'Ana', phone: '+34911222333', datetime: '2030-06-02T09:00:00+02:00' },
	{ name: 'Ben', phone: '+442071234567', datetime: '2030-06-02T10:00:00+01:00' },
	{ name: 'Cyd', phone: '+14155550101', datetime: '2030-06-02T11:00:00-07:00' },
];

let n8n;
let sandbox;
beforeAll(async () => {
	({ n8n, sandbox } = await e2eEnv());
	await activateWebhookWorkflows([WORKFLOW]);
});
afterAll(async () => {
	await n8n?.deactivateWorkflow(WORKFLOW.id);
});
beforeEach(() => sandbox.reset());

/** The POSTs the sandbox received: the contact's name and the status it answered. */
const posted = () =>
	sandbox.requests
		.filter((request) => request.method === 'POST')
		.map((request) => [request.body.name, request.status]);

test("the third call refused: the execution fails naming the two calls placed, and n8n's Retry places only the third", async () => {
	sandbox.inject({
		method: 'POST',
		path: '/v1/calls',
		kind: 'status',
		status: 400,
		after: 2,
		times: 1,
	});
	const before = await executionCount(WORKFLOW.id);
	await postWebhook(WORKFLOW.path, { calls: CALLS });
	const failed = await newestExecution(WORKFLOW.id, before);

	const [ana, ben] = sandbox.state.calls.slice(sandbox.fixtures.calls.length);
	expect(failed.status).toBe('error');
	const error = failed.data.resultData.error;
	expect(error.message).toBe('Awaz refused POST /v1/calls (400): Bad Request');
	expect(error.description).toContain(
		`Already placed before this error, and placed again if the workflow is run again: item 0 → call ${ana.id} (scheduled), item 1 → call ${ben.id} (scheduled).`,
	);
	expect(posted()).toEqual([
		['Ana', 201],
		['Ben', 201],
		['Cyd', 400],
	]);

	// What the editor's Executions list sends for Retry → "Retry with original workflow".
	const count = await executionCount(WORKFLOW.id);
	await n8n.rest('POST', `/executions/${failed.id}/retry`, { loadWorkflow: false });
	const retried = await newestExecution(WORKFLOW.id, count);

	expect(retried.status).toBe('success');
	expect(posted()).toEqual([
		['Ana', 201],
		['Ben', 201],
		['Cyd', 400],
		['Cyd', 201],
	]);
	const output = retried.data.resultData.runData.Awaz.at(-1).data.main[0].map(
		(item) => item.json.id,
	);
	expect(output).toEqual(
		sandbox.state.calls.slice(sandbox.fixtures.calls.length).map((call) => call.id),
	);
	expect(
		sandbox.requests.every(
			(request) => request.body?.agent === AGENT_ID && request.body?.from === PHONE_ID,
		),
	).toBe(true);
});
