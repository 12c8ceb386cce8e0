'use strict';
/**
 * A worker killed (SIGKILL) in the middle of a 50-call batch, and what n8n 2.x does next.
 *
 * n8n 2.x creates its Bull queue with `maxStalledCount: 0` (fixed; 1.x read it from
 * QUEUE_WORKER_MAX_STALLED_COUNT, default 1). When the dead worker's lock on the job expires, the
 * other worker finds the job stalled and fails it instead of running it again, and the process
 * that enqueued the execution stores it as failed: "This execution failed to be processed too many
 * times and will no longer retry …". So no call is placed twice; the calls placed before the
 * kill stay placed and the rest are not placed. Retrying that execution, or running the workflow
 * again with the same items, would place the first ones again: the README's reliability section
 * says so. (The stack runs with FAST_RECOVERY_ENV, a shorter job lock, so that the stalled job
 * comes to light within seconds; the outcome does not depend on it.)
 */
const { callBatch, queueEnv, scheduleBatchWorkflow, scheduled } = require('./queue-helpers');

const WORKFLOW = { id: 'awazQueueKillWkr', path: 'awaz-queue/worker-kill' };
const ITEMS = 50;
const PREFIX = 'kill';

let n8n;
let sandbox;
let helpers;

beforeAll(async () => {
	({ n8n, sandbox, helpers } = await queueEnv());
	await n8n.importWorkflow(scheduleBatchWorkflow(WORKFLOW));
	await n8n.activateWorkflow(WORKFLOW.id);
	await n8n.waitForWebhook(WORKFLOW.path);
	sandbox.reset();
	sandbox.setLifecycle(false);
	// 20 calls per 2 s: the batch takes about five seconds, so there is a middle to kill it in.
	sandbox.setRateLimit({ limit: 20, windowMs: 2000 });
});

afterAll(() => {
	sandbox.setRateLimit({ limit: 100_000 });
	sandbox.setLifecycle(true);
});

test('SIGKILL mid-batch: n8n fails the stalled job instead of running it again; the execution fails; no call is placed twice', async () => {
	const res = await fetch(`${n8n.url}/webhook/${WORKFLOW.path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ calls: callBatch(PREFIX, ITEMS) }),
	});
	expect(res.status).toBe(200);

	// Mid-batch: past the first window's 20 calls, well before the 50th.
	await helpers.waitFor('21 calls placed', () => scheduled(sandbox, PREFIX).accepted >= 21, {
		timeoutMs: 60_000,
		intervalMs: 20,
	});
	const [execution] = await n8n.listExecutions(WORKFLOW.id);
	const victimName = await n8n.whoRan(execution.id);
	const victim = n8n.workers.find((w) => w.name === victimName);
	const survivor = n8n.workers.find((w) => w !== victim);
	await victim.kill('SIGKILL');
	const killedAt = Date.now();
	const placedAtKill = scheduled(sandbox, PREFIX).accepted;
	expect(placedAtKill).toBeLessThan(ITEMS);

	// The dead worker's lock on the job runs out; the other worker's stalled-job check finds it and,
	// with n8n's maxStalledCount of 0, fails it rather than running it again. The process that
	// enqueued the execution (here the webhook process) then stores it as failed.
	const final = await helpers.waitFor(
		'the execution to end',
		async () => {
			const [newest] = await n8n.listExecutions(WORKFLOW.id);
			return ['new', 'running', 'waiting'].includes(newest.status) ? undefined : newest;
		},
		{ timeoutMs: 120_000, intervalMs: 250 },
	);
	const endedAfterMs = Date.now() - killedAt;
	const stored = await n8n.getExecution(execution.id);

	const after = scheduled(sandbox, PREFIX);
	const rerun = (await survivor.startedExecutions()).includes(String(execution.id));
	const error = stored.data.resultData.error;
	const storedAwazItems = stored.data.resultData.runData.Awaz?.[0]?.data?.main?.[0]?.length ?? 0;
	console.log(
		`worker kill: ${victimName} SIGKILLed with ${placedAtKill}/${ITEMS} calls placed; execution ${execution.id} ended ` +
			`"${final.status}" ${(endedAfterMs / 1000).toFixed(1)} s later (${error?.message}); run again on ${survivor.name}: ${rerun}; Awaz items in the stored execution: ${storedAwazItems}; ` +
			`calls placed in all ${after.accepted}, placed twice ${after.duplicates}`,
	);
	expect(final.status).toBe('error');
	expect(error.message).toMatch(
		/^This execution failed to be processed too many times and will no longer retry/,
	);
	// The other worker never started it: n8n did not hand the stalled job on.
	expect(await n8n.whoRan(execution.id, { all: true })).toEqual([victimName]);
	// What was placed stays placed, nothing more was placed, nothing twice.
	expect({
		accepted: after.accepted,
		duplicates: after.duplicates,
		inFlight: after.inFlight,
	}).toEqual({
		accepted: placedAtKill,
		duplicates: 0,
		inFlight: 0,
	});

	// The surviving worker still takes work.
	sandbox.setRateLimit({ limit: 100_000 });
	await fetch(`${n8n.url}/webhook/${WORKFLOW.path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ calls: callBatch('after-kill', 2) }),
	});
	const next = await helpers.waitFor('the next execution', async () => {
		const [newest] = await n8n.listExecutions(WORKFLOW.id);
		return newest.id !== execution.id && newest.status === 'success' ? newest : undefined;
	});
	expect(await n8n.whoRan(next.id)).toBe(survivor.name);
});
