'use strict';
/**
 * The Awaz node as an AI Agent tool, in a real n8n. workflows/agent-tool.json: Webhook → AI Agent
 * (v3.1) with an OpenAI Chat Model (credential "Scripted OpenAI", Base URL = the scripted server in
 * scripted-openai.js, Responses API off) and the Awaz tool (`n8n-nodes-awaz.awazTool`, node name
 * "Schedule call") set to Call → Schedule, with Contact Name, Phone Number and Date and Time left
 * to the model through `$fromAI()`, written the way the editor's "Let the model define this
 * parameter" button writes them (key from the field's name, empty description). The tool node keeps
 * the name n8n gives it when it is added from the node panel, "Schedule an AI phone call in Awaz". The
 * scripted model calls the tool on its first turn and, once the tool's result is back, answers
 * quoting the new call's id.
 *
 * On n8n 1.x (AWAZ_N8N_VERSION=1) the same workflows run with the AI Agent at version 3, the newest
 * 1.x has, and the tool set to On Error: Continue (test/e2e/n8n-versions.mjs): 1.x does not hand a
 * tool's error back to the model by itself. The tests say where 1.x differs.
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

const AGENT_WORKFLOW = { id: 'awazE2eAiAgent01', path: 'awaz-e2e/agent' };
const STREAMING_WORKFLOW = { id: 'awazE2eAiAgentSt', path: 'awaz-e2e/agent-streaming' };
const TOOL_NODE = 'Schedule an AI phone call in Awaz';
const TOOL_NAME = 'Schedule_an_AI_phone_call_in_Awaz'; // n8n names the tool after the tool node
const PROMPT = 'Call Jane Doe on +14155550123 on June 1st 2025 at 14:30 Madrid time.';
const ARGS = {
	Contact_Name: 'Jane Doe',
	Phone_Number: '+14155550123',
	Date_and_Time: '2025-06-01T14:30:00+02:00',
};

let n8n;
let sandbox;
let openAi;
let toolThenAnswer;

beforeAll(async () => {
	({ n8n, sandbox, openAi } = await e2eEnv());
	({ toolThenAnswer } = require('./scripted-openai'));
	await activateWebhookWorkflows([AGENT_WORKFLOW, STREAMING_WORKFLOW]);
});
beforeEach(() => {
	sandbox.reset();
	openAi.clearLog();
});

/** The `action` text of Call → Schedule in the built node ("Schedule an AI phone call"). */
function scheduleAction() {
	const { Awaz } = require('../../dist/nodes/Awaz/Awaz.node.js');
	const selector = new Awaz().description.properties.find(
		(property) =>
			property.name === 'operation' && property.displayOptions?.show?.resource?.includes('call'),
	);
	return selector.options.find((option) => option.value === 'schedule').action;
}

/** The model's final answer: quotes the `id` it finds in the tool's result (a JSON array string). */
const quoteCallId = (toolResult) => {
	const match = /"id"\s*:\s*"([0-9a-f]{24})"/.exec(toolResult);
	return match
		? `Done: I scheduled the call, its id is ${match[1]}.`
		: `The tool said: ${toolResult}`;
};

test("n8n lists the Awaz node's tool variant, with its credential", async () => {
	const nodeTypes = await (await n8n.fetchAsOwner('/types/nodes.json')).json();
	const tool = nodeTypes.find((type) => type.name === 'n8n-nodes-awaz.awazTool');

	expect(tool).toBeDefined();
	expect(tool).toMatchObject({
		displayName: 'Awaz Tool',
		outputs: ['ai_tool'],
		credentials: [{ name: 'awazApi', required: true }],
	});
	expect(tool.properties.map((property) => property.name)).toEqual(
		expect.arrayContaining(['descriptionType', 'toolDescription', 'resource', 'operation']),
	);
});

