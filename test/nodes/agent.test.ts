import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { awazNode, loadOptionsContext, runNode } from '../../kit/runner';
import { AGENT_ID, expectOutput, expectRequests, makeObjectId, useSandbox } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Awaz } = require('../../dist/nodes/Awaz/Awaz.node.js');

const t = useSandbox();
const getMany = (parameters = {}) =>
	awazNode({ resource: 'agent', operation: 'getAll', ...parameters });
const LIST_AGENTS = { method: 'GET', path: '/v1/agents' };

describe('Agent → Get Many', () => {
	it('sends GET /v1/agents and outputs one item per agent', async () => {
		const { output, error } = await runNode(t.env, getMany({ returnAll: true }));

		expect(error).toBeUndefined();
		expectRequests(t.sb, [LIST_AGENTS]);
		expectOutput(
			output,
			t.sb.fixtures.agents.map((agent) => [agent, 0]),
		);
	});

	it('keeps non-ASCII names intact', async () => {
		const { output } = await runNode(t.env, getMany({ returnAll: true }));

		expect(output.map((item) => item.json.name)).toContain('Recepción Clínica');
	});

	it('returns at most Limit agents, from a single request', async () => {
		const { output } = await runNode(t.env, getMany({ returnAll: false, limit: 2 }));

		expectRequests(t.sb, [LIST_AGENTS]);
		expectOutput(
			output,
			t.sb.fixtures.agents.slice(0, 2).map((agent) => [agent, 0]),
		);
	});

	it('defaults to a limit of 50', async () => {
		t.sb.state.agents.push(
			...Array.from({ length: 60 }, (_, i) => ({
				id: makeObjectId(0x5000 + i),
				name: `Agent ${i}`,
			})),
		);

		const { output } = await runNode(t.env, getMany());

		expect(output).toHaveLength(50);
		expect(output[49].json).toEqual(t.sb.state.agents[49]);
	});

	it('sends one request per input item and pairs each list with its item', async () => {
		const { output } = await runNode(t.env, getMany({ returnAll: false, limit: 1 }), [
			{ a: 1 },
			{ a: 2 },
		]);

		expectRequests(t.sb, [LIST_AGENTS, LIST_AGENTS]);
		expectOutput(output, [
			[t.sb.fixtures.agents[0], 0],
			[t.sb.fixtures.agents[0], 1],
		]);
	});

	it('accepts a bare array as well as the {"items": [...]} envelope', async () => {
		const agents = [{ id: AGENT_ID, name: 'Only One' }];
		t.sb.inject({ kind: 'body', path: '/v1/agents', body: agents });

		const { output } = await runNode(t.env, getMany({ returnAll: true }));

		expectOutput(output, [[agents[0], 0]]);
	});

	it('outputs nothing when the workspace has no agents', async () => {
		t.sb.state.agents.length = 0;

		const { output, error } = await runNode(t.env, getMany({ returnAll: true }));

		expect(error).toBeUndefined();
		expect(output).toEqual([]);
	});
});

describe('agent dropdowns', () => {
	const methods = () => new Awaz().methods;
	const context = () => loadOptionsContext(t.env) as unknown as ILoadOptionsFunctions;

	it('searchAgents lists every agent by name, with its id as the value', async () => {
		const result = await methods().listSearch.searchAgents.call(context());

		expect(result).toEqual({
			results: t.sb.fixtures.agents.map((agent) => ({ name: agent.name, value: agent.id })),
		});
		expectRequests(t.sb, [LIST_AGENTS]);
	});

	it('searchAgents filters by name, case-insensitively and with accents', async () => {
		expect((await methods().listSearch.searchAgents.call(context(), 'SUPPORT')).results).toEqual([
			{ name: 'Support Agent', value: t.sb.fixtures.agents[1].id },
		]);
		expect((await methods().listSearch.searchAgents.call(context(), 'clín')).results).toEqual([
			{ name: 'Recepción Clínica', value: t.sb.fixtures.agents[2].id },
		]);
	});

	it('searchAgents finds an agent by a pasted id', async () => {
		const result = await methods().listSearch.searchAgents.call(context(), AGENT_ID);

		expect(result.results).toEqual([{ name: 'Sales Assistant', value: AGENT_ID }]);
	});

	it('searchAgents returns no results for a filter nothing matches', async () => {
		const result = await methods().listSearch.searchAgents.call(context(), 'no such agent');

		expect(result.results).toEqual([]);
	});

	it('getAgents offers every agent, sorted by name', async () => {
		const options = await methods().loadOptions.getAgents.call(context());

		expect(options).toEqual([
			{ name: 'Recepción Clínica', value: t.sb.fixtures.agents[2].id },
			{ name: 'Sales Assistant', value: AGENT_ID },
			{ name: 'Support Agent', value: t.sb.fixtures.agents[1].id },
		]);
		expectRequests(t.sb, [LIST_AGENTS]);
	});

	it('a dropdown reports a rejected key in words, not as a crash', async () => {
		t.sb.inject({ kind: 'status', status: 403, path: '/v1/agents' });

		await expect(methods().loadOptions.getAgents.call(context())).rejects.toThrow(
			/Awaz rejected the API key/,
		);
	});
});
