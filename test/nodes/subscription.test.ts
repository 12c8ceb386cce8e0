import type { IDataObject } from 'n8n-workflow';

import { awazNode, runNode } from '../../kit/runner';
import { AGENT_ID, expectOutput, expectRequests, STATUSES, useSandbox } from './helpers';

const t = useSandbox();
const HOOK_URL = 'https://example.com/awaz-events';
const subscription = (operation: string, parameters: IDataObject = {}) =>
	awazNode({ resource: 'subscription', operation, ...parameters });

describe('Call Event Subscription → Get Many', () => {
	const hooks = [
		{ hookUrl: 'https://example.com/a', agents: [], status: ['pickup'] },
		{ hookUrl: 'https://example.com/b', agents: [AGENT_ID], status: ['outcome', 'failed'] },
	];

	it('sends GET /v1/hooks/calls and outputs one item per subscription', async () => {
		t.sb.state.hooks.push(...structuredClone(hooks));

		const { output, error } = await runNode(t.env, subscription('getAll', { returnAll: true }));

		expect(error).toBeUndefined();
		expectRequests(t.sb, [{ method: 'GET', path: '/v1/hooks/calls' }]);
		expectOutput(
			output,
			hooks.map((hook) => [hook, 0]),
		);
	});

	it('returns at most Limit subscriptions', async () => {
		t.sb.state.hooks.push(...structuredClone(hooks));

		const { output } = await runNode(t.env, subscription('getAll', { returnAll: false, limit: 1 }));

		expectOutput(output, [[hooks[0], 0]]);
	});

	it('sends one request per input item and pairs each list with its item', async () => {
		t.sb.state.hooks.push(...structuredClone(hooks));

		const { output } = await runNode(t.env, subscription('getAll', { returnAll: true }), [{}, {}]);

		expectRequests(t.sb, [
			{ method: 'GET', path: '/v1/hooks/calls' },
			{ method: 'GET', path: '/v1/hooks/calls' },
		]);
		expectOutput(output, [
			[hooks[0], 0],
			[hooks[1], 0],
			[hooks[0], 1],
			[hooks[1], 1],
		]);
	});

	it('outputs nothing when there are no subscriptions', async () => {
		const { output, error } = await runNode(t.env, subscription('getAll', { returnAll: true }));

		expect(error).toBeUndefined();
		expectRequests(t.sb, [{ method: 'GET', path: '/v1/hooks/calls' }]);
		expect(output).toEqual([]);
	});
});

describe('Call Event Subscription → Create', () => {
	it('subscribes to all seven statuses and all agents by default', async () => {
		const { output, error } = await runNode(t.env, subscription('create', { hookUrl: HOOK_URL }));

		expect(error).toBeUndefined();
		const expectedBody = { hookUrl: HOOK_URL, agents: [], status: [...STATUSES] };
		expectRequests(t.sb, [{ method: 'POST', path: '/v1/hooks/calls', body: expectedBody }]);
		expectOutput(output, [[expectedBody, 0]]);
		expect(t.sb.state.hooks).toEqual([expectedBody]);
	});

	it('sends the chosen statuses and agents', async () => {
		const otherAgent = t.sb.fixtures.agents[2].id;

		const { output } = await runNode(
			t.env,
			subscription('create', {
				hookUrl: HOOK_URL,
				statuses: ['pickup', 'completed'],
				agentIds: [AGENT_ID, otherAgent],
			}),
		);

		const expectedBody = {
			hookUrl: HOOK_URL,
			agents: [AGENT_ID, otherAgent],
			status: ['pickup', 'completed'],
		};
		expectRequests(t.sb, [{ method: 'POST', path: '/v1/hooks/calls', body: expectedBody }]);
		expectOutput(output, [[expectedBody, 0]]);
	});

	it('takes statuses and agents from expressions as comma-separated text', async () => {
		await runNode(
			t.env,
			subscription('create', {
				hookUrl: HOOK_URL,
				statuses: '={{ $json.statuses }}',
				agentIds: '={{ $json.agents }}',
			}),
			[{ statuses: 'busy, voicemail', agents: ` ${AGENT_ID} ` }],
		);

		expect(t.sb.requests[0].body).toEqual({
			hookUrl: HOOK_URL,
			agents: [AGENT_ID],
			status: ['busy', 'voicemail'],
		});
	});

	it('subscribes one URL per input item, each output paired to its item', async () => {
		const urls = ['https://example.com/one', 'http://127.0.0.1:5678/webhook/two?token=a%20b&x=1'];

		const { output } = await runNode(
			t.env,
			subscription('create', { hookUrl: '={{ $json.url }}', statuses: ['outcome'] }),
			urls.map((url) => ({ url })),
		);

		expectRequests(
			t.sb,
			urls.map((hookUrl) => ({
				method: 'POST',
				path: '/v1/hooks/calls',
				body: { hookUrl, agents: [], status: ['outcome'] },
			})),
		);
		expectOutput(
			output,
			urls.map((hookUrl, item) => [{ hookUrl, agents: [], status: ['outcome'] }, item]),
		);
	});
});

