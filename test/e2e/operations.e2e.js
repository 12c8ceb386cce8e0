'use strict';
/**
 * Every operation of the Awaz node, run by a real n8n: one workflow per operation in
 * test/e2e/workflows (imported with `n8n import:workflow` before n8n started), each a Webhook
 * (Respond: When Last Node Finishes, All Entries) in front of the Awaz node. The tests publish
 * them through n8n's REST API and call their production webhooks; every call is a real webhook
 * execution, which the tests also read back through the executions API. What each test checks is
 * what the in-process tests check: the requests that reached Awaz (method, path, query, body,
 * Bearer key) and the node's output items.
 */
const {
	AGENT_ID,
	COMPANY_EMAIL,
	COMPANY_ID,
	PHONE_ID,
	activateWebhookWorkflows,
	e2eEnv,
	expectRequests,
	nodeOutput,
	runWebhookWorkflow,
} = require('./helpers');

/** Ids and webhook paths as in the JSON files. */
const WORKFLOWS = {
	agentGetAll: { id: 'awazE2eAgentList', path: 'awaz-e2e/agent-get-many' },
	phoneGetAll: { id: 'awazE2ePhoneList', path: 'awaz-e2e/phone-get-many' },
	contactListGetAll: { id: 'awazE2eCListList', path: 'awaz-e2e/contact-list-get-many' },
	subscriptionGetAll: { id: 'awazE2eSubscList', path: 'awaz-e2e/subscription-get-many' },
	callGetAll: { id: 'awazE2eCallsList', path: 'awaz-e2e/call-get-many' },
	callGet: { id: 'awazE2eCallGet01', path: 'awaz-e2e/call-get' },
	callSchedule: { id: 'awazE2eSchedule1', path: 'awaz-e2e/call-schedule' },
	contactCreate: { id: 'awazE2eContactCr', path: 'awaz-e2e/contact-create' },
	contactCreateContinueOnFail: {
		id: 'awazE2eContactCF',
		path: 'awaz-e2e/contact-create-continue-on-fail',
	},
	subscriptionCreate: { id: 'awazE2eSubscCrea', path: 'awaz-e2e/subscription-create' },
	subscriptionDelete: { id: 'awazE2eSubscDele', path: 'awaz-e2e/subscription-delete' },
	workspaceAddCredits: { id: 'awazE2eAddCredit', path: 'awaz-e2e/workspace-add-credits' },
	workspaceAddMinutes: { id: 'awazE2eAddMinute', path: 'awaz-e2e/workspace-add-minutes' },
};

const ADD_CREDITS_PATH = '/v1/companies/add/credits';

let sandbox;
beforeAll(async () => {
	({ sandbox } = await e2eEnv());
	await activateWebhookWorkflows(Object.values(WORKFLOWS));
});
beforeEach(() => sandbox.reset());

/**
 * One webhook execution of `workflow`: it succeeded, the webhook answered 200 with the Awaz
 * node's output (All Entries), and the stored execution's Awaz output is the same items, each
 * paired with the input item given in `expected` ([json, inputItem]).
 */
async function expectSuccessfulRun(workflow, body, expected) {
	const { response, execution } = await runWebhookWorkflow(workflow, body);
	expect({ status: response.status, body: response.json ?? response.text }).toEqual({
		status: 200,
		body: expected.map(([json]) => json),
	});
	expect({ status: execution.status, mode: execution.mode, finished: execution.finished }).toEqual({
		status: 'success',
		mode: 'webhook',
		finished: true,
	});
	expect(nodeOutput(execution, 'Awaz')).toEqual(
		expected.map(([json, item]) => ({ json, pairedItem: { item } })),
	);
	return execution;
}

