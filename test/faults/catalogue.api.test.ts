/**
 * Fault catalogue, part 2: what Awaz (or the network between) can answer, short of the rate limit
 * and high traffic (those are in catalogue.limits.test.ts). The fault hits the second item of three
 * (`after: 1` skips the first item's request). Each row states what the user reads and how many
 * requests that item may cost: 1 for a write (never resent once it may have been carried out), up
 * to 3 for a GET that met a network error.
 */
import type { FaultCase, Sandbox } from './harness';
import {
	AGENT_COUNT,
	API_KEY,
	CALL_IDS,
	GET_CALL,
	LIST_AGENTS,
	SCHEDULE,
	UNKNOWN_CALL_ID,
	UNSUBSCRIBE,
	CREATE_CONTACT,
	GET_AGENTS,
	POST_CALLS,
	byInputItem,
	callIdItems,
	captureLogs,
	catalogue,
	contactItems,
	createdCalls,
	createdNames,
	hookItems,
	leakCheck,
	makeObjectId,
	onlyItem1NotPlaced,
	run,
	scheduleItems,
	withBed,
} from './harness';

captureLogs();

/**
 * Item 1's lookup. Call → Get sends the items' lookups side by side, so a fault is aimed at the
 * item's own path rather than at "the second request".
 */
const GET_ITEM_1_CALL = { method: 'GET', path: `/v1/calls/${CALL_IDS[1]}` } as const;
const DELETE_HOOK = { method: 'DELETE', path: '/v1/hooks/calls' } as const;

const MAY_HAVE_HAPPENED =
	'Awaz may still have carried it out: check in Awaz before running the workflow again.';
const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The subscriptions of the three hook items exist before the run. */
const seedHooks = (indexes: number[]) => (sb: Sandbox) => {
	const items = hookItems();
	for (const index of indexes) {
		sb.state.hooks.push({
			hookUrl: String(items[index].hookUrl),
			agents: [],
			status: ['completed'],
		});
	}
};

