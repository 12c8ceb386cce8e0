'use strict';

const http = require('http');
const path = require('path');
const { spawn } = require('child_process');
const { once } = require('events');
const { startSandbox, STATUSES, makeObjectId, buildFixtures } = require('../../kit/sandbox');

const KEY = 'test-key-main';
const OTHER_KEY = 'test-key-other';
const FIRST_AGENT = '65ff9abe3fdcbe533d3be143';
const FIRST_PHONE = '661d7fb88bcadcf1d86fd8b0';
const COLLECTION_CALL = {
	agent: FIRST_AGENT,
	name: 'Contact Name',
	phone: '+11111111111',
	from: FIRST_PHONE,
	datetime: '2024-01-01T00:00:00-00',
};

/** @type {import('./server').Sandbox} */
let sb;

beforeAll(async () => {
	sb = await startSandbox({ apiKey: KEY, apiKeys: [OTHER_KEY] });
});
afterAll(() => sb.close());
beforeEach(() => sb.reset());

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {string} method
 * @param {string} route path and query
 * @param {{ body?: unknown, raw?: string, key?: string | null, authorization?: string, signal?: AbortSignal }} [options]
 */
async function api(method, route, { body, raw, key = KEY, authorization, signal } = {}) {
	/** @type {Record<string, string>} */
	const headers = {};
	if (authorization !== undefined) headers.authorization = authorization;
	else if (key !== null) headers.authorization = `Bearer ${key}`;
	if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
	const response = await fetch(sb.url + route, {
		method,
		headers,
		body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
		signal,
	});
	const text = await response.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

const rateHeaders = (headers) => ({
	limit: headers.get('x-ratelimit-limit'),
	remaining: headers.get('x-ratelimit-remaining'),
	reset: headers.get('x-ratelimit-reset'),
});

// The one place the Postman ids are written out: the sandbox must seed them, and kit/fixtures,
// which every other test, the bench and the scripts read them from, must name them.
test('kit/fixtures names the Postman collection’s first agent and phone', () => {
	const fixtures = require('../../kit/fixtures');
	expect([fixtures.AGENT_ID, fixtures.PHONE_ID]).toEqual([FIRST_AGENT, FIRST_PHONE]);
});

describe('fixtures', () => {
	it('makes deterministic 24-hex ObjectIds', () => {
		expect(makeObjectId(1)).toBe('670000000000000000000001');
		expect(makeObjectId(0x10001)).toMatch(/^[0-9a-f]{24}$/);
		expect(() => makeObjectId(-1)).toThrow(RangeError);
		expect(() => makeObjectId(1.5)).toThrow(RangeError);
	});

	it('exports the seven hook statuses in the collection order', () => {
		expect(STATUSES).toEqual([
			'outcome',
			'pickup',
			'busy',
			'completed',
			'voicemail',
			'failed',
			'canceled',
		]);
	});

	it('builds the same frozen data every time, with unique ids', () => {
		const fixtures = buildFixtures();
		expect(buildFixtures()).toEqual(fixtures);
		expect(Object.isFrozen(fixtures.calls[0].contact)).toBe(true);
		const ids = [
			...fixtures.agents,
			...fixtures.phones,
			...fixtures.contactLists,
			...fixtures.calls,
			...fixtures.calls.map((c) => c.contact),
		].map((x) => x.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(fixtures.calls).toHaveLength(57);
		expect(fixtures.calls[0].contact).toEqual({
			id: expect.any(String),
			name: 'Contact 001',
			phone: '+15550000001',
			email: 'contact001@example.com',
		});
		expect(fixtures.calls.slice(0, 8).map((c) => c.status)).toEqual([...STATUSES, STATUSES[0]]);
		expect(fixtures.calls.slice(0, 4).map((c) => c.agent)).toEqual([
			...fixtures.agents.map((a) => a.id),
			FIRST_AGENT,
		]);
	});

	it('keeps sb.fixtures apart from the live state', () => {
		sb.state.agents.pop();
		expect(sb.fixtures.agents).toHaveLength(3);
		sb.reset();
		expect(sb.state.agents).toHaveLength(3);
	});
});

describe('authentication and routing', () => {
	it.each([
		['no header', { key: null }],
		['empty header', { authorization: '' }],
		['another scheme', { authorization: `Basic ${KEY}` }],
		['Bearer without token', { authorization: 'Bearer ' }],
	])('answers 401 for %s, without quota headers', async (_, options) => {
		const response = await api('GET', '/v1/phones', options);
		expect(response.status).toBe(401);
		expect(response.json).toEqual({ message: 'Unauthorized' });
		expect(response.headers.get('x-ratelimit-limit')).toBeNull();
	});

	it('answers 403 for a bearer token that is not a key', async () => {
		const response = await api('GET', '/v1/agents', { key: 'wrong-key' });
		expect(response.status).toBe(403);
		expect(response.json).toEqual({ message: 'Forbidden' });
	});

	it('accepts every configured key and any case of "bearer"', async () => {
		expect(sb.apiKey).toBe(KEY);
		expect(sb.apiKeys).toEqual([KEY, OTHER_KEY]);
		expect((await api('GET', '/v1/phones', { key: OTHER_KEY })).status).toBe(200);
		expect((await api('GET', '/v1/phones', { authorization: `bearer ${KEY}` })).status).toBe(200);
	});

	it('answers 404 for unknown routes and methods, after authentication under /v1', async () => {
		expect(await api('GET', '/v1/nope')).toMatchObject({
			status: 404,
			json: { message: 'Not found' },
		});
		expect(await api('PUT', '/v1/phones')).toMatchObject({
			status: 404,
			json: { message: 'Not found' },
		});
		expect((await api('GET', '/v1/nope', { key: null })).status).toBe(401);
		expect((await api('GET', '/', { key: null })).status).toBe(404);
	});

	it('answers JSON with a byte-accurate content-length', async () => {
		const response = await api('GET', '/v1/agents');
		expect(response.headers.get('content-type')).toBe('application/json');
		expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(response.text));
		expect(response.json.items[2].name).toBe('Recepción Clínica');
	});
});

describe('lists', () => {
	it('GET /v1/phones starts with the collection example', async () => {
		const { status, json } = await api('GET', '/v1/phones');
		expect(status).toBe(200);
		expect(json.items).toHaveLength(2);
		expect(json.items[0]).toEqual({ id: FIRST_PHONE, number: '+11111111111' });
	});

	it('GET /v1/agents lists three agents with extra fields', async () => {
		const { json } = await api('GET', '/v1/agents');
		expect(json.items).toHaveLength(3);
		expect(json.items[0]).toMatchObject({
			id: FIRST_AGENT,
			name: expect.any(String),
			language: 'en-US',
		});
	});

	it('GET /v1/contact_lists lists two lists with counts', async () => {
		const { json } = await api('GET', '/v1/contact_lists');
		expect(json.items).toEqual(sb.fixtures.contactLists);
		expect(json.items[0]).toEqual({
			id: expect.stringMatching(/^[0-9a-f]{24}$/),
			name: expect.any(String),
			contacts_count: expect.any(Number),
		});
	});
});

describe('calls', () => {
	it('pages 57 calls by 20 and ends with an empty page', async () => {
		const pages = [];
		for (const page of [0, 1, 2, 3])
			pages.push((await api('GET', `/v1/calls?page=${page}`)).json.items);
		expect(pages.map((items) => items.length)).toEqual([20, 20, 17, 0]);
		expect(pages.flat()).toEqual(sb.fixtures.calls);
		expect((await api('GET', '/v1/calls')).json.items).toEqual(pages[0]);
	});

	it('returns call objects shaped as in API.md', async () => {
		const [call] = (await api('GET', '/v1/calls?page=0')).json.items;
		expect(call).toEqual({
			id: makeObjectId(0x10001),
			agent: FIRST_AGENT,
			from: FIRST_PHONE,
			contact: {
				id: expect.any(String),
				name: 'Contact 001',
				phone: '+15550000001',
				email: 'contact001@example.com',
			},
			status: 'outcome',
			datetime: '2024-12-20T12:00:00.000Z',
			extracted_variables: { interested: true, summary: 'Spoke with Contact 001.' },
		});
	});

	it.each(['x', '-1', '1.5', ''])('rejects page=%j', async (page) => {
		expect(await api('GET', `/v1/calls?page=${page}`)).toMatchObject({
			status: 400,
			json: { message: 'page must be a non-negative integer' },
		});
	});

	it('filters by id', async () => {
		const call = sb.fixtures.calls[30];
		expect((await api('GET', `/v1/calls?id=${call.id}`)).json).toEqual({ items: [call] });
		expect((await api('GET', `/v1/calls?id=${call.id}&page=1`)).json).toEqual({ items: [] });
		expect((await api('GET', `/v1/calls?id=${makeObjectId(999)}`)).json).toEqual({ items: [] });
		expect(await api('GET', '/v1/calls?id=nope')).toMatchObject({
			status: 400,
			json: { message: 'Invalid id' },
		});
	});

	it('GET /v1/calls/:id finds a call, 404s an unknown id and 400s a malformed one', async () => {
		const call = sb.fixtures.calls[5];
		expect(await api('GET', `/v1/calls/${call.id}`)).toMatchObject({ status: 200, json: call });
		expect(await api('GET', `/v1/calls/${makeObjectId(999)}`)).toMatchObject({
			status: 404,
			json: { message: 'Call not found' },
		});
		expect(await api('GET', '/v1/calls/123')).toMatchObject({
			status: 400,
			json: { message: 'Invalid id' },
		});
		expect((await api('GET', `/v1/calls/${FIRST_AGENT.toUpperCase()}`)).status).toBe(400);
	});

	it('schedules the collection example and appends it after the seeded calls', async () => {
		const { status, json: call } = await api('POST', '/v1/calls', { body: COLLECTION_CALL });
		expect(status).toBe(201);
		expect(call).toEqual({
			id: expect.stringMatching(/^[0-9a-f]{24}$/),
			agent: FIRST_AGENT,
			from: FIRST_PHONE,
			contact: {
				id: expect.stringMatching(/^[0-9a-f]{24}$/),
				name: 'Contact Name',
				phone: '+11111111111',
				email: null,
			},
			status: 'scheduled',
			datetime: '2024-01-01T00:00:00.000Z',
			extracted_variables: {},
		});
		expect(sb.fixtures.calls.some((c) => c.id === call.id)).toBe(false);
		expect(sb.state.calls.at(-1)).toEqual(call);
		expect((await api('GET', '/v1/calls?page=2')).json.items.at(-1)).toEqual(call);
		expect((await api('GET', `/v1/calls/${call.id}`)).json).toEqual(call);
		const second = (await api('POST', '/v1/calls', { body: COLLECTION_CALL })).json;
		expect(second.id).not.toBe(call.id);
	});

	it('normalises the datetime offset and defaults it to now', async () => {
		const withOffset = await api('POST', '/v1/calls', {
			body: { ...COLLECTION_CALL, datetime: '2024-06-01T09:30:00+02:00' },
		});
		expect(withOffset.json.datetime).toBe('2024-06-01T07:30:00.000Z');
		const before = Date.now();
		const { datetime, ...rest } = COLLECTION_CALL;
		const now = await api('POST', '/v1/calls', { body: rest });
		expect(Date.parse(now.json.datetime)).toBeGreaterThanOrEqual(before - 1000);
	});

	it('names every invalid field, the first one in the message', async () => {
		const empty = await api('POST', '/v1/calls', { body: {} });
		expect(empty.status).toBe(400);
		expect(empty.json).toEqual({
			message: 'agent is required',
			errors: {
				agent: 'is required',
				name: 'is required',
				phone: 'is required',
				from: 'is required',
			},
		});
		const bad = await api('POST', '/v1/calls', {
			body: {
				agent: makeObjectId(999),
				name: ' ',
				phone: '5550001234',
				from: FIRST_AGENT,
				datetime: '2024-01-01T00:00:00',
			},
		});
		expect(Object.keys(bad.json.errors)).toEqual(['agent', 'name', 'phone', 'from', 'datetime']);
		expect(bad.json.message).toBe('agent must be the id of one of your agents');
	});

	it.each([
		['phone', { phone: ['+15550001234'] }],
		['phone', { phone: '+0123456789' }],
		['datetime', { datetime: '2024-02-30T00:00:00Z' }],
		['datetime', { datetime: '2024-01-01T25:00:00Z' }],
		['datetime', { datetime: 1704067200000 }],
	])('rejects a bad %s', async (field, change) => {
		const { status, json } = await api('POST', '/v1/calls', {
			body: { ...COLLECTION_CALL, ...change },
		});
		expect(status).toBe(400);
		expect(Object.keys(json.errors)).toEqual([field]);
		expect(sb.state.calls).toHaveLength(57);
	});

	it('rejects a body that is not JSON or not an object', async () => {
		expect(await api('POST', '/v1/calls', { raw: '{"agent":' })).toMatchObject({
			status: 400,
			json: { message: 'Invalid JSON body' },
		});
		expect(await api('POST', '/v1/calls', { body: [COLLECTION_CALL] })).toMatchObject({
			status: 400,
			json: { errors: { body: 'must be a JSON object' } },
		});
		expect((await api('POST', '/v1/calls')).status).toBe(400);
	});
});

describe('hooks', () => {
	const hookUrl = 'http://127.0.0.1:9/hook';

	it('subscribes, lists, replaces and deletes by query', async () => {
		expect((await api('GET', '/v1/hooks/calls')).json).toEqual({ items: [] });
		const created = await api('POST', '/v1/hooks/calls', {
			body: { hookUrl, agents: [], status: [...STATUSES] },
		});
		expect(created).toMatchObject({ status: 201, json: { hookUrl, agents: [], status: STATUSES } });
		const replaced = await api('POST', '/v1/hooks/calls', {
			body: { hookUrl, agents: [FIRST_AGENT], status: ['completed'] },
		});
		expect(replaced.status).toBe(201);
		expect((await api('GET', '/v1/hooks/calls')).json).toEqual({
			items: [{ hookUrl, agents: [FIRST_AGENT], status: ['completed'] }],
		});
		const deleted = await api('DELETE', `/v1/hooks/calls?hookUrl=${encodeURIComponent(hookUrl)}`);
		expect(deleted).toMatchObject({
			status: 200,
			json: { message: 'Subscription deleted', hookUrl },
		});
		expect(sb.state.hooks).toEqual([]);
	});

	it('defaults agents to all and accepts the collection hookUrl', async () => {
		const url = 'https://services.leadconnectorhq.com/hooks/x/webhook-trigger/y';
		expect(
			(await api('POST', '/v1/hooks/calls', { body: { hookUrl: url, status: ['pickup'] } })).json,
		).toEqual({ hookUrl: url, agents: [], status: ['pickup'] });
	});

	it('deletes with hookUrl in the body only, like the collection sends it', async () => {
		await api('POST', '/v1/hooks/calls', { body: { hookUrl, status: ['busy'] } });
		const deleted = await api('DELETE', '/v1/hooks/calls', {
			body: { hookUrl, agents: [], status: [] },
		});
		expect(deleted.status).toBe(200);
		expect(sb.state.hooks).toHaveLength(0);
	});

	it('404s an unknown subscription and 400s a missing hookUrl', async () => {
		expect(await api('DELETE', '/v1/hooks/calls?hookUrl=https%3A%2F%2Fgoogle.com')).toMatchObject({
			status: 404,
			json: { message: 'Subscription not found' },
		});
		expect(await api('DELETE', '/v1/hooks/calls')).toMatchObject({
			status: 400,
			json: { errors: { hookUrl: 'is required' } },
		});
	});

	it.each([
		['hookUrl', { hookUrl: 'ftp://127.0.0.1/x' }],
		['hookUrl', { hookUrl: '/relative' }],
		['agents', { agents: [makeObjectId(999)] }],
		['agents', { agents: 'all' }],
		['status', { status: [] }],
		['status', { status: ['pickup', 'ringing'] }],
		['status', { status: undefined }],
	])('rejects a bad %s', async (field, change) => {
		const { status, json } = await api('POST', '/v1/hooks/calls', {
			body: { hookUrl, agents: [], status: ['pickup'], ...change },
		});
		expect(status).toBe(400);
		expect(Object.keys(json.errors)).toEqual([field]);
		expect(sb.state.hooks).toEqual([]);
	});
});

describe('contacts', () => {
	it('saves a contact with and without email', async () => {
		const saved = await api('POST', '/v1/contacts', {
			body: { name: 'Contact Name', phone: '+11111111111', email: 'contact@email.com' },
		});
		expect(saved).toMatchObject({
			status: 201,
			json: { name: 'Contact Name', phone: '+11111111111', email: 'contact@email.com' },
		});
		expect(saved.json.id).toMatch(/^[0-9a-f]{24}$/);
		const noEmail = await api('POST', '/v1/contacts', {
			body: { name: 'Ann', phone: '+4930123456' },
		});
		expect(noEmail.json.email).toBeNull();
		expect(sb.state.contacts.map((c) => c.id)).toEqual([saved.json.id, noEmail.json.id]);
	});

	it('validates name, phone and email', async () => {
		const { status, json } = await api('POST', '/v1/contacts', {
			body: { phone: '+1', email: 'nope' },
		});
		expect(status).toBe(400);
		expect(json).toEqual({
			message: 'name is required',
			errors: { name: 'is required', phone: expect.any(String), email: 'must be an email address' },
		});
	});
});

describe('companies', () => {
	const route = '/v1/companies/add/credits';

	it('adds credits and minutes to a seeded workspace', async () => {
		const credits = await api('POST', route, {
			body: { company: { email: 'workspace@example.com' }, credits: 10 },
		});
		expect(credits).toMatchObject({
			status: 200,
			json: {
				company: {
					email: 'workspace@example.com',
					id: sb.fixtures.companies['workspace@example.com'].id,
				},
				credits: 110,
			},
		});
		const minutes = await api('POST', route, {
			body: { company: { email: 'workspace@example.com' }, minutes: 5 },
		});
		expect(minutes.json).toEqual({ company: credits.json.company, minutes: 65 });
		expect(sb.state.companies['workspace@example.com']).toMatchObject({
			credits: 110,
			minutes: 65,
		});
	});

	it('creates an unknown workspace on first top-up, keeping a given id', async () => {
		const company = { email: 'new@example.com', id: 'IDOFTHECOMPANY' };
		expect((await api('POST', route, { body: { company, credits: 3 } })).json).toEqual({
			company,
			credits: 3,
		});
		expect(
			(await api('POST', route, { body: { company: { email: company.email }, credits: 4 } })).json
				.credits,
		).toBe(7);
	});

	it('404s an id that contradicts the email', async () => {
		const body = { company: { email: 'workspace@example.com', id: makeObjectId(999) }, credits: 1 };
		expect(await api('POST', route, { body })).toMatchObject({
			status: 404,
			json: { message: 'Company not found' },
		});
	});

	it.each([
		['credits', { company: { email: 'a@b.co' }, credits: 1, minutes: 1 }],
		['credits', { company: { email: 'a@b.co' } }],
		['credits', { company: { email: 'a@b.co' }, credits: -5 }],
		['minutes', { company: { email: 'a@b.co' }, minutes: '10' }],
		['company.email', { company: {}, credits: 1 }],
		['company.email', { credits: 1 }],
	])('rejects a bad %s', async (field, body) => {
		const { status, json } = await api('POST', route, { body });
		expect(status).toBe(400);
		expect(Object.keys(json.errors)).toEqual([field]);
	});
});

describe('request log and reset', () => {
	it('logs every request with parsed query, headers, body and the status sent', async () => {
		await api('GET', '/v1/calls?page=1&id=' + makeObjectId(0x10001));
		await api('POST', '/v1/contacts', { body: { name: 'A', phone: '+15550001111' } });
		await api('GET', '/v1/phones', { key: 'bad' });
		await api('POST', '/v1/calls', { raw: 'not json' });
		const [list, contact, forbidden, garbage] = sb.requests;
		expect(list).toMatchObject({
			method: 'GET',
			path: '/v1/calls',
			query: { page: '1', id: makeObjectId(0x10001) },
			body: undefined,
			rawBody: '',
			status: 200,
		});
		expect(list.headers.authorization).toBe(`Bearer ${KEY}`);
		expect(contact).toMatchObject({
			method: 'POST',
			body: { name: 'A', phone: '+15550001111' },
			status: 201,
		});
		expect(contact.headers['content-type']).toBe('application/json');
		expect(forbidden.status).toBe(403);
		expect(garbage).toMatchObject({ body: undefined, rawBody: 'not json', status: 400 });
		expect(Math.abs(list.time - Date.now())).toBeLessThan(5000);
		sb.clearLog();
		expect(sb.requests).toEqual([]);
		expect(sb.state.contacts).toHaveLength(1);
	});

	it('reset() restores data, log, faults and quota', async () => {
		await api('POST', '/v1/hooks/calls', {
			body: { hookUrl: 'http://127.0.0.1:9/x', status: ['busy'] },
		});
		const before = (await api('POST', '/v1/calls', { body: COLLECTION_CALL })).json.id;
		sb.inject({ kind: 'status', status: 500, times: Infinity });
		sb.reset();
		expect(sb.state).toEqual(structuredClone(sb.fixtures));
		expect(sb.requests).toEqual([]);
		expect(sb.faults).toEqual([]);
		const response = await api('POST', '/v1/calls', { body: COLLECTION_CALL });
		expect(response.json.id).toBe(before); // created ids restart too
		expect(response.headers.get('x-ratelimit-remaining')).toBe('99');
	});

	it('stats() counts requests by status', async () => {
		await api('GET', '/v1/phones');
		await api('GET', '/v1/phones');
		await api('GET', '/v1/phones', { key: null });
		expect(sb.stats()).toEqual({
			total: 3,
			byStatus: { 200: 2, 401: 1 },
			firstAt: sb.requests[0].time,
			lastAt: sb.requests[2].time,
		});
	});
});

describe('rate limit', () => {
	const windowEndSeconds = (time, windowMs) =>
		Math.ceil((Math.floor(time / windowMs) * windowMs + windowMs) / 1000);

	it('sends limit, remaining and the aligned window end on every authenticated response', async () => {
		const ok = await api('GET', '/v1/phones');
		const notFound = await api('GET', '/v1/calls/123');
		expect(rateHeaders(ok.headers)).toEqual({
			limit: '100',
			remaining: '99',
			reset: String(windowEndSeconds(sb.requests[0].time, 60_000)),
		});
		expect(rateHeaders(notFound.headers).remaining).toBe('98');
		await api('GET', '/v1/phones', { key: null });
		await api('GET', '/v1/phones', { key: 'bad' });
		expect(rateHeaders((await api('GET', '/v1/phones')).headers).remaining).toBe('97');
	});

	it('answers 429 past the limit, counts it, and keeps one bucket per key', async () => {
		sb.setRateLimit({ limit: 3, windowMs: 3_600_000 });
		const statuses = [];
		for (let i = 0; i < 5; i++) statuses.push((await api('GET', '/v1/agents')).status);
		expect(statuses).toEqual([200, 200, 200, 429, 429]);
		const limited = await api('POST', '/v1/calls', { body: COLLECTION_CALL });
		expect(limited.json).toEqual({ message: 'Too Many Requests' });
		expect(rateHeaders(limited.headers)).toMatchObject({ limit: '3', remaining: '0' });
		const retryAfter = Number(limited.headers.get('retry-after'));
		expect(retryAfter).toBeGreaterThanOrEqual(1);
		expect(retryAfter).toBeLessThanOrEqual(3600);
		expect(sb.state.calls).toHaveLength(57);
		expect(
			rateHeaders((await api('GET', '/v1/agents', { key: OTHER_KEY })).headers).remaining,
		).toBe('2');
	});

	it('opens a new window at the next multiple of windowMs', async () => {
		const windowMs = 500;
		sb.setRateLimit({ limit: 1, windowMs });
		// Start just after a boundary so both requests surely fall in the same window.
		await sleep(windowMs - (Date.now() % windowMs) + 20);
		expect((await api('GET', '/v1/phones')).status).toBe(200);
		const limited = await api('GET', '/v1/phones');
		expect(limited.status).toBe(429);
		expect(limited.headers.get('x-ratelimit-reset')).toBe(
			String(windowEndSeconds(sb.requests[1].time, windowMs)),
		);
		await sleep(windowMs - (Date.now() % windowMs) + 20);
		expect((await api('GET', '/v1/phones')).status).toBe(200);
	});

	it('setRateLimit keeps unspecified fields and rejects nonsense', async () => {
		sb.setRateLimit({ limit: 7 });
		expect(rateHeaders((await api('GET', '/v1/phones')).headers)).toMatchObject({
			limit: '7',
			remaining: '6',
		});
		expect(() => sb.setRateLimit({ windowMs: 0 })).toThrow(TypeError);
		sb.setRateLimit({ limit: 100 });
	});

	it('setRateLimit with after: n changes the limit just before the request after the next n', async () => {
		try {
			sb.setRateLimit({ limit: 100, windowMs: 60_000 });
			sb.setRateLimit({ limit: 2, windowMs: 3_600_000 }, { after: 2 });
			expect(sb.rateLimit).toEqual({ limit: 100, windowMs: 60_000 });
			const seen = [];
			for (let i = 0; i < 4; i++) seen.push(rateHeaders((await api('GET', '/v1/phones')).headers));
			expect(seen.map(({ limit, remaining }) => `${limit}/${remaining}`)).toEqual([
				'100/99',
				'100/98',
				'2/1',
				'2/0',
			]);
			expect(seen[2].reset).toBe(String(windowEndSeconds(sb.requests[2].time, 3_600_000)));
			expect(sb.rateLimit).toEqual({ limit: 2, windowMs: 3_600_000 });
			expect(() => sb.setRateLimit({}, { after: -1 })).toThrow(TypeError);
		} finally {
			sb.setRateLimit({ limit: 100, windowMs: 60_000 });
		}
	});

	it('a clock offset moves the windows, X-RateLimit-Reset and Date, not the request log', async () => {
		try {
			sb.setRateLimit({ limit: 100, windowMs: 60_000 });
			for (const offset of [30_400, -30_400]) {
				sb.reset();
				sb.setClockOffset(offset);
				expect(sb.clockOffsetMs).toBe(offset);
				const before = Date.now();
				const { headers } = await api('GET', '/v1/phones');
				const after = Date.now();
				const { time } = sb.requests[0];
				expect(time).toBeGreaterThanOrEqual(before);
				expect(time).toBeLessThanOrEqual(after);
				expect(rateHeaders(headers).reset).toBe(String(windowEndSeconds(time + offset, 60_000)));
				const date = Date.parse(headers.get('date'));
				expect(date).toBeGreaterThan(before + offset - 1000);
				expect(date).toBeLessThanOrEqual(after + offset);
			}
			expect(() => sb.setClockOffset(Number.NaN)).toThrow(TypeError);
		} finally {
			sb.setClockOffset(0);
		}
		const { headers } = await api('GET', '/v1/phones');
		expect(Math.abs(Date.parse(headers.get('date')) - Date.now())).toBeLessThan(2000);
	});
});

describe('fault injection', () => {
	it('status: answers once with the status and a default body, then normally', async () => {
		const fault = sb.inject({ method: 'GET', path: '/v1/phones', kind: 'status', status: 503 });
		const failed = await api('GET', '/v1/phones');
		expect(failed).toMatchObject({ status: 503, json: { message: 'Service Unavailable' } });
		expect(rateHeaders(failed.headers).remaining).toBe('99');
		expect((await api('GET', '/v1/phones')).status).toBe(200);
		expect(fault.hits).toBe(1);
		expect(sb.faults).toEqual([]);
		expect(sb.requests.map((r) => r.status)).toEqual([503, 200]);
	});

	it('status: sends a string body as-is and extra headers', async () => {
		sb.inject({
			kind: 'status',
			status: 400,
			body: 'plain words',
			headers: { 'content-type': 'text/plain', 'x-extra': '1' },
		});
		const response = await api('GET', '/v1/agents');
		expect(response).toMatchObject({ status: 400, text: 'plain words' });
		expect(response.headers.get('content-type')).toBe('text/plain');
		expect(response.headers.get('x-extra')).toBe('1');
	});

	it('status 429 without any rate-limit headers (headers: null or omitRateLimitHeaders)', async () => {
		sb.inject({ kind: 'status', status: 429, headers: null });
		sb.inject({
			kind: 'status',
			status: 429,
			omitRateLimitHeaders: true,
			headers: { 'retry-after': '2' },
		});
		for (const retryAfter of [null, '2']) {
			const response = await api('GET', '/v1/calls');
			expect(response.status).toBe(429);
			expect(rateHeaders(response.headers)).toEqual({ limit: null, remaining: null, reset: null });
			expect(response.headers.get('retry-after')).toBe(retryAfter);
		}
	});

	it('status on POST /v1/calls schedules nothing unless applied: true', async () => {
		sb.inject({ method: 'POST', path: '/v1/calls', kind: 'status', status: 500 });
		expect((await api('POST', '/v1/calls', { body: COLLECTION_CALL })).status).toBe(500);
		expect(sb.state.calls).toHaveLength(57);
		sb.inject({ method: 'POST', path: '/v1/calls', kind: 'status', status: 500, applied: true });
		expect((await api('POST', '/v1/calls', { body: COLLECTION_CALL })).status).toBe(500);
		expect(sb.state.calls).toHaveLength(58);
		expect(sb.state.calls.at(-1).status).toBe('scheduled');
	});

	it('matches method and path (string or RegExp), honours after and times', async () => {
		sb.inject({ method: 'POST', kind: 'status', status: 502 });
		sb.inject({
			path: /^\/v1\/calls\/[0-9a-f]+$/,
			after: 1,
			times: 2,
			kind: 'status',
			status: 504,
		});
		const id = sb.fixtures.calls[0].id;
		const statuses = [];
		for (let i = 0; i < 4; i++) statuses.push((await api('GET', `/v1/calls/${id}`)).status);
		expect(statuses).toEqual([200, 504, 504, 200]);
		expect((await api('GET', '/v1/phones')).status).toBe(200);
		expect(
			(await api('POST', '/v1/contacts', { body: { name: 'A', phone: '+15550001111' } })).status,
		).toBe(502);
	});

	it('times: Infinity stays queued', async () => {
		sb.inject({ path: '/v1/agents', kind: 'status', status: 500, times: Infinity });
		for (let i = 0; i < 3; i++) expect((await api('GET', '/v1/agents')).status).toBe(500);
		expect(sb.faults).toHaveLength(1);
		expect(sb.faults[0].hits).toBe(3);
	});

	it('ignores unauthenticated requests and counts faulted ones against the quota', async () => {
		sb.inject({ kind: 'status', status: 500 });
		expect((await api('GET', '/v1/phones', { key: null })).status).toBe(401);
		expect((await api('GET', '/v1/phones')).status).toBe(500);
		expect(rateHeaders((await api('GET', '/v1/phones')).headers).remaining).toBe('98');
	});

	it('delay: holds the answer long enough for a client timeout', async () => {
		sb.inject({ kind: 'delay', delayMs: 300 });
		const started = Date.now();
		expect((await api('GET', '/v1/phones')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(280);
		sb.inject({ kind: 'delay', delayMs: 300 });
		await expect(api('GET', '/v1/phones', { signal: AbortSignal.timeout(50) })).rejects.toThrow();
		await sleep(350);
		expect(sb.requests.at(-1).status).toBe(200);
	});

	it('reset: drops the connection without an answer and logs status 0', async () => {
		sb.inject({ kind: 'reset' });
		await expect(api('GET', '/v1/phones')).rejects.toThrow();
		expect(sb.requests.map((r) => r.status)).toEqual([0]);
		expect((await api('GET', '/v1/phones')).status).toBe(200);
	});

	it('garbled: 200 JSON that does not parse', async () => {
		sb.inject({ kind: 'garbled' });
		const response = await api('GET', '/v1/calls');
		expect(response).toMatchObject({ status: 200, text: '{"items": [', json: undefined });
		expect(response.headers.get('content-type')).toBe('application/json');
	});

	it('empty: an empty body without content-type, status 200 or given', async () => {
		sb.inject({ kind: 'empty' });
		sb.inject({ kind: 'empty', status: 204 });
		for (const status of [200, 204]) {
			const response = await api('GET', '/v1/phones');
			expect(response).toMatchObject({ status, text: '' });
			expect(response.headers.get('content-type')).toBeNull();
		}
	});

	it('html: an HTML error page, 502 by default', async () => {
		sb.inject({ kind: 'html' });
		sb.inject({ kind: 'html', status: 503 });
		for (const status of [502, 503]) {
			const response = await api('GET', '/v1/agents');
			expect(response.status).toBe(status);
			expect(response.headers.get('content-type')).toBe('text/html');
			expect(response.text).toContain(`<h1>${status} `);
		}
	});

	it('body: answers 200 with the given body', async () => {
		sb.inject({ path: '/v1/agents', kind: 'body', body: { items: 'nope' } });
		sb.inject({ path: '/v1/agents', kind: 'body', body: [{ id: FIRST_AGENT }] });
		expect(await api('GET', '/v1/agents')).toMatchObject({ status: 200, json: { items: 'nope' } });
		expect(await api('GET', '/v1/agents')).toMatchObject({
			status: 200,
			json: [{ id: FIRST_AGENT }],
		});
	});

	it('echo: sends the Authorization header back as an object, in a list, or as text after a preamble', async () => {
		sb.inject({ path: '/v1/agents', kind: 'echo' });
		sb.inject({ path: '/v1/agents', kind: 'echo', echoAs: 'list', status: 201 });
		sb.inject({ path: '/v1/agents', kind: 'echo', echoAs: 'text', body: 'Proxy says: ' });
		expect(await api('GET', '/v1/agents')).toMatchObject({
			status: 200,
			json: { headers: { authorization: `Bearer ${KEY}` } },
		});
		expect(await api('GET', '/v1/agents')).toMatchObject({
			status: 201,
			json: { items: [{ headers: { authorization: `Bearer ${KEY}` } }] },
		});
		const text = await api('GET', '/v1/agents');
		expect(text).toMatchObject({ status: 200, text: `Proxy says: Authorization: Bearer ${KEY}\n` });
		expect(text.headers.get('content-type')).toBe('text/plain');
		expect(rateHeaders(text.headers).remaining).toBe('97');
	});

	it('rejects malformed faults', () => {
		expect(() => sb.inject(/** @type {any} */ ({ kind: 'explode' }))).toThrow(TypeError);
		expect(() => sb.inject({ kind: 'status' })).toThrow(TypeError);
		expect(() => sb.inject({ kind: 'delay' })).toThrow(TypeError);
		expect(() => sb.inject({ kind: 'body' })).toThrow(TypeError);
		expect(() => sb.inject(/** @type {any} */ ({ kind: 'echo', echoAs: 'xml' }))).toThrow(
			TypeError,
		);
		expect(() => sb.inject({ kind: 'reset', times: 0 })).toThrow(TypeError);
		expect(sb.faults).toEqual([]);
	});
});

describe('webhook delivery', () => {
	/** @type {http.Server} */
	let receiver;
	/** @type {Array<{ path: string, contentType: string | undefined, body: string }>} */
	let received;
	let base;

	beforeAll(async () => {
		receiver = http.createServer((req, res) => {
			const chunks = [];
			req.on('data', (chunk) => chunks.push(chunk));
			req.on('end', () => {
				received.push({
					path: req.url,
					contentType: req.headers['content-type'],
					body: Buffer.concat(chunks).toString(),
				});
				if (req.url === '/text') res.end('thanks');
				else
					res
						.writeHead(req.url === '/fail' ? 500 : 200, { 'content-type': 'application/json' })
						.end('{"ok":true}');
			});
		});
		receiver.listen(0, '127.0.0.1');
		await once(receiver, 'listening');
		base = `http://127.0.0.1:${/** @type {import('net').AddressInfo} */ (receiver.address()).port}`;
	});
	afterAll(() => new Promise((resolve) => receiver.close(resolve)));
	beforeEach(() => {
		received = [];
	});

	const subscribe = (hookUrl, status, agents = []) =>
		api('POST', '/v1/hooks/calls', { body: { hookUrl, agents, status } });

	it('posts to the subscriptions whose status and agent filters match', async () => {
		const [agentA, agentB] = sb.fixtures.agents.map((a) => a.id);
		await subscribe(`${base}/all`, ['completed']);
		await subscribe(`${base}/agent-b`, ['completed', 'failed'], [agentB]);
		const call = { ...sb.fixtures.calls[3], agent: agentA };

		expect(await sb.deliver(call)).toEqual([
			{ hookUrl: `${base}/all`, status: 200, body: { ok: true } },
		]);
		expect(JSON.parse(received[0].body)).toEqual(call);
		expect(received[0].contentType).toBe('application/json');

		expect((await sb.deliver({ ...call, agent: agentB })).map((d) => d.hookUrl)).toEqual([
			`${base}/all`,
			`${base}/agent-b`,
		]);
		expect(
			(await sb.deliver({ ...call, agent: { id: agentB } }, { statusOverride: 'failed' })).map(
				(d) => d.hookUrl,
			),
		).toEqual([`${base}/agent-b`]);
		expect(JSON.parse(received.at(-1).body).status).toBe('failed');
		expect(
			await sb.deliver({ ...call, agent: undefined, agent_id: agentB, status: 'pickup' }),
		).toEqual([]);
	});

	it("returns the receiver's status and text, and never contacts a non-loopback URL", async () => {
		await subscribe(`${base}/fail`, ['busy']);
		await subscribe(`${base}/text`, ['busy']);
		await subscribe('https://google.com', ['busy']);
		const deliveries = await sb.deliver({ id: makeObjectId(1), status: 'busy' });
		expect(deliveries).toEqual([
			{ hookUrl: `${base}/fail`, status: 500, body: { ok: true } },
			{ hookUrl: `${base}/text`, status: 200, body: 'thanks' },
			{
				hookUrl: 'https://google.com',
				status: 0,
				body: null,
				error: expect.stringContaining('loopback'),
			},
		]);
		expect(received).toHaveLength(2);
	});

	it('deliverRaw sends malformed bodies and reports connection failures', async () => {
		expect(await sb.deliverRaw(`${base}/raw`, '{"id": ', 'application/json')).toMatchObject({
			status: 200,
		});
		expect(received[0]).toEqual({ path: '/raw', contentType: 'application/json', body: '{"id": ' });
		await sb.deliverRaw(`${base}/raw`, 'a=1', 'application/x-www-form-urlencoded');
		await sb.deliverRaw(`${base}/raw`, 'x', null);
		expect(received.slice(1).map((r) => r.contentType)).toEqual([
			'application/x-www-form-urlencoded',
			undefined,
		]);
		const closed = await sb.deliverRaw('http://127.0.0.1:9/none', '{}');
		expect(closed).toMatchObject({ status: 0, body: null, error: expect.any(String) });
	});
});

describe('lifecycle and options', () => {
	it('requires an API key', async () => {
		await expect(startSandbox({})).rejects.toThrow(TypeError);
		await expect(startSandbox({ apiKey: '' })).rejects.toThrow(TypeError);
	});

	it('honours pageSize, callCount and latencyMs, and closes with open keep-alive sockets and pending delays', async () => {
		const small = await startSandbox({ apiKey: KEY, pageSize: 10, callCount: 25, latencyMs: 100 });
		const get = (route) =>
			fetch(small.url + route, { headers: { authorization: `Bearer ${KEY}` } });
		const started = Date.now();
		const sizes = [];
		for (const page of [0, 1, 2, 3])
			sizes.push((await (await get(`/v1/calls?page=${page}`)).json()).items.length);
		expect(sizes).toEqual([10, 10, 5, 0]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 95);
		small.inject({ kind: 'delay', delayMs: 60_000 });
		const pending = get('/v1/phones').then(
			() => 'answered',
			() => 'failed',
		);
		await sleep(50);
		await small.close();
		expect(await pending).toBe('failed');
		await expect(get('/v1/phones')).rejects.toThrow();
		await small.close(); // idempotent
	});

	it('runs from the command line and stops on SIGTERM', async () => {
		const child = spawn(
			process.execPath,
			[
				path.join(__dirname, '..', '..', 'kit', 'sandbox', 'cli.js'),
				'--port',
				'0',
				'--api-key',
				'cli-a,cli-b',
				'--limit',
				'5',
				'--verbose',
			],
			{
				stdio: ['ignore', 'pipe', 'inherit'],
			},
		);
		const lines = [];
		let output = '';
		child.stdout.on('data', (chunk) => {
			output += chunk;
			lines.push(...output.split('\n').slice(0, -1));
			output = output.slice(output.lastIndexOf('\n') + 1);
		});
		while (lines.length === 0) await sleep(20);
		const [, url] = /^Awaz sandbox listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0]) ?? [];
		expect(url).toBeDefined();
		const response = await fetch(`${url}/v1/phones`, {
			headers: { authorization: 'Bearer cli-b' },
		});
		expect(response.headers.get('x-ratelimit-limit')).toBe('5');
		await response.text();
		while (lines.length < 2) await sleep(20);
		expect(JSON.parse(lines[1])).toMatchObject({ method: 'GET', path: '/v1/phones', status: 200 });
		child.kill('SIGTERM');
		const [code] = await once(child, 'exit');
		expect(code).toBe(0);
	});
});

describe('call lifecycle', () => {
	const SCALE = 0.02;
	const [AGENT_A, AGENT_B] = buildFixtures().agents.map((agent) => agent.id);
	/** @type {import('./server').Sandbox} */
	let fast;
	/** @type {http.Server} */
	let receiver;
	/** @type {Array<{ path: string, body: any }>} */
	let received;
	let base;

	beforeAll(async () => {
		fast = await startSandbox({ apiKey: KEY, lifecycle: { timeScale: SCALE } });
		receiver = http.createServer((req, res) => {
			const chunks = [];
			req.on('data', (chunk) => chunks.push(chunk));
			req.on('end', () => {
				received.push({ path: req.url, body: JSON.parse(Buffer.concat(chunks).toString()) });
				res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
			});
		});
		receiver.listen(0, '127.0.0.1');
		await once(receiver, 'listening');
		base = `http://127.0.0.1:${/** @type {import('net').AddressInfo} */ (receiver.address()).port}`;
	});
	afterAll(async () => {
		await fast.close();
		await new Promise((resolve) => receiver.close(resolve));
	});
	beforeEach(() => {
		fast.reset();
		fast.setLifecycle({ timeScale: SCALE });
		received = [];
	});

	/** Sends a request to `target` (the fast sandbox by default) and returns the parsed answer. */
	async function call(method, route, body, target = fast) {
		const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
		const response = await fetch(target.url + route, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: response.status, json: await response.json() };
	}
	/** Schedules a call to a number ending in `digit`. */
	async function schedule(digit, { agent = AGENT_A, datetime, target = fast } = {}) {
		const body = {
			agent,
			from: FIRST_PHONE,
			name: `Lead ${digit}`,
			phone: `+1555010000${digit}`,
			...(datetime ? { datetime } : {}),
		};
		const { status, json } = await call('POST', '/v1/calls', body, target);
		expect(status).toBe(201);
		return json;
	}
	const subscribe = (path, status, agents = []) =>
		call('POST', '/v1/hooks/calls', { hookUrl: base + path, status, agents });
	const statusesOf = (id, target = fast) =>
		target.transitions.filter((t) => t.id === id).map((t) => t.status);
	/** Waits until every recorded transition has been delivered. */
	const delivered = (target = fast) => Promise.all(target.transitions.map((t) => t.delivered));

	it('is on at time scale 1 by default, and a new call is answered as scheduled', async () => {
		expect(sb.lifecycle).toEqual({ timeScale: 1 });
		expect(fast.lifecycle).toEqual({ timeScale: SCALE });
		expect((await schedule(4)).status).toBe('scheduled');
	});

	it.each([
		['0', ['busy']],
		['1', ['voicemail']],
		['2', ['failed']],
		['3', ['canceled']],
		['4', ['pickup', 'completed', 'outcome']],
		['5', ['pickup', 'completed', 'outcome']],
		['6', ['pickup', 'completed', 'outcome']],
		['7', ['pickup', 'completed', 'outcome']],
		['8', ['queued', 'pickup', 'completed', 'outcome']],
	])('a number ending in %s goes %j', async (digit, path) => {
		const created = await schedule(digit);
		const final = await fast.waitForStatus(created.id, path.at(-1));
		expect(statusesOf(created.id)).toEqual(path);
		const stored = (await call('GET', `/v1/calls/${created.id}`)).json;
		expect(stored).toEqual(final);
		expect(stored).toEqual({
			...created,
			status: path.at(-1),
			extracted_variables: stored.extracted_variables,
		});
		expect((await call('GET', `/v1/calls?id=${created.id}`)).json.items).toEqual([stored]);
		if (path.at(-1) !== 'outcome') expect(stored.extracted_variables).toEqual({});
		else {
			expect(stored.extracted_variables).toEqual({
				interested: digit !== '5' && digit !== '7',
				callback_requested: digit === '6' || digit === '7',
				summary: expect.stringContaining('Lead ' + digit),
			});
		}
		await delivered();
		for (const transition of fast.transitions)
			expect(transition).toEqual({
				id: created.id,
				agent: AGENT_A,
				status: expect.any(String),
				time: expect.any(Number),
				deliveries: expect.any(Array),
				deliveredAt: expect.any(Number),
			});
	});

	it('a number ending in 8 is first "queued", which no subscription can receive', async () => {
		await subscribe('/all', [...STATUSES]);
		const created = await schedule(8);
		expect((await fast.waitForStatus(created.id, 'queued')).status).toBe('queued');
		await fast.waitForStatus(created.id, 'outcome');
		await delivered();
		expect(received.map((r) => r.body.status)).toEqual(['pickup', 'completed', 'outcome']);
	});

	it('a number ending in 9 is never dialled', async () => {
		const never = await schedule(9);
		const reference = await schedule(4);
		await fast.waitForStatus(reference.id, 'outcome');
		expect(statusesOf(never.id)).toEqual([]);
		expect((await call('GET', `/v1/calls/${never.id}`)).json.status).toBe('scheduled');
		await expect(fast.waitForStatus(never.id, 'pickup', 20)).rejects.toThrow(
			/did not reach "pickup".*"scheduled"/,
		);
	});

	it('delivers each transition to the subscriptions whose status and agent filters match', async () => {
		await subscribe('/all', [...STATUSES]);
		await subscribe('/outcome-b', ['outcome'], [AGENT_B]);
		await subscribe('/busy', ['busy', 'pickup'], [AGENT_A]);
		const a = await schedule(4, { agent: AGENT_A });
		const b = await schedule(5, { agent: AGENT_B });
		const busy = await schedule(0, { agent: AGENT_B });
		await Promise.all([
			fast.waitForStatus(a.id, 'outcome'),
			fast.waitForStatus(b.id, 'outcome'),
			fast.waitForStatus(busy.id, 'busy'),
		]);
		await delivered();

		const to = (path) =>
			received
				.filter((r) => r.path === path)
				.map((r) => `${r.body.contact.name}: ${r.body.status}`)
				.sort();
		expect(to('/all')).toEqual([
			'Lead 0: busy',
			'Lead 4: completed',
			'Lead 4: outcome',
			'Lead 4: pickup',
			'Lead 5: completed',
			'Lead 5: outcome',
			'Lead 5: pickup',
		]);
		expect(to('/outcome-b')).toEqual(['Lead 5: outcome']);
		expect(to('/busy')).toEqual(['Lead 4: pickup']);

		// The body is the call as it was at that moment: extracted variables only from the outcome on.
		const bodies = received
			.filter((r) => r.path === '/all' && r.body.id === a.id)
			.map((r) => r.body);
		expect(bodies.map((body) => body.extracted_variables.interested)).toEqual(
			expect.arrayContaining([undefined, undefined, true]),
		);
		const outcome = bodies.find((body) => body.status === 'outcome');
		expect(outcome).toEqual((await call('GET', `/v1/calls/${a.id}`)).json);

		const pickupOfA = fast.transitions.find((t) => t.id === a.id && t.status === 'pickup');
		expect(pickupOfA.deliveries).toEqual([
			{ hookUrl: `${base}/all`, status: 200, body: { ok: true } },
			{ hookUrl: `${base}/busy`, status: 200, body: { ok: true } },
		]);
		expect(pickupOfA.deliveredAt).toBeGreaterThanOrEqual(pickupOfA.time);
	});

	it('starts the timeline at a future datetime, not at creation', async () => {
		const due = new Date(Date.now() + 400).toISOString();
		const later = await schedule(0, { datetime: due });
		const now = await schedule(0);
		await fast.waitForStatus(now.id, 'busy');
		expect(statusesOf(later.id)).toEqual([]);
		await fast.waitForStatus(later.id, 'busy');
		expect(fast.transitions.map((t) => t.id)).toEqual([now.id, later.id]);
		expect(fast.transitions[1].time).toBeGreaterThanOrEqual(Date.parse(due));
	});

	it('lifecycle: false keeps calls scheduled; turning it back on affects new calls', async () => {
		const off = await startSandbox({ apiKey: KEY, lifecycle: false });
		try {
			expect(off.lifecycle).toBeNull();
			const stays = await schedule(0, { target: off });
			off.setLifecycle({ timeScale: SCALE });
			const moves = await schedule(0, { target: off });
			await off.waitForStatus(moves.id, 'busy');
			expect(statusesOf(stays.id, off)).toEqual([]);
			expect((await call('GET', `/v1/calls/${stays.id}`, undefined, off)).json.status).toBe(
				'scheduled',
			);
		} finally {
			await off.close();
		}
	});

	it('setLifecycle(false) freezes pending calls; a new time scale re-times them', async () => {
		fast.setLifecycle({ timeScale: 1000 });
		const slow = await schedule(0);
		fast.setLifecycle({ timeScale: SCALE });
		await fast.waitForStatus(slow.id, 'busy');

		const frozen = await schedule(4);
		await fast.waitForStatus(frozen.id, 'pickup');
		fast.setLifecycle(false);
		fast.setLifecycle(true);
		expect(fast.lifecycle).toEqual({ timeScale: SCALE });
		const reference = await schedule(4);
		await fast.waitForStatus(reference.id, 'outcome');
		expect(statusesOf(frozen.id)).toEqual(['pickup']);
	});

	it('rejects a bad time scale', async () => {
		expect(() => fast.setLifecycle({ timeScale: -1 })).toThrow(TypeError);
		expect(() => fast.setLifecycle(/** @type {any} */ ('fast'))).toThrow(TypeError);
		await expect(startSandbox({ apiKey: KEY, lifecycle: { timeScale: NaN } })).rejects.toThrow(
			TypeError,
		);
		expect(fast.lifecycle).toEqual({ timeScale: SCALE });
	});

	it('waitForStatus resolves at once for a status already reached and rejects an unknown call', async () => {
		const created = await schedule(4);
		await fast.waitForStatus(created.id, 'outcome');
		expect(await fast.waitForStatus(created.id, 'pickup')).toMatchObject({
			id: created.id,
			status: 'outcome',
		});
		expect(await fast.waitForStatus(sb.fixtures.calls[0].id, 'outcome')).toEqual(
			fast.fixtures.calls[0],
		);
		await expect(fast.waitForStatus(makeObjectId(999), 'outcome')).rejects.toThrow(/no call/);
	});

	it('reset() drops pending timelines, transitions and waiters', async () => {
		const dropped = await schedule(0);
		const waiting = fast.waitForStatus(dropped.id, 'busy');
		fast.reset();
		await expect(waiting).rejects.toThrow(/reset/);
		expect(fast.transitions).toEqual([]);
		const fresh = await schedule(4);
		await fast.waitForStatus(fresh.id, 'outcome');
		expect(fast.transitions.map((t) => t.status)).toEqual(['pickup', 'completed', 'outcome']);
	});

	it('close() drops pending timelines and waiters', async () => {
		const closing = await startSandbox({ apiKey: KEY, lifecycle: { timeScale: SCALE } });
		const pending = await schedule(0, { target: closing });
		const waiting = closing.waitForStatus(pending.id, 'busy');
		await closing.close();
		await expect(waiting).rejects.toThrow(/closed/);
		// A call in another sandbox, created later with the same timeline, is the clock.
		const reference = await schedule(0);
		await fast.waitForStatus(reference.id, 'busy');
		expect(closing.transitions).toEqual([]);
	});

	it('the command line takes --time-scale and prints transitions with --verbose', async () => {
		const child = spawn(
			process.execPath,
			[
				path.join(__dirname, '..', '..', 'kit', 'sandbox', 'cli.js'),
				'--port',
				'0',
				'--api-key',
				KEY,
				'--time-scale',
				'0.01',
				'--verbose',
			],
			{
				stdio: ['ignore', 'pipe', 'inherit'],
			},
		);
		try {
			const lines = [];
			let output = '';
			child.stdout.on('data', (chunk) => {
				output += chunk;
				lines.push(...output.split('\n').slice(0, -1));
				output = output.slice(output.lastIndexOf('\n') + 1);
			});
			while (lines.length === 0) await sleep(20);
			const url = /(http:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0])[1];
			const created = await schedule(0, { target: /** @type {any} */ ({ url }) });
			let event;
			while (!event) {
				await sleep(20);
				event = lines
					.slice(1)
					.map((line) => JSON.parse(line))
					.find((entry) => entry.call === created.id);
			}
			expect(event).toMatchObject({ call: created.id, status: 'busy', deliveries: [] });
		} finally {
			child.kill('SIGTERM');
			await once(child, 'exit');
		}
	});

	it('the command line refuses --time-scale with --no-lifecycle, and a bad scale', async () => {
		for (const args of [
			['--time-scale', '0.1', '--no-lifecycle'],
			['--time-scale', 'fast'],
		]) {
			const child = spawn(
				process.execPath,
				[path.join(__dirname, '..', '..', 'kit', 'sandbox', 'cli.js'), '--port', '0', ...args],
				{ stdio: 'ignore' },
			);
			const [code] = await once(child, 'exit');
			expect(code).toBe(2);
		}
	});
});
