'use strict';
/**
 * The rate limit across processes: four executions of 50 Call → Schedule items each, two on each
 * worker at the same time, one API key, the sandbox at 20 requests per 2 s. The workers share
 * nothing but what the server says (rate-limit headers and 429s). Every call is placed once.
 * How close the span comes to the window-aligned floor is printed here and measured by
 * `node bench/queue.mjs` (a ratio, not a test).
 */
const {
	callBatch,
	finishedExecutions,
	queueEnv,
	scheduleBatchWorkflow,
	scheduled,
	windowFloorMs,
} = require('./queue-helpers');

const WORKFLOW = { id: 'awazQueueRateLim', path: 'awaz-queue/rate-limit' };
const EXECUTIONS = 4;
const ITEMS = 50;
const LIMIT = 20;
const WINDOW_MS = 2000;
const PREFIX = 'rl';

let n8n;
let sandbox;

beforeAll(async () => {
	({ n8n, sandbox } = await queueEnv());
	await n8n.importWorkflow(scheduleBatchWorkflow(WORKFLOW));
	await n8n.activateWorkflow(WORKFLOW.id);
	await n8n.waitForWebhook(WORKFLOW.path);
	sandbox.reset();
	sandbox.setLifecycle(false); // the calls stay scheduled: no events, no other requests
	sandbox.setRateLimit({ limit: LIMIT, windowMs: WINDOW_MS });
});

afterAll(() => {
	sandbox.setRateLimit({ limit: 100_000 });
	sandbox.setLifecycle(true);
});

test(`4 × ${ITEMS} calls on one key from two workers at once: ${EXECUTIONS * ITEMS}/${EXECUTIONS * ITEMS} placed, none twice, no item failed`, async () => {
	const answers = await Promise.all(
		Array.from({ length: EXECUTIONS }, (_, e) =>
			fetch(`${n8n.url}/webhook/${WORKFLOW.path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ calls: callBatch(`${PREFIX}${e}`, ITEMS) }),
			}).then((res) => res.status),
		),
	);
	expect(answers).toEqual([200, 200, 200, 200]);

	const executions = await finishedExecutions(WORKFLOW.id, EXECUTIONS, { timeoutMs: 150_000 });

	// Where they ran: two on each worker (each takes two at a time), and all four at once.
	const ranOn = await Promise.all(executions.map((e) => n8n.whoRan(e.id, { all: true })));
	expect(ranOn.map((workers) => workers.length)).toEqual([1, 1, 1, 1]);
	const perWorker = {};
	for (const [worker] of ranOn) perWorker[worker] = (perWorker[worker] ?? 0) + 1;
	expect(perWorker).toEqual({ 'worker-1': 2, 'worker-2': 2 });
	const details = await Promise.all(executions.map((e) => n8n.getExecution(e.id)));
	const lastStart = Math.max(...details.map((d) => Date.parse(d.startedAt)));
	const firstStop = Math.min(...details.map((d) => Date.parse(d.stoppedAt)));
	expect(lastStart).toBeLessThan(firstStop);

	// Every item: one call placed, one output item without an error.
	expect(details.map((d) => d.status)).toEqual(['success', 'success', 'success', 'success']);
	for (const d of details) {
		const items = d.data.resultData.runData.Awaz[0].data.main[0];
		expect(items).toHaveLength(ITEMS);
		expect(items.filter(({ json }) => json.error !== undefined)).toEqual([]);
	}
	const result = scheduled(sandbox, PREFIX);
	expect({
		accepted: result.accepted,
		names: result.names,
		duplicates: result.duplicates,
		inFlight: result.inFlight,
	}).toEqual({
		accepted: EXECUTIONS * ITEMS,
		names: EXECUTIONS * ITEMS,
		duplicates: 0,
		inFlight: 0,
	});

	const span = result.times.at(-1) - result.times[0];
	const floor = windowFloorMs(result.times[0], EXECUTIONS * ITEMS, LIMIT, WINDOW_MS);
	console.log(
		`queue rate limit: ${result.accepted}/${EXECUTIONS * ITEMS} placed, ${result.duplicates} duplicates, ${result.tooMany} × 429, ` +
			`span ${(span / 1000).toFixed(2)} s / floor ${(floor / 1000).toFixed(2)} s = ${(span / floor).toFixed(3)} ×, per worker ${JSON.stringify(perWorker)}`,
	);
});