const statusCases: FaultCase[] = [
	{
		name: '400 with a message from Awaz: the message is passed through',
		params: SCHEDULE,
		items: scheduleItems(),
		faults: [
			{
				...POST_CALLS,
				kind: 'status',
				status: 400,
				body: { message: 'Agent is paused' },
				after: 1,
			},
		],
		fails: {
			item: 1,
			message: /^Awaz refused POST \/v1\/calls \(400\): Agent is paused$/,
			description:
				/^Check the values this item sends\. Nothing was changed in Awaz for this item\.$/,
			httpCode: '400',
		},
		attempts: 1,
		single: true,
		check: onlyItem1NotPlaced,
	},
	{
		name: "400 from Awaz's own validation (a from-phone id that is not the workspace's)",
		params: SCHEDULE,
		items: scheduleItems({ 1: { from: makeObjectId(0xabc) } }),
		fails: {
			item: 1,
			message:
				/^Awaz refused POST \/v1\/calls \(400\): from must be the id of one of your phones; from: must be the id of one of your phones$/,
			description: /Nothing was changed in Awaz/,
			httpCode: '400',
		},
		attempts: 1,
		single: true,
	},
	{
		name: '422 with only a field map: each field and its problem are shown',
		params: CREATE_CONTACT,
		items: contactItems(),
		faults: [
			{
				method: 'POST',
				path: '/v1/contacts',
				kind: 'status',
				status: 422,
				body: { errors: { phone: 'is on the do-not-call list' } },
				after: 1,
			},
		],
		fails: {
			item: 1,
			message: /^Awaz refused POST \/v1\/contacts \(422\): phone: is on the do-not-call list$/,
			description: /Nothing was changed in Awaz/,
			httpCode: '422',
		},
		attempts: 1,
		single: true,
	},
	{
		name: '401: no API key reached Awaz',
		params: GET_CALL,
		items: callIdItems(),
		faults: [
			{ ...GET_ITEM_1_CALL, kind: 'status', status: 401, body: { message: 'Unauthorized' } },
		],
		fails: {
			item: 1,
			message: /^Awaz says no API key was sent \(401\)$/,
			description:
				/^Open the Awaz credential and enter the API key from Awaz \(Settings → Integrations → API Keys\)\.$/,
			httpCode: '401',
		},
		attempts: 1,
		single: true,
	},
	{
		name: '403: Awaz rejected the API key',
		params: CREATE_CONTACT,
		items: contactItems(),
		faults: [{ method: 'POST', path: '/v1/contacts', kind: 'status', status: 403, after: 1 }],
		fails: {
			item: 1,
			message: /^Awaz rejected the API key \(403\)$/,
			description:
				/^Check that the key in the Awaz credential was copied whole and has not been deleted in Awaz\./,
			httpCode: '403',
		},
		attempts: 1,
		single: true,
	},
	{
		name: '404 on call get: "Awaz has no call with id …"',
		params: GET_CALL,
		items: callIdItems({ 1: { id: UNKNOWN_CALL_ID } }),
		fails: {
			item: 1,
			message: new RegExp(`^Awaz has no call with id ${UNKNOWN_CALL_ID}$`),
			description: /^Check the id or URL you gave\. Awaz said: Call not found$/,
			httpCode: '404',
		},
		attempts: 1,
		single: true,
	},
	{
		name: '404 on subscription delete: "no subscription for …"',
		params: UNSUBSCRIBE,
		items: hookItems(),
		setup: seedHooks([0, 2]),
		fails: {
			item: 1,
			message: /^Awaz has no subscription for https:\/\/example\.com\/awaz-events\/1$/,
			description: /^Check the id or URL you gave\. Awaz said: Subscription not found$/,
			httpCode: '404',
		},
		attempts: 1,
		single: true,
		check: ({ sb, variant }) =>
			// Item 0's subscription is gone in both variants; item 2's only when the batch went on.
			expect(sb.state.hooks.map((hook) => hook.hookUrl)).toEqual(
				variant === 'stop' ? ['https://example.com/awaz-events/2'] : [],
			),
	},
	{
		name: '500 on a POST: sent once, and the user is told Awaz may have carried it out',
		params: SCHEDULE,
		items: scheduleItems(),
		faults: [{ ...POST_CALLS, kind: 'status', status: 500, after: 1 }],
		fails: {
			item: 1,
			message: /^Awaz failed on POST \/v1\/calls \(500\): Internal Server Error$/,
			description: new RegExp(`^An error on Awaz's side\\. ${esc(MAY_HAVE_HAPPENED)}$`),
			httpCode: '500',
		},
		attempts: 1,
		single: true,
	},
	{
		name: '500 on a POST that Awaz did carry out: still sent only once (no duplicate call)',
		params: SCHEDULE,
		items: scheduleItems(),
		faults: [{ ...POST_CALLS, kind: 'status', status: 500, applied: true, after: 1 }],
		fails: {
			item: 1,
			message: /^Awaz failed on POST \/v1\/calls \(500\)/,
			description: new RegExp(esc(MAY_HAVE_HAPPENED)),
		},
		attempts: 1,
		single: true,
		check: ({ sb, variant }) =>
			expect(createdNames(sb)).toEqual(
				variant === 'stop' ? ['Person 0', 'Person 1'] : ['Person 0', 'Person 1', 'Person 2'],
			),
	},
	{
		name: '500 on a GET every time: 3 attempts (reads are retried), then "try again later"',
		params: GET_CALL,
		items: callIdItems(),
		faults: [
			{
				...GET_ITEM_1_CALL,
				kind: 'status',
				status: 500,
				body: { error: 'database unavailable' },
				times: 3,
			},
		],
		fails: {
			item: 1,
			message: new RegExp(
				`^Awaz failed on GET /v1/calls/${CALL_IDS[1]} \\(500\\): database unavailable$`,
			),
			description: /^An error on Awaz's side\. Try again later\.$/,
			httpCode: '500',
		},
		attempts: 3,
		single: true,
	},
	{
		name: '500 on a GET once: answered on the retry',
		params: GET_CALL,
		items: callIdItems(),
		faults: [{ ...GET_ITEM_1_CALL, kind: 'status', status: 500 }],
		attempts: 2,
		single: true,
		check: ({ sb, result }) => {
			expect(item1Requests(sb).map((request) => request.status)).toEqual([500, 200]);
			expect(byInputItem(result.output, 3)[1][0].json.id).toBe(CALL_IDS[1]);
		},
	},
	{
		name: '502 HTML error page on a list every time: status named, no HTML in the message',
		params: LIST_AGENTS,
		items: [{}, {}, {}],
		faults: [{ ...GET_AGENTS, kind: 'html', status: 502, after: 1, times: 3 }],
		fails: {
			item: 1,
			message: /^Awaz failed on GET \/v1\/agents \(502\)$/,
			description: /^An error on Awaz's side\. Try again later\.$/,
			httpCode: '502',
		},
		attempts: 3,
	},
	{
		name: '502 HTML error page on a DELETE: sent once, may have been carried out',
		params: UNSUBSCRIBE,
		items: hookItems(),
		setup: seedHooks([0, 1, 2]),
		faults: [{ ...DELETE_HOOK, kind: 'html', status: 502, after: 1 }],
		fails: {
			item: 1,
			message: /^Awaz failed on DELETE \/v1\/hooks\/calls \(502\)$/,
			description: new RegExp(esc(MAY_HAVE_HAPPENED)),
			httpCode: '502',
		},
		attempts: 1,
		single: true,
	},
];

