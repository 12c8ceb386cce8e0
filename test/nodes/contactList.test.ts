import { awazNode, runNode } from '../../kit/runner';
import { expectOutput, expectRequests, useSandbox } from './helpers';

const t = useSandbox();
const getMany = (parameters = {}) =>
	awazNode({ resource: 'contactList', operation: 'getAll', ...parameters });
const LIST_CONTACT_LISTS = { method: 'GET', path: '/v1/contact_lists' };

describe('Contact List → Get Many', () => {
	it('sends GET /v1/contact_lists and outputs one item per list', async () => {
		const { output, error } = await runNode(t.env, getMany({ returnAll: true }));

		expect(error).toBeUndefined();
		expectRequests(t.sb, [LIST_CONTACT_LISTS]);
		expectOutput(output, [
			[{ id: '670000000000000000000201', name: 'December Leads', contacts_count: 42 }, 0],
			[{ id: '670000000000000000000202', name: 'Existing Customers', contacts_count: 15 }, 0],
		]);
	});

	it('returns at most Limit lists', async () => {
		const { output } = await runNode(t.env, getMany({ returnAll: false, limit: 1 }));

		expectRequests(t.sb, [LIST_CONTACT_LISTS]);
		expectOutput(output, [[t.sb.fixtures.contactLists[0], 0]]);
	});

	it('sends one request per input item and pairs each list with its item', async () => {
		const { output } = await runNode(t.env, getMany({ returnAll: true }), [{}, {}]);

		expectRequests(t.sb, [LIST_CONTACT_LISTS, LIST_CONTACT_LISTS]);
		expectOutput(output, [
			[t.sb.fixtures.contactLists[0], 0],
			[t.sb.fixtures.contactLists[1], 0],
			[t.sb.fixtures.contactLists[0], 1],
			[t.sb.fixtures.contactLists[1], 1],
		]);
	});

	it('outputs nothing when there are no contact lists', async () => {
		t.sb.state.contactLists.length = 0;

		const { output, error } = await runNode(t.env, getMany({ returnAll: true }));

		expect(error).toBeUndefined();
		expectRequests(t.sb, [LIST_CONTACT_LISTS]);
		expect(output).toEqual([]);
	});
});
