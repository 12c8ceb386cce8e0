/**
 * Call → Schedule and Wait for Outcome and Call → Wait for Outcome, through n8n's engine against
 * the sandbox, whose calls move through their statuses by the last digit of the phone number
 * (4–7 answered → outcome, 0 busy, 1 voicemail, 9 never dialled). At time scale 0.02 a call is
 * over within a second, before the node's first re-read (5 s after it was scheduled).
 */
import type { IDataObject } from 'n8n-workflow';

import { awazNode, n8n, runNode } from '../../kit/runner';
import type { Entity, Sandbox } from './helpers';
import { AGENT_ID, expectOutput, expectRequests, locator, PHONE_ID, useSandbox } from './helpers';

const t = useSandbox({ lifecycle: { timeScale: 0.02 } });

const LEADS = [
	{ name: 'Ada', phone: '+14155550104' },
	{ name: 'Bob', phone: '+14155550100' },
	{ name: 'Cyd', phone: '+14155550101' },
];

/** Schedule and Wait over items with `name` and `phone`; `parameters` and `settings` override. */
const scheduleAndWait = (parameters: IDataObject = {}, settings: IDataObject = {}) =>
	awazNode(
		{
			resource: 'call',
			operation: 'scheduleAndWait',
			agentId: locator(AGENT_ID),
			fromPhoneId: locator(PHONE_ID),
			name: '={{ $json.name }}',
			phone: '={{ $json.phone }}',
			...parameters,
		},
		settings,
	);

const waitForOutcome = (callId: string, parameters: IDataObject = {}, settings: IDataObject = {}) =>
	awazNode(
		{ resource: 'call', operation: 'waitForOutcome', callId: locator(callId, 'id'), ...parameters },
		settings,
	);

/** The calls the run created, as the sandbox holds them now. */
const created = (sb: Sandbox): Entity[] => sb.state.calls.slice(sb.fixtures.calls.length);
const post = (lead: { name: string; phone: string }) => ({
	method: 'POST',
	path: '/v1/calls',
	body: {
		agent: AGENT_ID,
		from: PHONE_ID,
		name: lead.name,
		phone: lead.phone,
		datetime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/),
	},
});
const read = (call: Entity) => ({ method: 'GET', path: `/v1/calls/${call.id}` });
/** Statuses the sandbox answered, in order. */
const statuses = (sb: Sandbox) => sb.requests.map((request) => request.status);