describe('Get Many operations', () => {
	test('Agent → Get Many (Return All): GET /v1/agents, one item per agent', async () => {
		await expectSuccessfulRun(
			WORKFLOWS.agentGetAll,
			{},
			sandbox.fixtures.agents.map((agent) => [agent, 0]),
		);
		expectRequests(sandbox, [{ method: 'GET', path: '/v1/agents' }]);
	});

	test('Phone → Get Many (Limit 1): GET /v1/phones, only the first phone', async () => {
		await expectSuccessfulRun(WORKFLOWS.phoneGetAll, {}, [[sandbox.fixtures.phones[0], 0]]);
		expectRequests(sandbox, [{ method: 'GET', path: '/v1/phones' }]);
	});

	test('Contact List → Get Many (Return All): GET /v1/contact_lists', async () => {
		await expectSuccessfulRun(
			WORKFLOWS.contactListGetAll,
			{},
			sandbox.fixtures.contactLists.map((list) => [list, 0]),
		);
		expectRequests(sandbox, [{ method: 'GET', path: '/v1/contact_lists' }]);
	});

	test('Call Event Subscription → Get Many (Return All): GET /v1/hooks/calls', async () => {
		const hooks = [
			{ hookUrl: 'https://example.com/a', agents: [], status: ['pickup'] },
			{ hookUrl: 'https://example.com/b', agents: [AGENT_ID], status: ['outcome', 'failed'] },
		];
		sandbox.state.hooks.push(...structuredClone(hooks));

		await expectSuccessfulRun(
			WORKFLOWS.subscriptionGetAll,
			{},
			hooks.map((hook) => [hook, 0]),
		);
		expectRequests(sandbox, [{ method: 'GET', path: '/v1/hooks/calls' }]);
	});

	test('Call → Get Many (Limit 25): pages 0 and 1 of GET /v1/calls, the 25 newest calls', async () => {
		await expectSuccessfulRun(
			WORKFLOWS.callGetAll,
			{},
			sandbox.fixtures.calls.slice(0, 25).map((call) => [call, 0]),
		);
		expectRequests(sandbox, [
			{ method: 'GET', path: '/v1/calls', query: { page: '0' } },
			{ method: 'GET', path: '/v1/calls', query: { page: '1' } },
		]);
	});
});

describe('single-item operations', () => {
	test('Call → Get: GET /v1/calls/{id} for the id the webhook was given', async () => {
		const call = sandbox.fixtures.calls[2];

		await expectSuccessfulRun(WORKFLOWS.callGet, { callId: call.id }, [[call, 0]]);
		expectRequests(sandbox, [{ method: 'GET', path: `/v1/calls/${call.id}` }]);
	});

	test('Call → Schedule: one POST /v1/calls per element of the batch, each output paired with its item', async () => {
		const calls = [
			{ name: 'Ana', phone: '+34911222333', datetime: '2025-06-02T09:00:00+02:00' },
			{ name: 'Ben', phone: '+44 20 7123 4567', datetime: '2025-06-02T10:00:00+01:00' },
		];
		const sent = calls.map((call) => ({
			agent: AGENT_ID,
			name: call.name,
			phone: call.phone.replace(/ /g, ''),
			from: PHONE_ID,
			datetime: call.datetime,
		}));

		// The sandbox appends what it schedules to its seeded 57 calls.
		const created = (index) => sandbox.state.calls[57 + index];
		const { response, execution } = await runWebhookWorkflow(WORKFLOWS.callSchedule, { calls });

		expect(response.status).toBe(200);
		expect(sandbox.state.calls).toHaveLength(59);
		expect(created(0)).toMatchObject({
			agent: AGENT_ID,
			from: PHONE_ID,
			status: 'scheduled',
			datetime: '2025-06-02T07:00:00.000Z',
			contact: { name: 'Ana', phone: '+34911222333' },
		});
		expect(response.json).toEqual([created(0), created(1)]);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Awaz')).toEqual([
			{ json: created(0), pairedItem: { item: 0 } },
			{ json: created(1), pairedItem: { item: 1 } },
		]);
		expectRequests(
			sandbox,
			sent.map((body) => ({ method: 'POST', path: '/v1/calls', body })),
		);
	});

	test('Contact → Create: POST /v1/contacts with name, phone and the email from Additional Fields', async () => {
		const contact = { name: 'Jane Doe', phone: '+14155550123', email: 'jane@example.com' };

		await expectSuccessfulRun(WORKFLOWS.contactCreate, contact, [
			[{ id: expect.any(String), ...contact }, 0],
		]);
		expectRequests(sandbox, [{ method: 'POST', path: '/v1/contacts', body: contact }]);
		expect(sandbox.state.contacts).toEqual([{ id: expect.any(String), ...contact }]);
	});

	test('Call Event Subscription → Create: POST /v1/hooks/calls with the URL, statuses and agents', async () => {
		const body = {
			hookUrl: 'https://example.com/awaz-events',
			agents: [AGENT_ID],
			status: ['pickup', 'completed'],
		};

		await expectSuccessfulRun(WORKFLOWS.subscriptionCreate, { hookUrl: body.hookUrl }, [[body, 0]]);
		expectRequests(sandbox, [{ method: 'POST', path: '/v1/hooks/calls', body }]);
		expect(sandbox.state.hooks).toEqual([body]);
	});

	test('Call Event Subscription → Delete: DELETE /v1/hooks/calls with the URL in the query', async () => {
		// A URL with a query string of its own: it must arrive intact.
		const hookUrl = 'https://example.com/hook?token=a+b%2Fc&x=1';
		sandbox.state.hooks.push({ hookUrl, agents: [], status: ['pickup'] });

		await expectSuccessfulRun(WORKFLOWS.subscriptionDelete, { hookUrl }, [
			[{ message: 'Subscription deleted', hookUrl }, 0],
		]);
		expectRequests(sandbox, [{ method: 'DELETE', path: '/v1/hooks/calls', query: { hookUrl } }]);
		expect(sandbox.state.hooks).toEqual([]);
	});

	test('Workspace → Add Credits: POST /v1/companies/add/credits with the company email and credits', async () => {
		await expectSuccessfulRun(
			WORKFLOWS.workspaceAddCredits,
			{ companyEmail: COMPANY_EMAIL, credits: 10 },
			[[{ company: { email: COMPANY_EMAIL, id: COMPANY_ID }, credits: 110 }, 0]],
		);
		expectRequests(sandbox, [
			{
				method: 'POST',
				path: ADD_CREDITS_PATH,
				body: { company: { email: COMPANY_EMAIL }, credits: 10 },
			},
		]);
	});

	test('Workspace → Add Minutes: the same path, with minutes instead of credits', async () => {
		await expectSuccessfulRun(
			WORKFLOWS.workspaceAddMinutes,
			{ companyEmail: COMPANY_EMAIL, minutes: 15 },
			[[{ company: { email: COMPANY_EMAIL, id: COMPANY_ID }, minutes: 75 }, 0]],
		);
		expectRequests(sandbox, [
			{
				method: 'POST',
				path: ADD_CREDITS_PATH,
				body: { company: { email: COMPANY_EMAIL }, minutes: 15 },
			},
		]);
		expect(sandbox.state.companies[COMPANY_EMAIL]).toMatchObject({ credits: 100, minutes: 75 });
	});
});

