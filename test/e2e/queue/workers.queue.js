'use strict';
/**
 * Runs after the regular suite's files (sequencer.js), which passed on this stack with the same
 * assertions as in regular mode. Here: every execution they made through a webhook, a trigger or
 * an AI Agent ran on a worker, exactly one, and neither the main nor the webhook process ran any.
 * (`n8n execute`, which the smoke test uses, always runs in its own CLI process: n8n says
 * "CLI command `execute` does not support queue mode".)
 */
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');
const { queueEnv } = require('./queue-helpers');

/** The Awaz operations (resource.operation) and the trigger used by each of the suite's workflows, by id. */
const SUITE_OPERATIONS = new Map(
	readdirSync(path.join(__dirname, '..', 'workflows'))
		.filter((file) => file.endsWith('.json'))
		.map((file) => JSON.parse(readFileSync(path.join(__dirname, '..', 'workflows', file), 'utf8')))
		.map((workflow) => [
			workflow.id,
			workflow.nodes
				.filter((node) => node.type.startsWith('n8n-nodes-awaz.'))
				.map((node) =>
					node.type.endsWith('Trigger')
						? 'trigger'
						: `${node.parameters.resource}.${node.parameters.operation}`,
				),
		]),
);
/** Every operation in the README's table, and the trigger. */
const DOCUMENTED = [
	'agent.getAll',
	'call.get',
	'call.getAll',
	'call.schedule',
	'call.scheduleAndWait',
	'call.waitForOutcome',
	'subscription.create',
	'subscription.delete',
	'subscription.getAll',
	'contact.create',
	'contactList.getAll',
	'phone.getAll',
	'workspace.addCredits',
	'workspace.addMinutes',
	'trigger',
];

let n8n;

beforeAll(async () => {
	({ n8n } = await queueEnv());
});

/** Every execution n8n stored, newest first (the REST API pages by `lastId`). */
async function allExecutions() {
	const all = [];
	for (let lastId; ; ) {
		const query = new URLSearchParams({
			filter: '{}',
			limit: '100',
			...(lastId ? { lastId } : {}),
		});
		const { results } = await n8n.rest('GET', `/executions?${query}`);
		all.push(...results);
		if (results.length < 100) return all;
		lastId = results.at(-1).id;
	}
}

test('every execution of the suite ran on exactly one worker, every operation among them', async () => {
	const executions = (await allExecutions()).filter((e) => e.mode !== 'cli');
	const ranOn = await Promise.all(
		executions.map(async (e) => ({
			id: e.id,
			workflowId: e.workflowId,
			mode: e.mode,
			workers: await n8n.whoRan(e.id, { all: true }),
		})),
	);

	expect(ranOn.filter(({ workers }) => workers.length !== 1)).toEqual([]);
	// Both workers took part.
	expect(new Set(ranOn.map(({ workers }) => workers[0]))).toEqual(
		new Set(['worker-1', 'worker-2']),
	);
	// Among them, executions of every documented operation and of the trigger.
	const ranWorkflows = new Set(ranOn.map(({ workflowId }) => workflowId));
	const ranOperations = new Set([...ranWorkflows].flatMap((id) => SUITE_OPERATIONS.get(id) ?? []));
	expect(DOCUMENTED.filter((operation) => !ranOperations.has(operation))).toEqual([]);
	console.log(
		`queue: ${ranOn.length} executions of ${ranWorkflows.size} workflows (operations: ${[...ranOperations].sort().join(', ')}), worker-1 ${ranOn.filter((r) => r.workers[0] === 'worker-1').length}, worker-2 ${ranOn.filter((r) => r.workers[0] === 'worker-2').length}`,
	);
});

test('neither the main process nor the webhook process ran an execution', async () => {
	const { readFile } = require('node:fs/promises');
	for (const proc of [n8n.main, n8n.webhook]) {
		const log = await readFile(proc.logFile, 'utf8');
		expect(log).not.toMatch(/Worker started execution/);
	}
	// The main process logged the workers' reports of finished executions, by worker id.
	expect(await readFile(n8n.main.logFile, 'utf8')).toMatch(/Execution \d+ \(job \d+\) finished/);
});