describe('Call Event Subscription → Delete', () => {
	it("sends DELETE /v1/hooks/calls with the URL in the query and outputs Awaz's answer", async () => {
		t.sb.state.hooks.push({ hookUrl: HOOK_URL, agents: [], status: ['pickup'] });

		const { output, error } = await runNode(t.env, subscription('delete', { hookUrl: HOOK_URL }));

		expect(error).toBeUndefined();
		expectRequests(t.sb, [
			{ method: 'DELETE', path: '/v1/hooks/calls', query: { hookUrl: HOOK_URL } },
		]);
		expectOutput(output, [[{ message: 'Subscription deleted', hookUrl: HOOK_URL }, 0]]);
		expect(t.sb.state.hooks).toEqual([]);
	});

	it('sends a URL with its own query string intact', async () => {
		const url = 'https://example.com/hook?token=a+b%2Fc&x=1#frag';
		t.sb.state.hooks.push({ hookUrl: url, agents: [], status: ['pickup'] });

		const { output } = await runNode(t.env, subscription('delete', { hookUrl: url }));

		expect(t.sb.requests[0].query).toEqual({ hookUrl: url });
		expectOutput(output, [[{ message: 'Subscription deleted', hookUrl: url }, 0]]);
	});

	it('reports what was deleted when Awaz answers without a body', async () => {
		t.sb.inject({ kind: 'empty', status: 204, method: 'DELETE' });

		const { output, error } = await runNode(t.env, subscription('delete', { hookUrl: HOOK_URL }));

		expect(error).toBeUndefined();
		expectOutput(output, [[{ deleted: true, hookUrl: HOOK_URL }, 0]]);
	});

	it('deletes one subscription per input item', async () => {
		const urls = ['https://example.com/a', 'https://example.com/b'];
		t.sb.state.hooks.push(...urls.map((hookUrl) => ({ hookUrl, agents: [], status: ['pickup'] })));

		const { output } = await runNode(
			t.env,
			subscription('delete', { hookUrl: '={{ $json.url }}' }),
			urls.map((url) => ({ url })),
		);

		expectRequests(
			t.sb,
			urls.map((hookUrl) => ({ method: 'DELETE', path: '/v1/hooks/calls', query: { hookUrl } })),
		);
		expectOutput(
			output,
			urls.map((hookUrl, item) => [{ message: 'Subscription deleted', hookUrl }, item]),
		);
		expect(t.sb.state.hooks).toEqual([]);
	});

	it('says which subscription Awaz does not have', async () => {
		const { error } = await runNode(t.env, subscription('delete', { hookUrl: HOOK_URL }));

		expect(error?.message).toBe(`Awaz has no subscription for ${HOOK_URL}`);
		expect(error?.context?.itemIndex).toBe(0);
	});
});
