import type { IDataObject, ILoadOptionsFunctions } from 'n8n-workflow';

import { awazNode, loadOptionsContext, runNode } from '../../kit/runner';
import {
	AGENT_ID,
	expectOutput,
	expectRequests,
	locator,
	makeObjectId,
	PHONE_ID,
	SECOND_PHONE_ID,
	useSandbox,
	scheduleNode,
} from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Awaz } = require('../../dist/nodes/Awaz/Awaz.node.js');

// The sandbox's defaults, spelled out because the paging tests count on them: 57 calls, 20 a page.
const t = useSandbox({ callCount: 57, pageSize: 20 });

const page = (n: number, extra: Record<string, string> = {}) => ({
	method: 'GET',
	path: '/v1/calls',
	query: { page: String(n), ...extra },
});
const getMany = (parameters = {}) =>
	awazNode({ resource: 'call', operation: 'getAll', ...parameters });
const calls = () => t.sb.fixtures.calls;

describe('Call → Get Many', () => {
	it('Return All walks the pages until a short one: 57 calls at 20 a page are pages 0, 1 and 2', async () => {
		const { output, error } = await runNode(t.env, getMany({ returnAll: true }));

		expect(error).toBeUndefined();
		expectRequests(t.sb, [page(0), page(1), page(2)]);
		expectOutput(
			output,
			calls().map((call) => [call, 0]),
		);
	});

	it('Return All stops at the first empty page when the last full page ends the list', async () => {
		t.sb.state.calls.splice(40);

		const { output } = await runNode(t.env, getMany({ returnAll: true }));

		expectRequests(t.sb, [page(0), page(1), page(2)]);
		expectOutput(
			output,
			calls()
				.slice(0, 40)
				.map((call) => [call, 0]),
		);
	});

	it('a limit within the first page needs exactly one request', async () => {
		const { output } = await runNode(t.env, getMany({ returnAll: false, limit: 5 }));

		expectRequests(t.sb, [page(0)]);
		expectOutput(
			output,
			calls()
				.slice(0, 5)
				.map((call) => [call, 0]),
		);
	});

	it('a limit of 25 needs two pages', async () => {
		const { output } = await runNode(t.env, getMany({ returnAll: false, limit: 25 }));

		expectRequests(t.sb, [page(0), page(1)]);
		expectOutput(
			output,
			calls()
				.slice(0, 25)
				.map((call) => [call, 0]),
		);
	});

	it('a limit that ends exactly on a page boundary does not fetch the next page', async () => {
		const { output } = await runNode(t.env, getMany({ returnAll: false, limit: 40 }));

		expectRequests(t.sb, [page(0), page(1)]);
		expect(output).toHaveLength(40);
	});

	it('the default limit is 50', async () => {
		const { output } = await runNode(t.env, getMany());

		expectRequests(t.sb, [page(0), page(1), page(2)]);
		expectOutput(
			output,
			calls()
				.slice(0, 50)
				.map((call) => [call, 0]),
		);
	});

	it('a limit above the number of calls returns them all', async () => {
		const { output } = await runNode(t.env, getMany({ returnAll: false, limit: 500 }));

		expectRequests(t.sb, [page(0), page(1), page(2)]);
		expect(output).toHaveLength(57);
	});

	it('the Call ID filter is sent as the id query parameter and returns only that call', async () => {
		const wanted = calls()[33];

		const { output } = await runNode(
			t.env,
			getMany({ returnAll: true, filters: { id: wanted.id } }),
		);

		expectOutput(output, [[wanted, 0]]);
		// At most one call matches an id: one request, no second page.
		expectRequests(t.sb, [page(0, { id: wanted.id })]);
	});

	it('the Call ID filter outputs nothing for an id Awaz does not know', async () => {
		const { output, error } = await runNode(
			t.env,
			getMany({ returnAll: true, filters: { id: makeObjectId(0xabcdef) } }),
		);

		expect(error).toBeUndefined();
		expect(output).toEqual([]);
		expectRequests(t.sb, [page(0, { id: makeObjectId(0xabcdef) })]);
	});

	it('each input item pages on its own, with its own filter, paired to its item', async () => {
		const [first, second] = [calls()[3], calls()[45]];

		const { output } = await runNode(
			t.env,
			getMany({ returnAll: false, limit: 1, filters: { id: '={{ $json.callId }}' } }),
			[{ callId: first.id }, { callId: second.id }],
		);

		expectRequests(t.sb, [page(0, { id: first.id }), page(0, { id: second.id })]);
		expectOutput(output, [
			[first, 0],
			[second, 1],
		]);
	});

	it('with several items and Return All, every item gets all pages', async () => {
		const { output } = await runNode(t.env, getMany({ returnAll: true }), [{}, {}]);

		expectRequests(t.sb, [page(0), page(1), page(2), page(0), page(1), page(2)]);
		expectOutput(output, [
			...calls().map((call): [IDataObject, number] => [call, 0]),
			...calls().map((call): [IDataObject, number] => [call, 1]),
		]);
	});
});

