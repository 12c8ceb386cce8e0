'use strict';
/**
 * The example workflows in examples/, imported and run in a real n8n the way a user would: the
 * files are created through the editor's REST API (`POST /rest/workflows`) as they are, after the
 * credentials "Awaz account" (pointing at the Awaz sandbox) and "OpenAi account" (pointing at the
 * scripted model) exist; n8n resolves the examples' credential references by those names. At import
 * the test changes only what a user is told to change: the placeholder URLs of the CRM and of the
 * reseller's usage source (pointed at loopback stand-ins, stand-ins.js), and the empty Agent and From
 * Phone fields (set to the sandbox's first agent and phone, as a user picks them from the lists).
 * Then each example runs: manual and schedule triggers through the editor's "Execute workflow"
 * (`POST /rest/workflows/:id/run`), the chat trigger with a chat message as its data, and the Awaz
 * Trigger in production, fed by the sandbox's call lifecycle.
 */
const { randomUUID } = require('node:crypto');
const { readFileSync, readdirSync } = require('node:fs');
const path = require('node:path');
const {
	AGENT_ID,
	COMPANY_EMAIL,
	PHONE_ID,
	e2eEnv,
	executionCount,
	nodeOutput,
} = require('./helpers');
const { startStandIns } = require('./stand-ins');

const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');
const PLACEHOLDER_URLS = ['https://crm.example.com', 'https://billing.example.com'];
const AWAZ_NODE_TYPES = [
	'n8n-nodes-awaz.awaz',
	'n8n-nodes-awaz.awazTool',
	'n8n-nodes-awaz.awazTrigger',
];
/** Calls move through their lifecycle in about 0.3 s instead of 28 s. */
const TIME_SCALE = 0.01;

let n8n;
let sandbox;
let openAi;
let helpers;
let standIn;
let previousLifecycle;
/** Example file name → id of the workflow n8n created from it. */
const imported = {};

const readExample = (file) => JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));

/** What a user changes after importing: placeholder URLs, and the Agent and From Phone pickers. */
function asTheUserSetsItUp(example, webhookNodeTypes) {
	let text = JSON.stringify(example);
	for (const placeholder of PLACEHOLDER_URLS) text = text.split(placeholder).join(standIn.url);
	const workflow = JSON.parse(text);
	for (const node of workflow.nodes) {
		// The editor gives every node that receives webhooks its own webhookId as it adds it to the
		// canvas (n8n 2.x's server would too; 1.x's does not).
		if (webhookNodeTypes.has(node.type) && !node.webhookId) node.webhookId = randomUUID();
		if (!AWAZ_NODE_TYPES.includes(node.type)) continue;
		if (node.parameters.agentId?.value === '') node.parameters.agentId.value = AGENT_ID;
		if (node.parameters.fromPhoneId?.value === '') node.parameters.fromPhoneId.value = PHONE_ID;
	}
	return workflow;
}

/** Runs a stored workflow as the editor's "Execute workflow" button does; returns the finished execution. */
async function executeFromEditor(workflowId, triggerToStartFrom) {
	// n8n 1.x runs the workflowData the editor sends; 2.x reads the stored workflow and ignores it.
	const workflowData = await n8n.rest('GET', `/workflows/${workflowId}`);
	const started = await n8n.rest('POST', `/workflows/${workflowId}/run`, {
		workflowData,
		triggerToStartFrom,
	});
	expect(started).toHaveProperty('executionId');
	return helpers.waitFor(
		`execution ${started.executionId} of ${workflowId} to finish`,
		async () => {
			const execution = await n8n.getExecution(started.executionId);
			// n8n 1.x may report an execution that resumed from a wait as finished a moment before
			// its run data is stored ("Found successful execution where data is empty"): wait for it.
			if (!execution.data?.resultData) return undefined;
			return ['new', 'running', 'waiting'].includes(execution.status) ? undefined : execution;
		},
		{ timeoutMs: 60_000, intervalMs: 200 },
	);
}

/** The node's error messages in an execution, for a readable failure. */
const errorsOf = (execution) =>
	Object.entries(execution.data.resultData.runData)
		.flatMap(([name, runs]) =>
			runs.filter((run) => run.error).map((run) => `${name}: ${run.error.message}`),
		)
		.concat(
			execution.data.resultData.error
				? [`workflow: ${execution.data.resultData.error.message}`]
				: [],
		);

const expectSuccess = (execution) =>
	expect({ status: execution.status, errors: errorsOf(execution) }).toEqual({
		status: 'success',
		errors: [],
	});