test("the AI Agent calls the Awaz tool: one POST /v1/calls with the model's arguments, and the answer quotes the new call's id", async () => {
	openAi.script = toolThenAnswer({ tool: TOOL_NAME, args: ARGS, answer: quoteCallId });
	const before = await executionCount(AGENT_WORKFLOW.id);

	const response = await postWebhook(AGENT_WORKFLOW.path, { prompt: PROMPT });

	// Awaz got exactly the call the model asked for.
	expect(
		sandbox.requests.map(({ method, path, body, headers }) => ({
			method,
			path,
			body,
			authorization: headers.authorization,
		})),
	).toEqual([
		{
			method: 'POST',
			path: '/v1/calls',
			body: {
				agent: AGENT_ID,
				name: 'Jane Doe',
				phone: '+14155550123',
				from: PHONE_ID,
				datetime: '2025-06-01T14:30:00+02:00',
			},
			authorization: `Bearer ${sandbox.apiKey}`,
		},
	]);
	const created = sandbox.state.calls[sandbox.state.calls.length - 1];
	expect(created).toMatchObject({
		status: 'scheduled',
		contact: { name: 'Jane Doe', phone: '+14155550123' },
	});

	// The agent answered with the id.
	expect(response.status).toBe(200);
	expect(response.json).toEqual({ output: `Done: I scheduled the call, its id is ${created.id}.` });

	// Two turns: the tool call, then the answer after the tool's result.
	const [first, second] = openAi.completions.map((request) => request.body);
	expect(openAi.completions).toHaveLength(2);
	expect(openAi.completions.map((request) => request.headers.authorization)).toEqual([
		'Bearer sk-scripted-e2e',
		'Bearer sk-scripted-e2e',
	]);
	expect(first).toMatchObject({ model: 'scripted-model', stream: false });
	expect(first.messages.at(-1)).toMatchObject({ role: 'user', content: PROMPT });
	const toolMessage = second.messages.find((message) => message.role === 'tool');
	expect(JSON.parse(toolMessage.content)).toEqual([created]);

	// What the model is told about the tool, and all it is told: the name, the Schedule operation's
	// `action` text + " in Awaz" (Tool Description: Set Automatically), and the $fromAI keys as
	// required strings with no description (the editor's button writes an empty one). The node's
	// operation and field descriptions do not reach the model.
	expect(first.tools).toEqual([
		{
			type: 'function',
			function: {
				name: TOOL_NAME,
				description: `${scheduleAction()} in Awaz`,
				parameters: expect.objectContaining({
					type: 'object',
					properties: {
						Contact_Name: { type: 'string' },
						Phone_Number: { type: 'string' },
						Date_and_Time: { type: 'string' },
					},
					required: ['Contact_Name', 'Phone_Number', 'Date_and_Time'],
				}),
				// n8n 2.x's agent sends `strict: false`; 1.x's leaves it out (the same default).
				...(n8n.major !== 1 ? { strict: false } : {}),
			},
		},
	]);

	// A real execution, in which the tool node ran once.
	const execution = await newestExecution(AGENT_WORKFLOW.id, before);
	expect(execution.status).toBe('success');
	expect(execution.data.resultData.runData[TOOL_NODE]).toHaveLength(1);
});

test("a phone number the model made up reaches the model as the node's error, and no call is placed", async () => {
	openAi.script = toolThenAnswer({
		tool: TOOL_NAME,
		args: { ...ARGS, Phone_Number: "Jane's mobile" },
		answer: (result) => `The tool said: ${result}`,
	});

	const before = await executionCount(AGENT_WORKFLOW.id);

	const response = await postWebhook(AGENT_WORKFLOW.path, { prompt: 'Call Jane on her mobile.' });

	expect(sandbox.requests).toEqual([]);
	const toolMessage = openAi.completions
		.at(-1)
		.body.messages.find((message) => message.role === 'tool');
	expect(JSON.parse(toolMessage.content)).toEqual([
		{
			error: expect.stringMatching(
				/^The "Phone Number" field "Jane's mobile" is not a phone number in international E\.164 format.*\[item 0\]$/,
			),
		},
	]);
	expect(response.status).toBe(200);
	expect(response.json.output).toContain('is not a phone number');
	// The failure was the model's to handle, so the execution itself succeeds.
	const execution = await newestExecution(AGENT_WORKFLOW.id, before);
	expect(execution.status).toBe('success');
	const [toolRun] = execution.data.resultData.runData[TOOL_NODE];
	if (n8n.major !== 1) {
		expect(toolRun.inputOverride.ai_tool[0][0].json).toEqual({
			...ARGS,
			Phone_Number: "Jane's mobile",
		});
		// n8n 2.x records the tool's run as failed, with the node's message.
		expect(toolRun.error).toMatchObject({
			name: 'NodeOperationError',
			description: 'Nothing was sent to Awaz for this item.',
		});
	} else {
		// n8n 1.x, with the tool set to On Error: Continue: the run succeeded with the error item. Its
		// recorded input holds the webhook's item as well as the model's arguments.
		expect(toolRun.inputOverride.ai_tool[0][0].json).toMatchObject({
			...ARGS,
			Phone_Number: "Jane's mobile",
		});
		expect(toolRun.error).toBeUndefined();
		expect(toolRun.data.ai_tool[0].map(({ json }) => json)).toEqual([
			{ error: expect.stringContaining('is not a phone number') },
		]);
	}
});