describe('Call → Get', () => {
	const get = (callId: IDataObject) => awazNode({ resource: 'call', operation: 'get', callId });

	it('sends GET /v1/calls/{id} for a call picked from the list and outputs the call', async () => {
		const call = calls()[2];

		const { output, error } = await runNode(t.env, get(locator(call.id, 'list')));

		expect(error).toBeUndefined();
		expectRequests(t.sb, [{ method: 'GET', path: `/v1/calls/${call.id}` }]);
		expectOutput(output, [[call, 0]]);
	});

	it('takes a pasted id, trimming the spaces around it', async () => {
		const call = calls()[10];

		const { output } = await runNode(t.env, get(locator(`  ${call.id} `, 'id')));

		expectRequests(t.sb, [{ method: 'GET', path: `/v1/calls/${call.id}` }]);
		expectOutput(output, [[call, 0]]);
	});

	it('gets one call per input item, each paired to its item', async () => {
		const wanted = [calls()[0], calls()[56], calls()[20]];

		const { output } = await runNode(
			t.env,
			get(locator('={{ $json.id }}', 'id')),
			wanted.map((call) => ({ id: call.id })),
		);

		// The lookups go out side by side, so they may arrive in any order; the output keeps item order.
		expect(t.sb.requests.map((request) => `${request.method} ${request.path}`).sort()).toEqual(
			wanted.map((call) => `GET /v1/calls/${call.id}`).sort(),
		);
		expectOutput(
			output,
			wanted.map((call, item) => [call, item]),
		);
	});

	it('looks up to 8 calls at once and still outputs them in item order', async () => {
		const wanted = calls().slice(0, 12);
		// The first lookup is slow: the next ones must not wait for it.
		t.sb.inject({ method: 'GET', path: `/v1/calls/${wanted[0].id}`, kind: 'delay', delayMs: 400 });

		const { output } = await runNode(
			t.env,
			get(locator('={{ $json.id }}', 'id')),
			wanted.map((call) => ({ id: call.id })),
		);

		const arrival = (id: string) =>
			t.sb.requests.find((request) => request.path === `/v1/calls/${id}`)!.time;
		// Items 1…7 were asked for while item 0 was still waiting for its answer…
		for (const call of wanted.slice(1, 8))
			expect(arrival(call.id) - arrival(wanted[0].id)).toBeLessThan(400);
		expect(t.sb.requests).toHaveLength(12);
		// …and the slow first answer still comes out first.
		expectOutput(
			output,
			wanted.map((call, item) => [call, item]),
		);
	});
});