/** Places a call directly at the sandbox (as someone using the Awaz app would). */
async function placeCall(name, phone) {
	const res = await fetch(`${sandbox.url}/v1/calls`, {
		method: 'POST',
		headers: { authorization: `Bearer ${sandbox.apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify({ agent: AGENT_ID, from: PHONE_ID, name, phone }),
	});
	expect(res.status).toBe(201);
	return res.json();
}

beforeAll(async () => {
	({ n8n, sandbox, openAi, helpers } = await e2eEnv());
	standIn = await startStandIns();
	previousLifecycle = sandbox.lifecycle;
	sandbox.setLifecycle({ timeScale: TIME_SCALE });
	// The credentials a user creates, named as the examples expect them.
	await n8n.rest('POST', '/credentials', {
		name: 'Awaz account',
		type: 'awazApi',
		data: { apiKey: sandbox.apiKey, baseUrl: sandbox.url },
	});
	await n8n.rest('POST', '/credentials', {
		name: 'OpenAi account',
		type: 'openAiApi',
		data: { apiKey: 'sk-scripted-e2e', url: openAi.url },
	});
	// Saved into the owner's project, as the editor saves an imported workflow: with the project's id,
	// n8n resolves the credential references by name (n8n 1.x does so only when given the id).
	const { id: projectId } = await n8n.rest('GET', '/projects/personal');
	const nodeTypes = await (await n8n.fetchAsOwner('/types/nodes.json')).json();
	const webhookNodeTypes = new Set(
		nodeTypes.filter((type) => type.webhooks?.length).map((type) => type.name),
	);
	for (const file of readdirSync(EXAMPLES_DIR).filter((name) => name.endsWith('.json'))) {
		// n8n 1.x's create endpoint requires `active`, which its editor always sends.
		const workflow = {
			...asTheUserSetsItUp(readExample(file), webhookNodeTypes),
			projectId,
			...(n8n.major === 1 ? { active: false } : {}),
		};
		const created = await n8n.rest('POST', '/workflows', workflow);
		imported[file] = created.id;
	}
});

afterAll(async () => {
	sandbox?.setLifecycle(previousLifecycle ?? false);
	await standIn?.close();
});

beforeEach(() => {
	sandbox.clearLog();
	standIn.clearLog();
	openAi.clearLog();
});

test('every example imports, with its credentials resolved by name and only node types and versions this n8n has', async () => {
	const nodeTypes = await (await n8n.fetchAsOwner('/types/nodes.json')).json();
	const known = new Set(
		nodeTypes.flatMap(({ name, version }) => [version].flat().map((v) => `${name}@${v}`)),
	);
	const credentials = await n8n.rest('GET', '/credentials');
	const idByName = Object.fromEntries(credentials.map(({ name, id }) => [name, id]));

	expect(Object.keys(imported).sort()).toEqual([
		'ai-agent-calls-and-reports-back.json',
		'call-leads-and-collect-outcomes.json',
		'send-interested-leads-to-crm.json',
		'top-up-low-workspaces.json',
	]);
	for (const [file, id] of Object.entries(imported)) {
		const stored = await n8n.rest('GET', `/workflows/${id}`);
		for (const node of stored.nodes) {
			expect(
				`${file}: ${node.type}@${node.typeVersion} ${known.has(`${node.type}@${node.typeVersion}`)}`,
			).toBe(`${file}: ${node.type}@${node.typeVersion} true`);
			for (const reference of Object.values(node.credentials ?? {})) {
				expect({ file, node: node.name, reference }).toEqual({
					file,
					node: node.name,
					reference: { id: idByName[reference.name], name: reference.name },
				});
			}
		}
	}
});

test('1. call a list of leads: every lead is called, waited for, and gets a row in the results', async () => {
	const file = 'call-leads-and-collect-outcomes.json';
	const leads = JSON.parse(
		readExample(file).nodes.find((node) => node.name === 'Leads').parameters.jsonOutput,
	).leads;

	const execution = await executeFromEditor(imported[file], {
		name: 'When clicking ‘Execute workflow’',
	});

	expectSuccess(execution);
	const created = sandbox.requests.filter(
		(request) => request.method === 'POST' && request.path === '/v1/calls',
	);
	expect(created.map((request) => request.body)).toEqual(
		leads.map(({ name, phone }) => ({
			agent: AGENT_ID,
			name,
			phone,
			from: PHONE_ID,
			datetime: expect.any(String),
		})),
	);
	const rows = nodeOutput(execution, 'Results').map(({ json }) => json);
	const callIds = sandbox.state.calls.slice(-leads.length).map((call) => call.id);
	// By the sandbox's lifecycle: last digit 4 answers interested, 5 answers not interested,
	// 1 reaches voicemail, 0 is busy.
	expect(rows).toEqual([
		{
			Name: 'Ada Lovelace',
			Phone: '+14155550104',
			Status: 'outcome',
			Interested: 'true',
			Summary: expect.stringContaining('interested'),
			'Call ID': callIds[0],
		},
		{
			Name: 'Alan Turing',
			Phone: '+14155550105',
			Status: 'outcome',
			Interested: 'false',
			Summary: expect.stringContaining('not interested'),
			'Call ID': callIds[1],
		},
		{
			Name: 'Grace Hopper',
			Phone: '+14155550101',
			Status: 'voicemail',
			Interested: '',
			Summary: '',
			'Call ID': callIds[2],
		},
		{
			Name: 'Edsger Dijkstra',
			Phone: '+14155550100',
			Status: 'busy',
			Interested: '',
			Summary: '',
			'Call ID': callIds[3],
		},
	]);
});

test('2. send interested leads to the CRM: the outcome of an interested call becomes one lead in the CRM, the other none', async () => {
	const id = imported['send-interested-leads-to-crm.json'];
	await n8n.activateWorkflow(id);
	try {
		await helpers.waitFor("the trigger's subscription at the sandbox", () =>
			sandbox.state.hooks.find(
				(hook) =>
					hook.status.length === 1 &&
					hook.status[0] === 'outcome' &&
					hook.hookUrl.startsWith(n8n.url),
			),
		);
		// n8n may serve the webhook a moment after the trigger has subscribed it.
		const trigger = (await n8n.rest('GET', `/workflows/${id}`)).nodes.find(
			(node) => node.name === 'Awaz Trigger',
		);
		await n8n.waitForWebhook(`${trigger.webhookId}/webhook`);
		const before = await executionCount(id);

		const interested = await placeCall('Ada Lovelace', '+14155550104');
		const notInterested = await placeCall('Alan Turing', '+14155550105');

		const executionIds = await helpers.waitFor(
			'two finished executions of the CRM example',
			async () => {
				const fresh = (await n8n.listExecutions(id)).slice(0, -before || undefined);
				return fresh.length >= 2 &&
					fresh.every(({ status }) => !['new', 'running', 'waiting'].includes(status))
					? fresh.map((execution) => execution.id)
					: undefined;
			},
		);
		const executions = await Promise.all(
			executionIds.map((executionId) => n8n.getExecution(executionId)),
		);
		for (const execution of executions) expectSuccess(execution);
		const triggered = executions
			.flatMap((execution) => nodeOutput(execution, 'Awaz Trigger').map(({ json }) => json.id))
			.sort();
		expect(triggered).toEqual([interested.id, notInterested.id].sort());

		expect(
			standIn.requests.map(({ method, path: requestPath, body }) => ({
				method,
				path: requestPath,
				body,
			})),
		).toEqual([
			{
				method: 'POST',
				path: '/api/leads',
				body: {
					name: 'Ada Lovelace',
					phone: '+14155550104',
					email: '',
					source: 'Awaz call',
					awaz_call_id: interested.id,
					call_summary: expect.stringContaining('Ada Lovelace'),
				},
			},
		]);
	} finally {
		await n8n.deactivateWorkflow(id);
	}
});

test('3. the AI agent calls the person with the Awaz tool, waits for the outcome and reports it', async () => {
	const { toolThenAnswer } = require('./scripted-openai');
	openAi.script = toolThenAnswer({
		tool: 'Call_and_wait_for_outcome',
		args: { Contact_Name: 'Ada Lovelace', Phone_Number: '+14155550104' },
		answer: (toolResult) => {
			const [call] = JSON.parse(toolResult);
			return `Ada answered. Status: ${call.status}. ${call.extracted_variables?.summary}`;
		},
	});
	const chatMessage = {
		sessionId: 'examples-e2e',
		action: 'sendMessage',
		chatInput: 'Call Ada Lovelace on +14155550104 and ask whether she wants a demo.',
	};

	const execution = await executeFromEditor(imported['ai-agent-calls-and-reports-back.json'], {
		name: 'When chat message received',
		data: {
			startTime: Date.now(),
			executionTime: 0,
			executionIndex: 0,
			source: [],
			data: { main: [[{ json: chatMessage }]] },
		},
	});

	expectSuccess(execution);
	const created = sandbox.requests.filter(
		(request) => request.method === 'POST' && request.path === '/v1/calls',
	);
	expect(created.map((request) => request.body)).toEqual([
		{
			agent: AGENT_ID,
			name: 'Ada Lovelace',
			phone: '+14155550104',
			from: PHONE_ID,
			datetime: expect.any(String),
		},
	]);
	expect(openAi.completions[0].body.messages.at(-1)).toMatchObject({
		role: 'user',
		content: chatMessage.chatInput,
	});
	const [answer] = nodeOutput(execution, 'AI Agent');
	expect(answer.json.output).toBe(
		'Ada answered. Status: outcome. Spoke with Ada Lovelace: interested.',
	);
});

test('4. top up low workspaces: only the workspace below the threshold gets 100 credits', async () => {
	standIn.balances = [
		{ email: COMPANY_EMAIL, credits: 8 },
		{ email: 'well-funded@example.com', credits: 250 },
	];
	const creditsBefore = sandbox.state.companies[COMPANY_EMAIL].credits;

	const execution = await executeFromEditor(imported['top-up-low-workspaces.json'], {
		name: 'Every hour',
	});

	expectSuccess(execution);
	expect(
		standIn.requests.map(({ method, path: requestPath }) => `${method} ${requestPath}`),
	).toEqual(['GET /awaz/workspaces']);
	expect(
		sandbox.requests.map(({ method, path: requestPath, body }) => ({
			method,
			path: requestPath,
			body,
		})),
	).toEqual([
		{
			method: 'POST',
			path: '/v1/companies/add/credits',
			body: { company: { email: COMPANY_EMAIL }, credits: 100 },
		},
	]);
	expect(sandbox.state.companies[COMPANY_EMAIL].credits).toBe(creditsBefore + 100);
});
