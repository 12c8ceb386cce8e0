/**
 * What a user sees when Awaz fails: a message that says what went wrong in words, the item it
 * happened on, and never the API key.
 */
import type { IDataObject } from 'n8n-workflow';

import type { RunResult } from '../../kit/runner';
import { awazNode, environment, runNode } from '../../kit/runner';
import {
	API_KEY,
	expectNoKeyIn,
	expectOutput,
	locator,
	makeObjectId,
	useSandbox,
	scheduleNode,
} from './helpers';

const t = useSandbox();

const listPhones = () => awazNode({ resource: 'phone', operation: 'getAll', returnAll: true });
const getCall = (id: string) =>
	awazNode({ resource: 'call', operation: 'get', callId: locator(id, 'id') });
const schedule = scheduleNode;
const createContact = (settings = {}, parameters: IDataObject = {}) =>
	awazNode(
		{
			resource: 'contact',
			operation: 'create',
			name: '={{ $json.name }}',
			phone: '+14155550123',
			...parameters,
		},
		settings,
	);

/** The run stopped on an Awaz failure of `item`, with nothing in the output and no key in sight. */
function expectFailure(result: RunResult, item = 0) {
	expect(result.output).toEqual([]);
	expect(result.error).toBeDefined();
	expect(result.error!.context?.itemIndex).toBe(item);
	expectNoKeyIn(result);
	return result.error!;
}

describe('authentication failures', () => {
	it('401: says that no API key was sent', async () => {
		const env = await environment({ apiKey: '', baseUrl: t.sb.url });

		const error = expectFailure(await runNode(env, listPhones()));

		expect(t.sb.requests.map((request) => request.status)).toEqual([401]);
		expect(error.message).toContain('no API key was sent');
		expect(error.httpCode).toBe('401');
	});

	it('401 from Awaz for a key that was sent is reported the same way', async () => {
		t.sb.inject({ kind: 'status', status: 401, body: { message: 'Unauthorized' } });

		const error = expectFailure(await runNode(t.env, listPhones()));

		expect(error.message).toContain('no API key was sent');
	});

	it('403: says that Awaz rejected the API key, and shows neither key', async () => {
		const wrongKey = 'test-key-WRONG-1a2b3c4d';
		const env = await environment({ apiKey: wrongKey, baseUrl: t.sb.url });

		const result = await runNode(env, listPhones());
		const error = expectFailure(result);

		expect(t.sb.requests).toHaveLength(1);
		expect(t.sb.requests[0].headers.authorization).toBe(`Bearer ${wrongKey}`);
		expect(t.sb.requests[0].status).toBe(403);
		expect(error.message).toContain('Awaz rejected the API key');
		expect(error.httpCode).toBe('403');
		expectNoKeyIn(result, wrongKey);
	});

	it('403 on a workspace operation says reseller rights are needed', async () => {
		t.sb.inject({ kind: 'status', status: 403, path: '/v1/companies/add/credits' });

		const error = expectFailure(
			await runNode(
				t.env,
				awazNode({
					resource: 'workspace',
					operation: 'addCredits',
					companyEmail: 'a@example.com',
					credits: 5,
				}),
			),
		);

		expect(error.message).toContain('Awaz rejected the API key');
		expect(error.description).toContain('reseller');
	});
});

describe('not found', () => {
	it('404 on Call → Get names the call id', async () => {
		const missing = makeObjectId(0xabcdef);

		const error = expectFailure(await runNode(t.env, getCall(missing)));

		expect(error.message).toBe(`Awaz has no call with id ${missing}`);
		expect(error.description).toContain('Call not found');
		expect(error.httpCode).toBe('404');
	});

	it('names the item whose call is missing', async () => {
		const missing = makeObjectId(0xabcdef);
		const existing = t.sb.fixtures.calls[0].id;

		const result = await runNode(t.env, getCall('={{ $json.id }}'), [
			{ id: existing },
			{ id: missing },
		]);

		const error = expectFailure(result, 1);
		expect(error.message).toBe(`Awaz has no call with id ${missing}`);
		expect(t.sb.requests.map((request) => request.path)).toEqual([
			`/v1/calls/${existing}`,
			`/v1/calls/${missing}`,
		]);
	});
});

