import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { awazNode, loadOptionsContext, runNode } from '../../kit/runner';
import { expectOutput, expectRequests, PHONE_ID, SECOND_PHONE_ID, useSandbox } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Awaz } = require('../../dist/nodes/Awaz/Awaz.node.js');

const t = useSandbox();
const getMany = (parameters = {}) =>
	awazNode({ resource: 'phone', operation: 'getAll', ...parameters });
const LIST_PHONES = { method: 'GET', path: '/v1/phones' };

describe('Phone → Get Many', () => {
	it('sends GET /v1/phones and outputs one item per phone', async () => {
		const { output, error } = await runNode(t.env, getMany({ returnAll: true }));

		expect(error).toBeUndefined();
		expectRequests(t.sb, [LIST_PHONES]);
		expectOutput(output, [
			[{ id: PHONE_ID, number: '+11111111111' }, 0],
			[{ id: SECOND_PHONE_ID, number: '+12222222222' }, 0],
		]);
	});

	it('returns at most Limit phones', async () => {
		const { output } = await runNode(t.env, getMany({ returnAll: false, limit: 1 }));

		expectRequests(t.sb, [LIST_PHONES]);
		expectOutput(output, [[t.sb.fixtures.phones[0], 0]]);
	});

	it('sends one request per input item and pairs each list with its item', async () => {
		const { output } = await runNode(t.env, getMany({ returnAll: true }), [{}, {}, {}]);

		expectRequests(t.sb, [LIST_PHONES, LIST_PHONES, LIST_PHONES]);
		expectOutput(
			output,
			[0, 1, 2].flatMap((item) =>
				t.sb.fixtures.phones.map((phone): [typeof phone, number] => [phone, item]),
			),
		);
	});

	it('passes fields Awaz adds through unchanged', async () => {
		t.sb.state.phones[0].label = 'Main line';
		t.sb.state.phones[0].capabilities = { sms: false, voice: true };

		const { output } = await runNode(t.env, getMany({ returnAll: true }));

		expect(output[0].json).toEqual({
			id: PHONE_ID,
			number: '+11111111111',
			label: 'Main line',
			capabilities: { sms: false, voice: true },
		});
	});
});

describe('searchPhones', () => {
	const search = (filter?: string) =>
		new Awaz().methods.listSearch.searchPhones.call(
			loadOptionsContext(t.env) as unknown as ILoadOptionsFunctions,
			filter,
		);

	it('lists the phones by number, with the phone id (not the number) as the value', async () => {
		expect(await search()).toEqual({
			results: [
				{ name: '+11111111111', value: PHONE_ID },
				{ name: '+12222222222', value: SECOND_PHONE_ID },
			],
		});
		expectRequests(t.sb, [LIST_PHONES]);
	});

	it('filters by part of the number', async () => {
		expect((await search('2222')).results).toEqual([
			{ name: '+12222222222', value: SECOND_PHONE_ID },
		]);
	});

	it('filters by a pasted phone id', async () => {
		expect((await search(PHONE_ID)).results).toEqual([{ name: '+11111111111', value: PHONE_ID }]);
	});
});