test('with the webhook set to stream, the model is asked with stream: true and the streamed answer quotes the call id', async () => {
	openAi.script = toolThenAnswer({ tool: TOOL_NAME, args: ARGS, answer: quoteCallId });

	const response = await postWebhook(STREAMING_WORKFLOW.path, { prompt: PROMPT });

	expect(sandbox.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
		'POST /v1/calls',
	]);
	const created = sandbox.state.calls[sandbox.state.calls.length - 1];
	expect(openAi.completions.map((request) => request.body.stream)).toEqual([true, true]);
	const streamed = response.text
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line))
		.filter((chunk) => chunk.type === 'item')
		.map((chunk) => chunk.content)
		.join('');
	expect(streamed).toContain(`its id is ${created.id}`);
});

describe('with the tool set to Call → Schedule and Wait for Outcome (workflows/call-scheduleAndWait-agent.json)', () => {
	const WAIT_WORKFLOW = { id: 'awazE2eAgentWait', path: 'awaz-e2e/agent-schedule-and-wait' };
	const WAIT_TOOL_NODE = 'Schedule an AI phone call and wait for its outcome in Awaz';
	const WAIT_TOOL_NAME = 'Schedule_an_AI_phone_call_and_wait_for_its_outcome_in_Awaz';
	let lifecycleBefore;
	beforeAll(async () => {
		lifecycleBefore = sandbox.lifecycle;
		// About 1.5 s a call: over by the node's first read of it.
		sandbox.setLifecycle({ timeScale: 0.05 });
		await activateWebhookWorkflows([WAIT_WORKFLOW]);
	});
	afterAll(async () => {
		await n8n.deactivateWorkflow(WAIT_WORKFLOW.id);
		sandbox.setLifecycle(lifecycleBefore ?? false);
	});

	test('"call this person and tell me what they said": the tool\'s answer is the finished call, and the model quotes its outcome', async () => {
		// The model reads the outcome from the tool's answer (a JSON array with the call object).
		const tellOutcome = (toolResult) => {
			const [call] = JSON.parse(toolResult);
			return `${call.contact.name}: ${call.status}. ${call.extracted_variables.summary}`;
		};
		openAi.script = toolThenAnswer({
			tool: WAIT_TOOL_NAME,
			args: { Contact_Name: 'Jane Doe', Phone_Number: '+14155550106' },
			answer: tellOutcome,
		});
		const before = await executionCount(WAIT_WORKFLOW.id);

		const response = await postWebhook(WAIT_WORKFLOW.path, {
			prompt: 'Call Jane Doe on +14155550106 and tell me what she said.',
		});

		const created = sandbox.state.calls[sandbox.state.calls.length - 1];
		expect(created).toMatchObject({
			status: 'outcome',
			contact: { name: 'Jane Doe', phone: '+14155550106' },
		});
		// One call placed, then only that call read until it had its outcome.
		const log = sandbox.requests.map(({ method, path }) => `${method} ${path}`);
		expect(log[0]).toBe('POST /v1/calls');
		expect(new Set(log.slice(1))).toEqual(new Set([`GET /v1/calls/${created.id}`]));
		// The tool answered with the call as Awaz last showed it.
		const toolMessage = openAi.completions
			.at(-1)
			.body.messages.find((message) => message.role === 'tool');
		expect(JSON.parse(toolMessage.content)).toEqual([created]);
		expect(response.status).toBe(200);
		expect(response.json).toEqual({
			output: 'Jane Doe: outcome. Spoke with Jane Doe: interested, asked to be called back.',
		});
		// The model was offered the operation's action text.
		expect(openAi.completions[0].body.tools.map((tool) => tool.function.description)).toEqual([
			'Schedule an AI phone call and wait for its outcome in Awaz',
		]);
		const execution = await newestExecution(WAIT_WORKFLOW.id, before);
		expect(execution.status).toBe('success');
		expect(execution.data.resultData.runData[WAIT_TOOL_NODE]).toHaveLength(1);
	});
});