describe('requests Awaz refuses', () => {
	it("400 shows the API's own message", async () => {
		const unknownAgent = makeObjectId(0xbad);

		const error = expectFailure(
			await runNode(t.env, schedule({ agentId: locator(unknownAgent, 'id') })),
		);

		expect(error.message).toContain('Awaz refused POST /v1/calls (400)');
		expect(error.message).toContain('agent must be the id of one of your agents');
		expect(t.sb.state.calls).toHaveLength(57);
	});

	it('400 with an injected message shows that message', async () => {
		t.sb.inject({
			kind: 'status',
			status: 400,
			body: { message: 'Not enough credits to schedule this call' },
		});

		const error = expectFailure(await runNode(t.env, schedule()));

		expect(error.message).toContain('Not enough credits to schedule this call');
		expect(error.httpCode).toBe('400');
	});

	it('an API error given as {error: ...} is shown too', async () => {
		t.sb.inject({
			kind: 'status',
			status: 422,
			body: { error: 'Phone number is on the do-not-call list' },
		});

		const error = expectFailure(await runNode(t.env, schedule()));

		expect(error.message).toContain('Phone number is on the do-not-call list');
	});
});

describe('a key echoed back by Awaz or a proxy', () => {
	it.each([
		['a 400 message', 400, { message: `Bad header: Bearer ${API_KEY}` }, 'Bad header: Bearer'],
		['a 500 message', 500, { error: `token ${API_KEY} failed` }, 'token'],
	])(
		'is kept out of %s, and the rest of the message is shown',
		async (_title, status, body, shown) => {
			t.sb.inject({ kind: 'status', status, method: 'POST', body });

			const error = expectFailure(await runNode(t.env, schedule()));

			expect(error.message).toContain(shown);
		},
	);
});

describe("failures on Awaz's side", () => {
	it('500 on a GET, after the read was tried again, is reported with the request and the status', async () => {
		t.sb.inject({
			kind: 'status',
			status: 500,
			method: 'GET',
			times: Infinity,
			body: { message: 'Internal Server Error' },
		});

		const error = expectFailure(await runNode(t.env, listPhones()));

		// A read is safe to repeat: two more tries before giving up.
		expect(t.sb.requests.map((request) => request.status)).toEqual([500, 500, 500]);
		expect(error.message).toBe('Awaz failed on GET /v1/phones (500): Internal Server Error');
		expect(error.description).toContain('Try again later');
		expect(error.httpCode).toBe('500');
	});

	it('500 on a write warns that Awaz may have carried it out', async () => {
		t.sb.inject({ kind: 'status', status: 500, method: 'POST' });

		const error = expectFailure(await runNode(t.env, schedule()));

		expect(error.message).toContain('Awaz failed on POST /v1/calls (500)');
		expect(error.description).toContain('may still have carried it out');
		expect(t.sb.requests).toHaveLength(1);
	});

	it('an HTML error page from a proxy is not pasted into the message', async () => {
		t.sb.inject({ kind: 'html', status: 502, times: Infinity });

		const error = expectFailure(await runNode(t.env, listPhones()));

		expect(error.message).toBe('Awaz failed on GET /v1/phones (502)');
		expect(JSON.stringify(error)).not.toContain('<html');
	});

	it('a 200 that is not JSON is reported as such', async () => {
		t.sb.inject({ kind: 'garbled' });

		const error = expectFailure(await runNode(t.env, listPhones()));

		expect(error.message).toContain('not valid JSON');
	});

	it('a list answered with something that is not a list is reported as such', async () => {
		t.sb.inject({ kind: 'body', body: { phones: 'none' } });

		const error = expectFailure(await runNode(t.env, listPhones()));

		expect(error.message).toBe('Awaz answered GET /v1/phones with something that is not a list');
	});

	it('a write that gets no answer in time is not sent again, and says so', async () => {
		t.sb.inject({ kind: 'delay', delayMs: 3000, method: 'POST' });

		const result = await runNode(
			t.env,
			createContact({}, { name: 'Jane', options: { timeout: 1 } }),
		);

		const error = expectFailure(result);
		expect(error.message).toBe('Awaz did not answer POST /v1/contacts within 1 s');
		expect(error.description).toContain('may still have carried it out');
		expect(t.sb.requests).toHaveLength(1);
	});

	it('a dropped connection on a write is not retried', async () => {
		t.sb.inject({ kind: 'reset', method: 'POST' });

		const error = expectFailure(await runNode(t.env, createContact({}, { name: 'Jane' })));

		expect(error.message).toMatch(/^Could not reach Awaz for POST \/v1\/contacts/);
		expect(error.description).toContain('may still have carried it out');
		expect(t.sb.requests).toHaveLength(1);
	});

	it('a Base URL where nothing listens is reported as Awaz being unreachable', async () => {
		const env = await environment({ apiKey: API_KEY, baseUrl: 'http://127.0.0.1:1' });

		const error = expectFailure(await runNode(env, listPhones()));

		expect(error.message).toMatch(/^Could not reach Awaz for GET \/v1\/phones/);
		expect(error.description).toContain('Check the Base URL in the Awaz credential');
	});
});

