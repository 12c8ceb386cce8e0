'use strict';
/**
 * Call → Schedule and Wait for Outcome (operation `scheduleAndWait`) waiting on a worker, stopped
 * from the editor (REST `POST /rest/executions/<id>/stop`, the editor's Stop button).
 *
 * In n8n 2.41.1 whether the stop reaches the worker depends on which process enqueued the
 * execution. The main process stops executions it holds itself by telling the worker through the
 * queue ("abort-job"); for any other execution it publishes a "stop-execution" command that a
 * worker acts on only for executions in its own list of active executions, where executions
 * taken from the queue are not. So:
 * - started through the main process (a production webhook called on main, a trigger or poller
 *   on main, an editor run): the stop reaches the worker, the node's wait ends at once;
 * - started through a webhook process: the execution shows "canceled", but the worker keeps
 *   running it: the node waits on (reading the call every few seconds) until the call ends or
 *   Max Wait runs out. The README's reliability section says so.
 */
const { callBatch, queueEnv, scheduleBatchWorkflow, scheduled } = require('./queue-helpers');

const WORKFLOW = { id: 'awazQueueSchWait', path: 'awaz-queue/schedule-and-wait' };
/** The node re-reads a waiting call every 5 s (POLLING.rereadMs): two intervals and a half. */
const QUIET_MS = 12_500;

let n8n;
let sandbox;
let helpers;

/** The suite's Call → Schedule workflow switched to Schedule and Wait for Outcome, Max Wait 1 minute. */
function scheduleAndWaitWorkflow() {
	const workflow = scheduleBatchWorkflow(WORKFLOW);
	workflow.name = 'Awaz queue e2e: schedule and wait for the outcome';
	const awaz = workflow.nodes.find((node) => node.type === 'n8n-nodes-awaz.awaz');
	awaz.parameters = { ...awaz.parameters, operation: 'scheduleAndWait', maxWait: 1 };
	return workflow;
}

beforeAll(async () => {
	({ n8n, sandbox, helpers } = await queueEnv());
	await n8n.importWorkflow(scheduleAndWaitWorkflow());
	await n8n.activateWorkflow(WORKFLOW.id);
	await n8n.waitForWebhook(WORKFLOW.path);
	sandbox.reset();
	sandbox.setLifecycle(false); // calls stay scheduled: the node waits until stopped (or Max Wait)
});

afterAll(() => sandbox.setLifecycle(true));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts one Schedule and Wait execution by POSTing to `baseUrl`'s production webhook, waits
 * until the node is waiting (the call placed and read back), stops it the way the editor does,
 * and reports what followed.
 */
async function waitThenStop(baseUrl, name) {
	const reads = () =>
		sandbox.requests.filter(
			(r) => r.method === 'GET' && r.path.startsWith('/v1/calls/') && r.status !== 404,
		).length;
	const before = (await n8n.listExecutions(WORKFLOW.id)).length;
	const res = await fetch(`${baseUrl}/webhook/${WORKFLOW.path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ calls: callBatch(name, 1) }),
	});
	expect(res.status).toBe(200);
	const readsBefore = reads();
	await helpers.waitFor(
		'the call to be scheduled and read back',
		() => scheduled(sandbox, name).accepted === 1 && reads() > readsBefore,
		{ timeoutMs: 60_000 },
	);
	const list = await n8n.listExecutions(WORKFLOW.id);
	expect(list).toHaveLength(before + 1);
	const execution = list[0];
	expect(execution.status).toBe('running');
	const worker = await n8n.whoRan(execution.id);
	expect(worker).toMatch(/^worker-\d$/);

	await n8n.rest('POST', `/executions/${execution.id}/stop`);
	const final = await helpers.waitFor('the execution to show as ended', async () => {
		const [newest] = await n8n.listExecutions(WORKFLOW.id);
		return newest.id === execution.id && !['new', 'running', 'waiting'].includes(newest.status)
			? newest
			: undefined;
	});

	// The worker cancels its run when the stop reaches it ("Worker errored while running execution N").
	const { readFile } = require('node:fs/promises');
	const workerLog = n8n.workers.find((w) => w.name === worker).logFile;
	const cancelled = async () =>
		new RegExp(`Worker errored while running execution ${execution.id} \\(`).test(
			await readFile(workerLog, 'utf8'),
		);
	const readsAtStop = reads();
	for (const until = Date.now() + QUIET_MS; Date.now() < until && !(await cancelled()); )
		await sleep(250);
	const readsAtCancel = reads();
	await sleep(QUIET_MS);
	const outcome = {
		status: final.status,
		workerCancelled: await cancelled(),
		readsAfterStop: reads() - readsAtStop,
		readsAfterCancel: reads() - readsAtCancel,
	};
	console.log(
		`schedule and wait started through ${baseUrl === n8n.editorUrl ? 'main' : 'the webhook process'}, on ${worker}, stopped from the editor: ${JSON.stringify(outcome)}`,
	);
	expect(await n8n.whoRan(execution.id, { all: true })).toEqual([worker]);
	expect(scheduled(sandbox, name)).toMatchObject({ accepted: 1, duplicates: 0 });
	return outcome;
}

test('started through the main process: the stop reaches the worker, the wait ends and the node reads the call no more', async () => {
	const outcome = await waitThenStop(n8n.editorUrl, 'wait-main');

	expect(outcome).toEqual({
		status: 'canceled',
		workerCancelled: true,
		readsAfterStop: expect.any(Number),
		readsAfterCancel: 0,
	});
});

test('started through the webhook process (n8n 2.41.1): shown as canceled, but the worker keeps waiting and reading the call', async () => {
	const outcome = await waitThenStop(n8n.url, 'wait-webhook');

	expect(outcome).toMatchObject({ status: 'canceled', workerCancelled: false });
	expect(outcome.readsAfterStop).toBeGreaterThan(0);
});
