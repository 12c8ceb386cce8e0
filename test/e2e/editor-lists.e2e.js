'use strict';
/**
 * The lists the editor fills from Awaz, as n8n serves them to the editor: the searchable
 * resource-locator lists of the Awaz node (Agent, From Phone, Call; POST
 * /rest/dynamic-node-parameters/resource-locator-results) and the Awaz Trigger's agent options
 * (POST /rest/dynamic-node-parameters/options), with the stored credential. The same requests on
 * n8n 1.x and 2.x.
 */
const { AGENT_ID, PHONE_ID, e2eEnv } = require('./helpers');

let n8n;
let sandbox;
let credential;

beforeAll(async () => {
	({ n8n, sandbox, credential } = await e2eEnv());
});
beforeEach(() => sandbox.reset());

/** What the editor posts for a parameter of a node whose other parameters are `parameters`. */
const requestFor = (type, parameters, path, extra) => ({
	path,
	nodeTypeAndVersion: { name: type, version: 1 },
	currentNodeParameters: parameters,
	credentials: { awazApi: { id: credential.id, name: credential.name } },
	...extra,
});

const SCHEDULE = { resource: 'call', operation: 'schedule' };
const searchList = (methodName, path, parameters, extra = {}) =>
	n8n.rest(
		'POST',
		'/dynamic-node-parameters/resource-locator-results',
		requestFor('n8n-nodes-awaz.awaz', parameters, path, { methodName, ...extra }),
	);

test('Call → Schedule: the Agent list names every agent, the search narrows it', async () => {
	const { results } = await searchList('searchAgents', 'agentId', SCHEDULE);
	expect(results).toEqual(
		sandbox.fixtures.agents.map((agent) => ({ name: agent.name, value: agent.id })),
	);
	expect(results.map(({ value }) => value)).toContain(AGENT_ID);

	const first = sandbox.fixtures.agents[0];
	const narrowed = await searchList('searchAgents', 'agentId', SCHEDULE, { filter: first.name });
	expect(narrowed.results).toEqual([{ name: first.name, value: first.id }]);
	expect(sandbox.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
		'GET /v1/agents',
		'GET /v1/agents',
	]);
});

test('Call → Schedule: the From Phone list shows each phone number', async () => {
	const { results } = await searchList('searchPhones', 'fromPhoneId', SCHEDULE);
	expect(results).toEqual(
		sandbox.fixtures.phones.map((phone) => ({ name: phone.number ?? phone.id, value: phone.id })),
	);
	expect(results.map(({ value }) => value)).toContain(PHONE_ID);
});

test('Call → Get: the Call list pages through calls as the editor scrolls', async () => {
	const parameters = { resource: 'call', operation: 'get' };
	const first = await searchList('searchCalls', 'callId', parameters);
	expect(first.results.length).toBeGreaterThan(0);
	expect(first.paginationToken).toBe('1');
	const second = await searchList('searchCalls', 'callId', parameters, {
		paginationToken: first.paginationToken,
	});
	expect(sandbox.requests.map(({ path, query }) => `${path}?page=${query.page}`)).toEqual([
		'/v1/calls?page=0',
		'/v1/calls?page=1',
	]);
	const ids = [...first.results, ...second.results].map(({ value }) => value);
	expect(new Set(ids).size).toBe(ids.length);
});

test('Awaz Trigger: the Agent Names or IDs options list every agent', async () => {
	const options = await n8n.rest(
		'POST',
		'/dynamic-node-parameters/options',
		requestFor('n8n-nodes-awaz.awazTrigger', { statuses: ['completed'] }, 'agentIds', {
			methodName: 'getAgents',
		}),
	);
	// Sorted by name, as the multi-select shows them.
	const byName = [...sandbox.fixtures.agents].sort((a, b) => a.name.localeCompare(b.name));
	expect(options).toEqual(byName.map((agent) => ({ name: agent.name, value: agent.id })));
	expect(sandbox.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
		'GET /v1/agents',
	]);
});
