'use strict';
// What the e2e test files share: calling a workflow's production webhook, reading the execution
// n8n stored for it; the fixture ids and the assertion on what reached the Awaz sandbox come from
// the kit (kit/fixtures, kit/expect.js).
const { getE2eEnv } = require('./load-env');
const { AGENT_ID, PHONE_ID, COMPANY_EMAIL, COMPANY_ID } = require('../../kit/fixtures');
const { expectRequests } = require('../../kit/expect');

/** The running environment (n8n, sandbox, scripted OpenAI server, credential) plus n8n-env's helpers. */
let envPromise;
function e2eEnv() {
	envPromise ??= getE2eEnv();
	return envPromise;
}

/**
 * Activates the workflows and waits until n8n serves each one's production webhook (activation
 * registers webhooks in the background, after the REST call has answered).
 * @param {Array<{ id: string, path: string }>} workflows
 */
async function activateWebhookWorkflows(workflows) {
	const { n8n } = await e2eEnv();
	await Promise.all(workflows.map(({ id }) => n8n.activateWorkflow(id)));
	await Promise.all(
		workflows.map(async ({ id, path }) => {
			try {
				await n8n.waitForWebhook(path, { timeoutMs: 30_000 });
			} catch (error) {
				error.message += `\nn8n's activation error for ${id}: ${JSON.stringify(await n8n.activationError(id))}`;
				throw error;
			}
		}),
	);
}

/**
 * POSTs `body` as JSON to the production webhook `path` (bounded) and returns the answer:
 * `json` is the parsed body when it is JSON.
 */
async function postWebhook(path, body, { timeoutMs = 60_000 } = {}) {
	const { n8n } = await e2eEnv();
	const res = await fetch(`${n8n.url}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body ?? {}),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

/**
 * Waits until the workflow has more than `previousCount` executions and the newest has finished,
 * then returns it with its run data (read through n8n's REST API, as the editor's Executions tab).
 */
async function newestExecution(workflowId, previousCount, { timeoutMs = 30_000 } = {}) {
	const { n8n, helpers } = await e2eEnv();
	const summary = await helpers.waitFor(
		`a finished execution of ${workflowId} (after ${previousCount})`,
		async () => {
			const list = await n8n.listExecutions(workflowId);
			const newest = list[0];
			return list.length > previousCount &&
				newest &&
				!['new', 'running', 'waiting'].includes(newest.status)
				? newest
				: undefined;
		},
		{ timeoutMs, intervalMs: 100 },
	);
	return n8n.getExecution(summary.id);
}

async function executionCount(workflowId) {
	const { n8n } = await e2eEnv();
	return (await n8n.listExecutions(workflowId)).length;
}

/**
 * Runs a webhook workflow once, the way a caller would: clears the sandbox's log, POSTs, and
 * returns the HTTP answer together with the execution n8n stored.
 */
async function runWebhookWorkflow({ id, path }, body) {
	const { sandbox } = await e2eEnv();
	const before = await executionCount(id);
	sandbox.clearLog();
	const response = await postWebhook(path, body);
	const execution = await newestExecution(id, before);
	return { response, execution };
}

/** A node's output items (`{ json, pairedItem }`) in an execution's first run of that node. */
function nodeOutput(execution, nodeName) {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs)
		throw new Error(
			`${nodeName} did not run; nodes that ran: ${Object.keys(execution.data.resultData.runData).join(', ')}`,
		);
	return (runs[0].data?.main?.[0] ?? []).map(({ json, pairedItem }) => ({ json, pairedItem }));
}

module.exports = {
	AGENT_ID,
	PHONE_ID,
	COMPANY_EMAIL,
	COMPANY_ID,
	e2eEnv,
	activateWebhookWorkflows,
	postWebhook,
	newestExecution,
	executionCount,
	runWebhookWorkflow,
	nodeOutput,
	expectRequests,
};