describe('Call → Schedule', () => {
	const schedule = scheduleNode;

	it('sends POST /v1/calls with agent, name, phone, from and datetime, and outputs the new call', async () => {
		const { output, error } = await runNode(t.env, schedule());

		expect(error).toBeUndefined();
		expectRequests(t.sb, [
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
			},
		]);
		const created = t.sb.state.calls[57];
		expect(created).toMatchObject({
			agent: AGENT_ID,
			from: PHONE_ID,
			status: 'scheduled',
			datetime: '2025-06-01T12:30:00.000Z',
			contact: { name: 'Jane Doe', phone: '+14155550123' },
		});
		expectOutput(output, [[created, 0]]);
	});

	it('takes agent and phone ids pasted in ID mode', async () => {
		const otherAgent = t.sb.fixtures.agents[1].id;

		await runNode(
			t.env,
			schedule({ agentId: locator(otherAgent, 'id'), fromPhoneId: locator(SECOND_PHONE_ID, 'id') }),
		);

		expect(t.sb.requests[0].body).toMatchObject({ agent: otherAgent, from: SECOND_PHONE_ID });
	});

	it('schedules one call per input item, in order, each output paired to its item', async () => {
		const people = [
			{ who: 'Ana', number: '+34911222333', at: '2025-06-02T09:00:00+02:00' },
			{ who: 'Ben', number: '+442071234567', at: '2025-06-02T10:00:00+01:00' },
		];

		const { output } = await runNode(
			t.env,
			schedule({
				name: '={{ $json.who }}',
				phone: '={{ $json.number }}',
				datetime: '={{ $json.at }}',
			}),
			people,
		);

		expect(t.sb.requests.map((request) => request.body)).toEqual(
			people.map((person) => ({
				agent: AGENT_ID,
				name: person.who,
				phone: person.number,
				from: PHONE_ID,
				datetime: person.at,
			})),
		);
		expectOutput(output, [
			[t.sb.state.calls[57], 0],
			[t.sb.state.calls[58], 1],
		]);
		expect(output.map((item) => (item.json.contact as IDataObject).name)).toEqual(['Ana', 'Ben']);
	});

	describe('under Retry On Fail', () => {
		const scheduleWithRetry = () =>
			awazNode(
				{
					resource: 'call',
					operation: 'schedule',
					agentId: locator(AGENT_ID),
					fromPhoneId: locator(PHONE_ID),
					name: '={{ $json.who }}',
					phone: '+14155550123',
					datetime: '2025-06-01T14:30:00+02:00',
				},
				{ retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
			);
		const sent = () =>
			t.sb.requests.map((request) => [(request.body as IDataObject).name, request.status]);

		it('a retry does not schedule the calls that already went through again', async () => {
			// A 400 means Awaz did nothing, so the refused item may be sent again.
			t.sb.inject({ kind: 'status', status: 400, method: 'POST', after: 1, times: 1 });

			const { output, error } = await runNode(t.env, scheduleWithRetry(), [
				{ who: 'Ana' },
				{ who: 'Ben' },
			]);

			expect(error).toBeUndefined();
			expect(sent()).toEqual([
				['Ana', 201],
				['Ben', 400],
				['Ben', 201],
			]);
			expect(t.sb.state.calls.slice(57).map((call) => (call.contact as IDataObject).name)).toEqual([
				'Ana',
				'Ben',
			]);
			expectOutput(output, [
				[t.sb.state.calls[57], 0],
				[t.sb.state.calls[58], 1],
			]);
		});

		it('a call Awaz may have scheduled despite a 500 is not scheduled again', async () => {
			t.sb.inject({ kind: 'status', status: 500, method: 'POST', after: 1, times: 1 });

			const { output, error } = await runNode(t.env, scheduleWithRetry(), [
				{ who: 'Ana' },
				{ who: 'Ben' },
			]);

			expect(sent()).toEqual([
				['Ana', 201],
				['Ben', 500],
			]);
			expect(output).toEqual([]);
			expect(error?.message).toMatch(
				/^Not sent again: the earlier try may have been carried out by Awaz/,
			);
			expect(error?.context?.itemIndex).toBe(1);
		});
	});

	it('reports a successful schedule that Awaz answered without a body as what was sent', async () => {
		t.sb.inject({ kind: 'empty', status: 204, method: 'POST', path: '/v1/calls' });

		const { output, error } = await runNode(t.env, schedule());

		expect(error).toBeUndefined();
		expectOutput(output, [
			[
				{
					scheduled: true,
					agent: AGENT_ID,
					name: 'Jane Doe',
					phone: '+14155550123',
					from: PHONE_ID,
					datetime: '2025-06-01T14:30:00+02:00',
				},
				0,
			],
		]);
	});
});

describe('searchCalls', () => {
	const search = (filter?: string, paginationToken?: string) =>
		new Awaz().methods.listSearch.searchCalls.call(
			loadOptionsContext(t.env) as unknown as ILoadOptionsFunctions,
			filter,
			paginationToken,
		);
	const entry = (call: IDataObject) => {
		const contact = call.contact as IDataObject;
		return { name: `${contact.name} ${contact.phone} (${call.status})`, value: call.id };
	};

	it('lists the first page of calls by contact and status, and offers the next page', async () => {
		const result = await search();

		expectRequests(t.sb, [page(0)]);
		expect(result).toEqual({ results: calls().slice(0, 20).map(entry), paginationToken: '1' });
		expect(result.results[0]).toEqual({
			name: 'Contact 001 +15550000001 (outcome)',
			value: calls()[0].id,
		});
	});

	it('fetches the page the pagination token names', async () => {
		const result = await search(undefined, '2');

		expectRequests(t.sb, [page(2)]);
		expect(result.results).toEqual(calls().slice(40).map(entry));
	});

	it('offers no further page once a page comes back empty', async () => {
		const result = await search(undefined, '3');

		expectRequests(t.sb, [page(3)]);
		expect(result).toEqual({ results: [], paginationToken: undefined });
	});

	it('filters the page by contact name, phone, status or id', async () => {
		expect((await search('contact 003')).results).toEqual([entry(calls()[2])]);
		expect((await search('+15550000004')).results).toEqual([entry(calls()[3])]);
		expect((await search('voicemail')).results).toEqual(
			calls()
				.slice(0, 20)
				.filter((call) => call.status === 'voicemail')
				.map(entry),
		);
		expect((await search(calls()[5].id)).results).toEqual([entry(calls()[5])]);
	});

	it('reads on past pages without a match, so a typed call on a later page is found', async () => {
		const result = await search('contact 045');

		expectRequests(t.sb, [page(0), page(1), page(2)]);
		expect(result).toEqual({ results: [entry(calls()[44])], paginationToken: '3' });
	});

	it('stops reading at the end of the list when nothing matches', async () => {
		const result = await search('nobody by this name');

		expectRequests(t.sb, [page(0), page(1), page(2), page(3)]);
		expect(result).toEqual({ results: [] });
	});
});