const bodyCases: FaultCase[] = [
	{
		name: 'malformed JSON from a GET',
		params: GET_CALL,
		items: callIdItems(),
		faults: [{ ...GET_ITEM_1_CALL, kind: 'garbled' }],
		fails: {
			item: 1,
			message: new RegExp(
				`^Awaz answered GET /v1/calls/${CALL_IDS[1]} with a response that is not valid JSON$`,
			),
			description: /^The response started with: \{"items": \[$/,
			httpCode: '200',
		},
		attempts: 1,
		single: true,
	},
	{
		name: 'malformed JSON in the 201 answer to a POST: the write is done, its item says so',
		params: SCHEDULE,
		items: scheduleItems(),
		faults: [{ ...POST_CALLS, kind: 'garbled', status: 201, applied: true, after: 1 }],
		attempts: 1,
		single: true,
		check: ({ sb, result }) => {
			// Awaz answered 2xx: the call exists, and failing the item would invite a second call.
			expect(createdNames(sb)).toHaveLength(3);
			const item = byInputItem(result.output, 3)[1];
			expect(item).toHaveLength(1);
			expect(item[0].json).toMatchObject({ scheduled: true, response: '{"items": [' });
		},
	},
	{
		name: 'a server that ignores page= (the same page every time): paging stops, no endless loop',
		params: { resource: 'call', operation: 'getAll', returnAll: true },
		items: [{}],
		faults: [
			{
				method: 'GET',
				path: '/v1/calls',
				kind: 'body',
				body: { items: CALL_IDS.map((id) => ({ id })) },
				times: Infinity,
			},
		],
		attempts: 2,
		check: ({ result }) => expect(result.output.map((entry) => entry.json.id)).toEqual(CALL_IDS),
	},
	{
		name: 'malformed JSON on the second page of a paged list: one error item, no half list',
		params: { resource: 'call', operation: 'getAll', returnAll: true },
		// 57 seeded calls in pages of 20: pages 0, 1 and 2 for each item.
		items: [{}, {}, {}],
		faults: [{ method: 'GET', path: '/v1/calls', kind: 'garbled', after: 4 }],
		fails: {
			item: 1,
			message: /^Awaz answered GET \/v1\/calls with a response that is not valid JSON$/,
			description: /^The response started with: /,
		},
		perItem: 3,
		attempts: 2,
		check: ({ result, variant }) => {
			if (variant !== 'continue') return;
			const groups = byInputItem(result.output, 3);
			expect(groups.map((group) => group.length)).toEqual([57, 1, 57]);
		},
	},
	{
		name: 'empty body on a POST: the item says what was done',
		params: SCHEDULE,
		items: scheduleItems(),
		faults: [{ ...POST_CALLS, kind: 'empty', status: 201, applied: true, after: 1 }],
		attempts: 1,
		single: true,
		check: ({ sb, result }) => {
			const [one] = byInputItem(result.output, 3)[1];
			expect(one.json).toEqual({
				scheduled: true,
				agent: scheduleItems()[1].agent,
				from: scheduleItems()[1].from,
				name: 'Person 1',
				phone: scheduleItems()[1].phone,
				datetime: '2030-01-01T09:00:00+01:00',
			});
			expect(createdNames(sb)).toEqual(['Person 0', 'Person 1', 'Person 2']);
		},
	},
	{
		name: 'empty body on a DELETE: the item says what was deleted',
		params: UNSUBSCRIBE,
		items: hookItems(),
		setup: seedHooks([0, 1, 2]),
		faults: [{ ...DELETE_HOOK, kind: 'empty', status: 204, applied: true, after: 1 }],
		attempts: 1,
		single: true,
		check: ({ result }) =>
			expect(byInputItem(result.output, 3)[1][0].json).toEqual({
				deleted: true,
				hookUrl: 'https://example.com/awaz-events/1',
			}),
	},
	{
		name: 'empty body on a list: no items for it, and no error',
		params: LIST_AGENTS,
		items: [{}, {}, {}],
		faults: [{ ...GET_AGENTS, kind: 'empty', after: 1 }],
		attempts: 1,
		check: ({ result }) =>
			expect(byInputItem(result.output, 3).map((group) => group.length)).toEqual([
				AGENT_COUNT,
				0,
				AGENT_COUNT,
			]),
	},
	{
		name: 'a list response that is not a list ({"items":"nope"})',
		params: LIST_AGENTS,
		items: [{}, {}, {}],
		faults: [{ ...GET_AGENTS, kind: 'body', body: { items: 'nope' }, after: 1 }],
		fails: {
			item: 1,
			message: /^Awaz answered GET \/v1\/agents with something that is not a list$/,
			description: /^Expected \{"items": \[\.\.\.\]\} or an array; got: \{"items":"nope"\}$/,
		},
		attempts: 1,
	},
	{
		name: 'a bare-array list response is accepted',
		params: LIST_AGENTS,
		items: [{}, {}, {}],
		faults: [
			{
				...GET_AGENTS,
				kind: 'body',
				body: [
					{ id: makeObjectId(0x901), name: 'Bare One' },
					{ id: makeObjectId(0x902), name: 'Bare Two' },
				],
				after: 1,
			},
		],
		attempts: 1,
		check: ({ result }) => {
			const groups = byInputItem(result.output, 3);
			expect(groups.map((group) => group.length)).toEqual([AGENT_COUNT, 2, AGENT_COUNT]);
			expect(groups[1].map((entry) => entry.json.name)).toEqual(['Bare One', 'Bare Two']);
		},
	},
];

/** Arrival times of the requests the fault hit and the retry after it. */
/** The requests for item 1's call, in arrival order (the items' lookups interleave). */
const item1Requests = (sb: Sandbox) =>
	sb.requests.filter((request) => request.path === GET_ITEM_1_CALL.path);
/** Milliseconds between item 1's faulted request and its retry. */
const retryGap = (sb: Sandbox) => item1Requests(sb)[1].time - item1Requests(sb)[0].time;

const networkCases: FaultCase[] = [
	{
		name: 'timeout on a POST: sent once, "did not answer … within"',
		params: SCHEDULE,
		items: scheduleItems(),
		faults: [{ ...POST_CALLS, kind: 'delay', delayMs: 1500, after: 1 }],
		fails: {
			item: 1,
			message: /^Awaz did not answer POST \/v1\/calls within 1 s$/,
			description: new RegExp(
				`^The request timed out\\. ${esc(MAY_HAVE_HAPPENED)} A longer timeout can be set under Options → Timeout\\.$`,
			),
		},
		attempts: 1,
		single: true,
	},
	{
		name: 'timeout on a GET, answered on the retry',
		params: GET_CALL,
		items: callIdItems(),
		faults: [{ ...GET_ITEM_1_CALL, kind: 'delay', delayMs: 1500 }],
		attempts: 2,
		single: true,
		check: ({ sb, result }) => {
			expect(item1Requests(sb)).toHaveLength(2);
			// The retry came after the 1 s timeout and a backoff.
			expect(retryGap(sb)).toBeGreaterThanOrEqual(1000);
			expect(byInputItem(result.output, 3)[1][0].json.id).toBe(CALL_IDS[1]);
		},
	},
	{
		name: 'timeout on a GET every time: 3 attempts, then the error',
		params: GET_CALL,
		items: callIdItems(),
		faults: [{ ...GET_ITEM_1_CALL, kind: 'delay', delayMs: 1500, times: 3 }],
		fails: {
			item: 1,
			message: new RegExp(`^Awaz did not answer GET /v1/calls/${CALL_IDS[1]} within 1 s$`),
			description:
				/^The request timed out\. A longer timeout can be set under Options → Timeout\.$/,
		},
		attempts: 3,
		single: true,
	},
	{
		name: 'connection reset on a POST: sent once',
		params: SCHEDULE,
		items: scheduleItems(),
		faults: [{ ...POST_CALLS, kind: 'reset', after: 1 }],
		fails: {
			item: 1,
			message: /^Could not reach Awaz for POST \/v1\/calls$/,
			description: new RegExp(
				`^The connection failed \\(E[A-Z_]+\\) before an answer arrived\\. ${esc(MAY_HAVE_HAPPENED)} Check the Base URL in the Awaz credential and the network\\.$`,
			),
		},
		attempts: 1,
		single: true,
	},
	{
		name: 'connection reset on a DELETE: sent once',
		params: UNSUBSCRIBE,
		items: hookItems(),
		setup: seedHooks([0, 1, 2]),
		faults: [{ ...DELETE_HOOK, kind: 'reset', after: 1 }],
		fails: {
			item: 1,
			message: /^Could not reach Awaz for DELETE \/v1\/hooks\/calls$/,
			description: new RegExp(esc(MAY_HAVE_HAPPENED)),
		},
		attempts: 1,
		single: true,
	},
	{
		name: 'connection reset on a GET, answered on the retry',
		params: GET_CALL,
		items: callIdItems(),
		faults: [{ ...GET_ITEM_1_CALL, kind: 'reset' }],
		attempts: 2,
		single: true,
		check: ({ sb }) => {
			expect(item1Requests(sb).map((request) => request.status)).toEqual([0, 200]);
			expect(retryGap(sb)).toBeGreaterThanOrEqual(1000);
		},
	},
	{
		name: 'connection reset on a GET every time: 3 attempts, then the error',
		params: LIST_AGENTS,
		items: [{}, {}, {}],
		faults: [{ ...GET_AGENTS, kind: 'reset', after: 1, times: 3 }],
		fails: {
			item: 1,
			message: /^Could not reach Awaz for GET \/v1\/agents$/,
			description:
				/^The connection failed \(E[A-Z_]+\) before an answer arrived\. Check the Base URL in the Awaz credential and the network\.$/,
		},
		attempts: 3,
	},
];

/**
 * A proxy, or a Base URL that points at something other than Awaz, sends the request's
 * Authorization header back in a 2xx answer. The key is blotted out of everything the node hands
 * on: output items, and the descriptions of answers it cannot use (leakCheck() below searches all
 * of them). A description quotes the start of an answer: the key is blotted out before the answer
 * is cut, so not even part of it shows.
 */
const KEY_FRAGMENT = API_KEY.slice(0, 13);
/** Puts the key across the 120th character of the answer, where a quoted start is cut. */
const PREAMBLE = 'Proxy error page. '.padEnd(85, '.');

const echoCases: FaultCase[] = [
	{
		name: 'a 2xx JSON answer to a POST that echoes the key: the output item shows *** instead',
		params: CREATE_CONTACT,
		items: contactItems(),
		faults: [{ method: 'POST', path: '/v1/contacts', kind: 'echo', status: 201, after: 1 }],
		attempts: 1,
		single: true,
		check: ({ result }) =>
			expect(byInputItem(result.output, 3)[1].map((entry) => entry.json)).toEqual([
				{ headers: { authorization: 'Bearer ***' } },
			]),
	},
	{
		name: 'a 2xx list whose elements echo the key: the output items show *** instead',
		params: LIST_AGENTS,
		items: [{}, {}, {}],
		faults: [{ ...GET_AGENTS, kind: 'echo', echoAs: 'list', after: 1 }],
		attempts: 1,
		check: ({ result }) =>
			expect(byInputItem(result.output, 3)[1].map((entry) => entry.json)).toEqual([
				{ headers: { authorization: 'Bearer ***' } },
			]),
	},
	{
		name: 'a 2xx answer that is not a list where one was expected, echoing the key: quoted with ***',
		params: LIST_AGENTS,
		items: [{}, {}, {}],
		faults: [{ ...GET_AGENTS, kind: 'echo', after: 1 }],
		fails: {
			item: 1,
			message: /^Awaz answered GET \/v1\/agents with something that is not a list$/,
			description:
				/^Expected \{"items": \[\.\.\.\]\} or an array; got: \{"headers":\{"authorization":"Bearer \*\*\*"\}\}$/,
		},
		attempts: 1,
	},
	{
		name: 'a 2xx answer that is not JSON, with the key across the end of what is quoted: no part of it shows',
		params: LIST_AGENTS,
		items: [{}, {}, {}],
		faults: [{ ...GET_AGENTS, kind: 'echo', echoAs: 'text', body: PREAMBLE, after: 1 }],
		fails: {
			item: 1,
			message: /^Awaz answered GET \/v1\/agents with a response that is not valid JSON$/,
			description: new RegExp(
				`^The response started with: ${esc(PREAMBLE)}Authorization: Bearer \\*\\*\\*\\s*$`,
			),
		},
		attempts: 1,
		check: ({ result }) => {
			const shown = JSON.stringify(result.error ?? result.output);
			expect(shown).not.toContain(KEY_FRAGMENT);
		},
	},
];

catalogue('API answers with an error status', statusCases);
catalogue('API answers with an odd body', bodyCases);
catalogue('network faults', networkCases);
catalogue('answers that echo the API key', echoCases);

describe('a bad credential fails every item, each with its own error item', () => {
	test('no API key in the credential: Awaz answers 401 to each item', async () => {
		await withBed({ apiKey: '' }, async ({ sb, env }) => {
			const result = await run('401 for real', env, SCHEDULE, scheduleItems(), {
				continueOnFail: true,
			});
			expect(result.error).toBeUndefined();
			expect(result.output).toHaveLength(3);
			result.output.forEach((entry, index) => {
				expect(entry.json).toEqual({ error: 'Awaz says no API key was sent (401)' });
				expect(entry.pairedItem).toEqual({ item: index });
			});
			expect(sb.stats().byStatus).toEqual({ 401: 3 });
			expect(createdCalls(sb)).toHaveLength(0);
		});
	});

	test('a revoked key: 403, the workflow stops at item 0 after one request', async () => {
		await withBed({ apiKey: `${API_KEY}-revoked` }, async ({ sb, env }) => {
			const result = await run('403 for real', env, SCHEDULE, scheduleItems());
			expect(result.error?.message).toBe('Awaz rejected the API key (403)');
			expect(result.error?.description).toMatch(/reseller \(white-label\) rights/);
			expect(result.error?.context?.itemIndex).toBe(0);
			expect(sb.stats().byStatus).toEqual({ 403: 1 });
		});
	});
});

leakCheck();