describe('failures the node rides out', () => {
	it('a 500 on a read is retried', async () => {
		t.sb.inject({ kind: 'status', status: 500, method: 'GET' });

		const { output, error } = await runNode(t.env, listPhones());

		expect(error).toBeUndefined();
		expect(t.sb.requests.map((request) => request.status)).toEqual([500, 200]);
		expect(output.map((item) => item.json)).toEqual(t.sb.fixtures.phones);
	});

	it('a dropped connection on a read is retried', async () => {
		t.sb.inject({ kind: 'reset', method: 'GET' });

		const { output, error } = await runNode(t.env, listPhones());

		expect(error).toBeUndefined();
		expect(output.map((item) => item.json)).toEqual(t.sb.fixtures.phones);
		expect(t.sb.requests).toHaveLength(2);
	});

	it('503 (high traffic) is retried after a wait', async () => {
		t.sb.inject({ kind: 'status', status: 503, method: 'POST' });

		const { output, error } = await runNode(t.env, schedule());

		expect(error).toBeUndefined();
		expect(t.sb.requests.map((request) => request.status)).toEqual([503, 201]);
		expect(output).toHaveLength(1);
		expect(t.sb.state.calls).toHaveLength(58);
	});

	it('429 is retried once the rate-limit window resets', async () => {
		const resetAt = Math.ceil(Date.now() / 1000) + 1;
		t.sb.inject({
			kind: 'status',
			status: 429,
			headers: { 'x-ratelimit-remaining': 0, 'x-ratelimit-reset': resetAt, 'retry-after': 1 },
		});

		const { output, error } = await runNode(t.env, listPhones());

		expect(error).toBeUndefined();
		expect(t.sb.requests.map((request) => request.status)).toEqual([429, 200]);
		expect(t.sb.requests[1].time).toBeGreaterThanOrEqual(resetAt * 1000);
		expect(output).toHaveLength(2);
	});
});

describe('Continue On Fail with API failures', () => {
	const people = [{ name: 'Ana' }, { name: 'Ben' }, { name: 'Chloé' }];

	it('the failed item becomes an error item and the others go through', async () => {
		t.sb.inject({
			kind: 'status',
			status: 400,
			method: 'POST',
			after: 1,
			body: { message: 'Duplicate contact' },
		});

		const result = await runNode(t.env, createContact({ continueOnFail: true }), people);

		expect(result.error).toBeUndefined();
		expect(t.sb.requests.map((request) => (request.body as IDataObject).name)).toEqual([
			'Ana',
			'Ben',
			'Chloé',
		]);
		expectOutput(result.output, [
			[t.sb.state.contacts[0], 0],
			[{ error: expect.stringContaining('Duplicate contact') }, 1],
			[t.sb.state.contacts[1], 2],
		]);
		expect(t.sb.state.contacts.map((contact) => contact.name)).toEqual(['Ana', 'Chloé']);
		expectNoKeyIn(result);
	});

	it('without it, the run stops at the failed item: earlier items were sent, later ones not', async () => {
		t.sb.inject({
			kind: 'status',
			status: 400,
			method: 'POST',
			after: 1,
			body: { message: 'Duplicate contact' },
		});

		const result = await runNode(t.env, createContact(), people);

		const error = expectFailure(result, 1);
		expect(error.message).toContain('Duplicate contact');
		expect(t.sb.requests).toHaveLength(2);
		expect(t.sb.state.contacts.map((contact) => contact.name)).toEqual(['Ana']);
	});

	it('a list that fails on a later page gives one error item, not part of the list', async () => {
		t.sb.inject({ kind: 'status', status: 500, path: '/v1/calls', after: 2, times: Infinity });

		const result = await runNode(
			t.env,
			awazNode(
				{ resource: 'call', operation: 'getAll', returnAll: true },
				{ continueOnFail: true },
			),
		);

		expect(t.sb.requests.map((request) => request.query.page)).toEqual(['0', '1', '2', '2', '2']);
		expectOutput(result.output, [
			[{ error: 'Awaz failed on GET /v1/calls (500): Internal Server Error' }, 0],
		]);
		expectNoKeyIn(result);
	});
});

it('the key check above would notice a key in an error', () => {
	expect(() =>
		expectNoKeyIn({
			output: [],
			error: { message: `Bearer ${API_KEY}` },
			run: { data: { resultData: { runData: {} } } },
		} as never),
	).toThrow();
});
