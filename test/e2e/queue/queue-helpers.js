'use strict';
// What the queue-mode test files share: the running stack (main, workers, webhook process), copies
// of the suite's workflows under ids of their own, batches of calls, and the sandbox's view of them.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { e2eEnv } = require('../helpers');

const WORKFLOW_DIR = path.join(__dirname, '..', 'workflows');

/** The environment, asserting it is the queue stack (run with `npm run test:e2e:queue`). */
async function queueEnv() {
	const env = await e2eEnv();
	if (env.n8n.mode !== 'queue')
		throw new Error('these tests need the queue stack: run `npm run test:e2e:queue`');
	return env;
}

/**
 * Call → Schedule for every element of `body.calls`, answering the webhook at once ("onReceived"):
 * the suite's call-schedule.json under another id and path.
 */
function scheduleBatchWorkflow({ id, path: webhookPath }) {
	const workflow = JSON.parse(readFileSync(path.join(WORKFLOW_DIR, 'call-schedule.json'), 'utf8'));
	workflow.id = id;
	workflow.name = `Awaz queue e2e: schedule a batch (${id})`;
	const webhook = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.webhook');
	webhook.parameters = {
		...webhook.parameters,
		path: webhookPath,
		responseMode: 'onReceived',
		responseData: 'noData',
	};
	webhook.webhookId = `${id}-hook`;
	return workflow;
}

/** The suite's trigger.json (Awaz Trigger → No Operation) under another id and webhook id. */
function triggerWorkflow({ id, webhookId }) {
	const workflow = JSON.parse(readFileSync(path.join(WORKFLOW_DIR, 'trigger.json'), 'utf8'));
	workflow.id = id;
	workflow.name = `Awaz queue e2e: trigger (${id})`;
	workflow.nodes.find((node) => node.type === 'n8n-nodes-awaz.awazTrigger').webhookId = webhookId;
	return workflow;
}

/** `count` calls to schedule, each told apart by its contact name `<prefix>-<i>`. */
function callBatch(prefix, count) {
	return Array.from({ length: count }, (_, i) => ({
		name: `${prefix}-${i}`,
		phone: `+1415555${String(1000 + i).padStart(4, '0')}`,
		datetime: '2025-06-02T09:00:00+02:00',
	}));
}

/**
 * What the sandbox did with POST /v1/calls for contact names that start with `prefix`: calls
 * created per name, 429s, and the times (epoch ms) of the accepted requests.
 */
function scheduled(sandbox, prefix) {
	const posts = sandbox.requests.filter(
		(r) =>
			r.method === 'POST' &&
			r.path === '/v1/calls' &&
			String(r.body?.name ?? '').startsWith(prefix),
	);
	const accepted = posts.filter((r) => r.status >= 200 && r.status < 300);
	const perName = new Map();
	for (const r of accepted) perName.set(r.body.name, (perName.get(r.body.name) ?? 0) + 1);
	return {
		accepted: accepted.length,
		names: perName.size,
		duplicates: [...perName.values()].reduce((sum, n) => sum + n - 1, 0),
		tooMany: posts.filter((r) => r.status === 429).length,
		inFlight: posts.filter((r) => r.status === null).length,
		times: accepted.map((r) => r.time).sort((a, b) => a - b),
	};
}

/**
 * The window-aligned floor for `n` requests at `limit` per `windowMs` (see bench/README.md): the
 * last request cannot arrive before window w0 + ceil(n/limit) - 1 starts.
 */
function windowFloorMs(firstAt, n, limit, windowMs) {
	const w0 = Math.floor(firstAt / windowMs);
	return Math.max(0, (w0 + Math.ceil(n / limit) - 1) * windowMs - firstAt);
}

/** Executions of `workflowId` that reached a final status, waiting until there are `count`. */
async function finishedExecutions(workflowId, count, { timeoutMs = 120_000 } = {}) {
	const { n8n, helpers } = await queueEnv();
	return helpers.waitFor(
		`${count} finished execution(s) of ${workflowId}`,
		async () => {
			const list = await n8n.listExecutions(workflowId);
			const done = list.filter((e) => !['new', 'running', 'waiting'].includes(e.status));
			return done.length >= count ? done : undefined;
		},
		{ timeoutMs, intervalMs: 250 },
	);
}

module.exports = {
	queueEnv,
	scheduleBatchWorkflow,
	triggerWorkflow,
	callBatch,
	scheduled,
	windowFloorMs,
	finishedExecutions,
};