describe('Call → Schedule and Wait for Outcome', () => {
	it('schedules all calls first, then waits for all: one item per lead with its final call, in item order', async () => {
		const { output, error } = await runNode(t.env, scheduleAndWait(), LEADS);

		expect(error).toBeUndefined();
		const calls = created(t.sb);
		expect(calls.map((call) => call.status)).toEqual(['outcome', 'busy', 'voicemail']);
		// Each call was over before its first read, so each was read once.
		expectRequests(t.sb, [...LEADS.map(post), ...calls.map(read)]);
		expectOutput(output, [
			[calls[0], 0],
			[calls[1], 1],
			[calls[2], 2],
		]);
		expect(calls[0].extracted_variables).toEqual({
			interested: true,
			callback_requested: false,
			summary: 'Spoke with Ada: interested.',
		});
	});

	it('sends a Date and Time as Schedule does and counts Max Wait from it', async () => {
		const soon = new Date(Date.now() + 4000).toISOString();

		const { output, error } = await runNode(
			t.env,
			scheduleAndWait({ datetime: soon, maxWait: 0.05 }),
			[LEADS[1]],
		);

		// Max Wait is 3 s from the due time, 4 s from now: the call (busy 0.06 s after it is due)
		// makes it. Counted from now, the wait would have ended before the call was even due.
		expect(error).toBeUndefined();
		expect(t.sb.requests[0].body.datetime).toBe(soon.replace(/\.\d+Z$/, '+00:00'));
		expectOutput(output, [[created(t.sb)[0], 0]]);
		expect(output[0].json.status).toBe('busy');
	});

	it('past Max Wait the item fails with the call id, its last status and what to do; the call is not cancelled or placed again', async () => {
		const stuck = { name: 'Dee', phone: '+14155550109' };

		const { output, error } = await runNode(t.env, scheduleAndWait({ maxWait: 0.05 }), [stuck]);

		const [call] = created(t.sb);
		expect(output).toEqual([]);
		expect(error?.message).toBe(`Call ${call.id} is still "scheduled" after 0.05 min (Max Wait)`);
		expect(error?.description).toBe(
			'Waited for outcome, busy, voicemail, failed, canceled. The call was not cancelled or placed again: Awaz goes on with it. Raise Max Wait, look it up later with Call → Get or Call → Wait for Outcome, or use the Awaz Trigger for long waits.',
		);
		expect(error?.context?.itemIndex).toBe(0);
		// Read once, at its deadline (3 s, before the 5 s re-read).
		expectRequests(t.sb, [post(stuck), read(call)]);
	});

	it('with Continue On Fail, a call past Max Wait gives an error item and the others their calls', async () => {
		const leads = [LEADS[0], { name: 'Dee', phone: '+14155550109' }, LEADS[1]];

		const { output, error } = await runNode(
			t.env,
			scheduleAndWait({ maxWait: 0.1 }, { continueOnFail: true }),
			leads,
		);

		expect(error).toBeUndefined();
		const calls = created(t.sb);
		expectOutput(output, [
			[calls[0], 0],
			[
				{
					error: `Call ${calls[1].id} is still "scheduled" after 0.1 min (Max Wait)`,
					// The call exists and goes on in Awaz: its error item says which it is.
					callId: calls[1].id,
				},
				1,
			],
			[calls[2], 2],
		]);
		expect(calls.map((call) => call.status)).toEqual(['outcome', 'scheduled', 'busy']);
		expect(t.sb.requests.filter((request) => request.method === 'POST')).toHaveLength(3);
	});

	it('waits for the statuses chosen: Pickup ends the wait for a call already past it', async () => {
		const { output } = await runNode(t.env, scheduleAndWait({ waitFor: ['pickup'] }), [LEADS[0]]);

		// Read 5 s after scheduling, when the call was at its outcome: past Pickup.
		expect(output.map((item) => item.json.status)).toEqual(['outcome']);
	});

	it('a call Awaz does not show yet (404 right after it was created) is read again', async () => {
		t.sb.inject({ method: 'GET', path: /^\/v1\/calls\//, kind: 'status', status: 404 });

		const { output, error } = await runNode(t.env, scheduleAndWait(), [LEADS[0]]);

		expect(error).toBeUndefined();
		const [call] = created(t.sb);
		expectRequests(t.sb, [post(LEADS[0]), read(call), read(call)]);
		expect(statuses(t.sb)).toEqual([201, 404, 200]);
		expectOutput(output, [[call, 0]]);
	});

	it.each([
		['429 Too Many Requests', 429],
		['503 high traffic', 503],
	])(
		'a %s during the wait is waited out by the transport and the read sent again',
		async (_name, status) => {
			t.sb.inject({
				method: 'GET',
				path: /^\/v1\/calls\//,
				kind: 'status',
				status,
				omitRateLimitHeaders: true,
				headers: { 'retry-after': 1 },
			});

			const { output, error } = await runNode(t.env, scheduleAndWait(), [LEADS[1]]);

			expect(error).toBeUndefined();
			const [call] = created(t.sb);
			expectRequests(t.sb, [post(LEADS[1]), read(call), read(call)]);
			expect(statuses(t.sb)).toEqual([201, status, 200]);
			expectOutput(output, [[call, 0]]);
		},
	);

	it("a 429 that outlasts the read's Max Wait for Rate Limit does not end the wait: the call is read again", async () => {
		// Retry-After 10 s is more than the 1 s the read may wait: the read fails, the wait goes on.
		t.sb.inject({
			method: 'GET',
			path: /^\/v1\/calls\//,
			kind: 'status',
			status: 429,
			omitRateLimitHeaders: true,
			headers: { 'retry-after': 10 },
		});

		const { output, error } = await runNode(
			t.env,
			scheduleAndWait({ options: { maxRateLimitWait: 1 } }),
			[LEADS[1]],
		);

		expect(error).toBeUndefined();
		const [call] = created(t.sb);
		expect(statuses(t.sb)).toEqual([201, 429, 200]);
		expectOutput(output, [[call, 0]]);
	});

	it('Wait For other than the default: a busy call does not end a wait for Voicemail', async () => {
		const { error } = await runNode(
			t.env,
			scheduleAndWait({ waitFor: ['voicemail'], maxWait: 0.05 }),
			[LEADS[1]],
		);

		const [call] = created(t.sb);
		expect(call.status).toBe('busy');
		expect(error?.message).toBe(`Call ${call.id} is still "busy" after 0.05 min (Max Wait)`);
		expect(error?.description).toMatch(/^Waited for voicemail\./);
	});

	it('a refused key during the wait fails the item at once instead of waiting on', async () => {
		t.sb.inject({ method: 'GET', path: /^\/v1\/calls\//, kind: 'status', status: 403 });

		const { error } = await runNode(t.env, scheduleAndWait(), [LEADS[0]]);

		expect(error?.message).toBe('Awaz rejected the API key (403)');
		expect(statuses(t.sb)).toEqual([201, 403]);
	});

	describe('under Retry On Fail (n8n runs the node again on all items)', () => {
		// n8n's own default pause between tries: "now" has moved on by the retry.
		const RETRY = { retryOnFail: true, maxTries: 2, waitBetweenTries: 1000 };
		const posted = () =>
			t.sb.requests
				.filter((request) => request.method === 'POST')
				.map((request) => [request.body.name, request.status]);

		it('a call refused mid-batch is placed on the retry; the calls already placed are not placed again', async () => {
			t.sb.inject({ method: 'POST', path: '/v1/calls', kind: 'status', status: 400, after: 1 });

			const { output, error } = await runNode(t.env, scheduleAndWait({}, RETRY), LEADS);

			expect(error).toBeUndefined();
			expect(posted()).toEqual([
				['Ada', 201],
				['Bob', 400],
				['Bob', 201],
				['Cyd', 201],
			]);
			const calls = created(t.sb);
			expect(calls.map((call) => call.contact.name)).toEqual(['Ada', 'Bob', 'Cyd']);
			expectOutput(output, [
				[calls[0], 0],
				[calls[1], 1],
				[calls[2], 2],
			]);
		});

		it('a wait past Max Wait is waited again on the retry, with no call placed twice', async () => {
			const leads = [LEADS[0], { name: 'Dee', phone: '+14155550109' }];

			const { error } = await runNode(t.env, scheduleAndWait({ maxWait: 0.05 }, RETRY), leads);

			const calls = created(t.sb);
			expect(error?.message).toBe(
				`Call ${calls[1].id} is still "scheduled" after 0.05 min (Max Wait)`,
			);
			expect(posted()).toEqual([
				['Ada', 201],
				['Dee', 201],
			]);
			expect(calls.map((call) => call.contact.name)).toEqual(['Ada', 'Dee']);
			// Each try waited for Dee's call: read at the deadline, twice.
			expect(
				t.sb.requests.filter((request) => request.path === `/v1/calls/${calls[1].id}`),
			).toHaveLength(2);
		});
	});

	it('a stopped execution stops waiting: no read after the stop', async () => {
		const stop = new AbortController();
		const running = n8n.runWorkflow(t.env, {
			nodes: [scheduleAndWait({ maxWait: 30 })],
			items: [{ name: 'Dee', phone: '+14155550109' }],
			signal: stop.signal,
		});
		await until(() => t.sb.requests.some((request) => request.method === 'GET'));
		stop.abort();
		const afterStop = t.sb.requests.length;

		// Resolves only once the node has returned: with 30 min of Max Wait left, it stopped waiting.
		const { run } = await running;

		expect(run.status).toBe('canceled');
		// Longer than the 5 s between two reads of a call: nothing more was sent.
		await new Promise((resolve) => setTimeout(resolve, 6000));
		expect(t.sb.requests).toHaveLength(afterStop);
	});
});

describe('Call → Wait for Outcome', () => {
	it('reads the call, then waits until it has an outcome and outputs it', async () => {
		const call = t.sb.state.calls[1]; // seeded, status "pickup"
		const running = runNode(t.env, waitForOutcome(call.id));
		await until(() => t.sb.requests[0]?.status === 200);
		Object.assign(call, { status: 'outcome', extracted_variables: { interested: true } });

		const { output, error } = await running;

		expect(error).toBeUndefined();
		expectRequests(t.sb, [read(call), read(call)]);
		expectOutput(output, [[call, 0]]);
	});

	it('keeps waiting through a status Awaz does not document ("queued")', async () => {
		const call = t.sb.state.calls[2];
		call.status = 'queued';
		const running = runNode(t.env, waitForOutcome(call.id));
		await until(() => t.sb.requests[0]?.status === 200);
		Object.assign(call, { status: 'busy' });

		const { output, error } = await running;

		expect(error).toBeUndefined();
		expectRequests(t.sb, [read(call), read(call)]);
		expectOutput(output, [[call, 0]]);
	});

	it('a call already at a chosen status is output after one read', async () => {
		const call = t.sb.state.calls[0]; // seeded, status "outcome"

		const { output } = await runNode(t.env, waitForOutcome(call.id));

		expectRequests(t.sb, [read(call)]);
		expectOutput(output, [[call, 0]]);
	});

	it('an id Awaz does not show fails the item once a new call would have shown (30 s of 404s)', async () => {
		const { error } = await runNode(t.env, waitForOutcome('6700000000000000000abcde'));

		expect(error?.message).toBe('Awaz has no call with id 6700000000000000000abcde');
		// Read at once, then every 5 s while a just-scheduled call may not be visible yet.
		expect(statuses(t.sb)).toEqual([404, 404, 404, 404, 404, 404, 404]);
	}, 60_000);

	it('Max Wait counts from now', async () => {
		const call = t.sb.state.calls[1]; // seeded, status "pickup", never changes

		const { error } = await runNode(t.env, waitForOutcome(call.id, { maxWait: 0.05 }));

		expect(error?.message).toBe(`Call ${call.id} is still "pickup" after 0.05 min (Max Wait)`);
		expectRequests(t.sb, [read(call), read(call)]);
	});
});

describe('the pre-flight of the waiting operations: nothing is sent for a batch with a bad item', () => {
	// The fields come from each item, as from a sheet; item 1 is bad, item 0 good.
	const fromItems = scheduleAndWait({
		waitFor: '={{ $json.waitFor ?? ["outcome"] }}',
		maxWait: '={{ $json.maxWait ?? 30 }}',
	});

	it.each([
		[{ waitFor: [] }, 'The "Wait For" field is empty; choose at least one status [item 1]'],
		[
			{ waitFor: ['ringing'] },
			'The "Wait For" field has "ringing", which Awaz does not know; use outcome, pickup, busy, completed, voicemail, failed, canceled [item 1]',
		],
		[{ maxWait: 0 }, 'The "Max Wait (Minutes)" field "0" is not a positive number [item 1]'],
		[{ maxWait: -1 }, 'The "Max Wait (Minutes)" field "-1" is not a positive number [item 1]'],
		[{ maxWait: 'abc' }, 'The "Max Wait (Minutes)" field "abc" is not a positive number [item 1]'],
		[
			{ maxWait: 181 },
			'The "Max Wait (Minutes)" field "181" is more than the 180 minutes an execution is held for a call; for calls due hours ahead or longer waits, schedule with Call → Schedule and get the outcome with the Awaz Trigger [item 1]',
		],
		[
			{ phone: '555-12' },
			/^The "Phone Number" field "555-12" is not a phone number .* \[item 1\]$/,
		],
	])('item 1 with %j', async (bad: IDataObject, message: string | RegExp) => {
		const { error } = await runNode(t.env, fromItems, [LEADS[0], { ...LEADS[1], ...bad }]);

		expect(error?.message).toEqual(
			message instanceof RegExp ? expect.stringMatching(message) : message,
		);
		expect(error?.description).toBe('Nothing was sent to Awaz for this item.');
		expect(t.sb.requests).toEqual([]);
	});

	it('a call due hours ahead is refused with the hold it would need, pointing to the Awaz Trigger', async () => {
		const inTwoHours = new Date(Date.now() + 120 * 60_000 + 30_000).toISOString();

		const { error } = await runNode(t.env, scheduleAndWait({ datetime: inTwoHours, maxWait: 61 }), [
			LEADS[0],
		]);

		expect(error?.message).toMatch(
			/^The "Max Wait \(Minutes\)" field "61" and the 120\.\d+ min until the call is due \(Date and Time\) hold the execution for 181\.\d+ min, is more than the 180 minutes .* Awaz Trigger \[item 0\]$/,
		);
		expect(t.sb.requests).toEqual([]);
	});

	it('Wait for Outcome checks its fields too', async () => {
		const { error } = await runNode(
			t.env,
			waitForOutcome(t.sb.state.calls[0].id, { waitFor: '={{ [] }}' }),
		);

		expect(error?.message).toBe(
			'The "Wait For" field is empty; choose at least one status [item 0]',
		);
		expect(t.sb.requests).toEqual([]);
	});
});

/** Resolves once `condition` holds, checking every 20 ms. */
async function until(condition: () => boolean) {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('the waiting reads take their share of the limit the key states', () => {
	const slow = useSandbox({ lifecycle: false, rateLimit: { limit: 15, windowMs: 60_000 } });

	it('X-RateLimit-Limit 15 a minute: a third is 5 reads a minute, one every 12 s', async () => {
		const call = slow.sb.state.calls[1]; // seeded, status "pickup", never changes

		const { error } = await runNode(slow.env, waitForOutcome(call.id, { maxWait: 0.2 }));

		expect(error?.message).toBe(`Call ${call.id} is still "pickup" after 0.2 min (Max Wait)`);
		const times = slow.sb.requests.map((request) => request.time);
		expect(times).toHaveLength(2);
		// At Awaz's documented 100 a minute the second read would have come 5 s after the first.
		expect(times[1] - times[0]).toBeGreaterThanOrEqual(11_000);
	}, 60_000);
});

describe('many calls are read through the pages of the call list, whatever its order', () => {
	/** Thirty leads whose calls end within a second: answered (…04) or busy (…00). */
	const MANY = Array.from({ length: 30 }, (_, i) => ({
		name: `Lead ${i}`,
		phone: `+1415555${String(1000 + i * 10 + (i % 2 === 0 ? 4 : 0)).padStart(4, '0')}`,
	}));

	describe.each([
		['appends new calls at the end', 'oldest-first', true],
		['lists the newest first', 'newest-first', true],
		['shuffles every page', 'shuffled', false],
		['ignores `page`', 'ignore-page', false],
	] as const)('a server that %s', (_name, listOrder, cheaper) => {
		const bed = useSandbox({ lifecycle: { timeScale: 0.02 }, pageSize: 5, listOrder });

		it(`every lead gets its call's outcome${cheaper ? ', with fewer reads than calls' : ''}`, async () => {
			const { output, error } = await runNode(bed.env, scheduleAndWait(), MANY);

			expect(error).toBeUndefined();
			const calls = created(bed.sb);
			expect(calls.map((call) => call.contact.name)).toEqual(MANY.map((lead) => lead.name));
			expect(output.map((item) => [item.json.id, item.json.status, item.pairedItem])).toEqual(
				calls.map((call, item) => [call.id, call.status, { item }]),
			);
			expect(calls.map((call) => call.status)).toEqual(
				MANY.map((_lead, i) => (i % 2 === 0 ? 'outcome' : 'busy')),
			);
			const reads = bed.sb.requests.filter((request) => request.method === 'GET');
			const pageReads = reads.filter((request) => request.path === '/v1/calls');
			if (cheaper) {
				expect(pageReads.length).toBeGreaterThan(0);
				expect(reads.length).toBeLessThan(MANY.length);
			}
			// A call the list showed at its status is output as the list shows it, over its first answer.
			for (const [index, item] of output.entries()) {
				expect(item.json).toMatchObject({ contact: { name: MANY[index].name } });
			}
		}, 60_000);
	});
});