describe('bad input and Continue On Fail', () => {
	test('a bad phone number in the third item fails the execution, naming the field and the item; nothing is sent', async () => {
		const calls = [
			{ name: 'Ana', phone: '+34911222333', datetime: '2025-06-02T09:00:00+02:00' },
			{ name: 'Ben', phone: '+442071234567', datetime: '' },
			{ name: 'Chloé', phone: '555-12', datetime: '' },
		];

		const { response, execution } = await runWebhookWorkflow(WORKFLOWS.callSchedule, { calls });

		// n8n's answer for a failed "last node" webhook execution.
		expect({ status: response.status, body: response.json }).toEqual({
			status: 500,
			body: { message: 'Error in workflow' },
		});
		expect(execution.status).toBe('error');
		const { error, lastNodeExecuted, runData } = execution.data.resultData;
		expect(lastNodeExecuted).toBe('Awaz');
		expect(error).toMatchObject({
			name: 'NodeOperationError',
			message: expect.stringMatching(
				/^The "Phone Number" field "555-12" is not a phone number in international E\.164 format.*\[item 2\]$/,
			),
			description: 'Nothing was sent to Awaz for this item.',
			context: { itemIndex: 2 },
			node: expect.objectContaining({ name: 'Awaz' }),
		});
		expect(runData.Awaz[0].error.message).toBe(error.message);
		expect(sandbox.requests).toEqual([]);
		expect(sandbox.state.calls).toHaveLength(57);
	});

	test('On Error: Continue turns the bad item into an error item, sends the others, and the execution succeeds', async () => {
		const contacts = [
			{ name: 'Ana', phone: '+34911222333' },
			{ name: 'Ben', phone: 'not a number' },
			{ name: 'Chloé', phone: '+33142685300' },
		];

		const { response, execution } = await runWebhookWorkflow(
			WORKFLOWS.contactCreateContinueOnFail,
			{ contacts },
		);

		const saved = sandbox.state.contacts;
		expect(saved.map((contact) => contact.name)).toEqual(['Ana', 'Chloé']);
		const expected = [
			{ json: saved[0], pairedItem: { item: 0 } },
			{
				json: {
					error: expect.stringContaining(
						'The "Phone Number" field "not a number" is not a phone number',
					),
				},
				pairedItem: { item: 1 },
			},
			{ json: saved[1], pairedItem: { item: 2 } },
		];
		expect(response.status).toBe(200);
		expect(response.json).toEqual(expected.map(({ json }) => json));
		expect(response.json[1].error).toMatch(/\[item 1\]$/);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Awaz')).toEqual(expected);
		expectRequests(sandbox, [
			{ method: 'POST', path: '/v1/contacts', body: contacts[0] },
			{ method: 'POST', path: '/v1/contacts', body: contacts[2] },
		]);
	});
});
