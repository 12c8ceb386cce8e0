import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';

import type { AwazOperation } from '../../nodes/Awaz/actions/operation';
import { ONE_AT_A_TIME_READ, ONE_AT_A_TIME_WRITE } from '../../nodes/Awaz/actions/operation';
import { runOverItems } from '../../nodes/Awaz/actions/router';
import { CALLS_PATH, callPath } from '../../nodes/shared/endpoints';
import { AwazApiError } from '../../nodes/shared/transport';

const NODE = {
	name: 'Awaz',
	type: 'n8n-nodes-awaz.awaz',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { awazApi: { id: `unit-${Math.random()}`, name: 'Awaz' } },
} as unknown as INode;

/** An execute context over `count` items whose HTTP requests are answered by `answer`. */
function contextFor(count: number, answer: (url: string) => { statusCode: number; body: unknown }) {
	const sent: string[] = [];
	const nodeContext = {};
	const ctx = {
		getInputData: () => Array.from({ length: count }, () => ({ json: {} })),
		getNode: () => NODE,
		getNodeParameter: (_name: string, _itemIndex: number, fallback: unknown) => fallback,
		continueOnFail: () => false,
		getContext: () => nodeContext,
		getCredentials: async () => ({ apiKey: 'unit-key', baseUrl: 'http://awaz.test' }),
		logger: { info: () => {}, warn: () => {}, debug: () => {} },
		helpers: {
			httpRequestWithAuthentication: async (_credential: string, options: IHttpRequestOptions) => {
				sent.push(`${options.method} ${String(options.url).replace('http://awaz.test', '')}`);
				return { headers: {}, ...answer(String(options.url)) };
			},
		},
	} as unknown as IExecuteFunctions;
	return { ctx, sent };
}

/** A made-up operation with a second phase, the way Call → Wait for Outcome would be built. */
const lookThenFollowUp: AwazOperation = {
	description: [],
	traits: ONE_AT_A_TIME_READ,
	plan: (itemIndex) => ({
		kind: 'single',
		request: { method: 'GET', path: callPath(`call-${itemIndex}`) },
		whenNoBody: {},
	}),
	async afterItems(results, tools) {
		return await Promise.all(
			results.map(async (result, itemIndex) => {
				if (!('output' in result)) return result;
				const again = (await tools.request(itemIndex, {
					method: 'GET',
					path: callPath(String(result.output[0].json.id)),
				})) as IDataObject;
				return {
					output: result.output.map((item) => ({
						...item,
						json: { ...item.json, followUp: again.status },
					})),
				};
			}),
		);
	},
};

describe('the router with an operation that has a second phase', () => {
	it('runs every item, then the second phase over all of them, output in item order with pairedItem', async () => {
		const { ctx, sent } = contextFor(3, (url) => ({
			statusCode: 200,
			body: { id: url.split('/').pop(), status: 'completed' },
		}));
		const [output] = await runOverItems(ctx, lookThenFollowUp);
		expect(output).toEqual(
			[0, 1, 2].map((item) => ({
				json: { id: `call-${item}`, status: 'completed', followUp: 'completed' },
				pairedItem: { item },
			})),
		);
		expect(sent.slice(0, 3)).toEqual([
			'GET /v1/calls/call-0',
			'GET /v1/calls/call-1',
			'GET /v1/calls/call-2',
		]);
		expect(sent).toHaveLength(6);
	});

	it('skips the second phase when an item fails and stops the node, naming the item', async () => {
		const { ctx, sent } = contextFor(3, (url) =>
			url.endsWith('call-1')
				? { statusCode: 404, body: {} }
				: { statusCode: 200, body: { id: 'x' } },
		);
		await expect(runOverItems(ctx, lookThenFollowUp)).rejects.toMatchObject({
			message: 'Awaz found nothing at GET /v1/calls/call-1 (404)',
			context: { itemIndex: 1 },
		});
		expect(sent).toEqual(['GET /v1/calls/call-0', 'GET /v1/calls/call-1']);
	});
});

describe('a write that may have been carried out', () => {
	const scheduleOne: AwazOperation = {
		description: [],
		traits: ONE_AT_A_TIME_WRITE,
		plan: () => ({
			kind: 'single',
			request: { method: 'POST', path: CALLS_PATH, body: { phone: '+14155550123' } },
			whenNoBody: {},
		}),
	};

	it('fails with an error that says so, and is not sent again when n8n retries the node', async () => {
		const { ctx, sent } = contextFor(1, () => {
			throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
		});
		const first = await runOverItems(ctx, scheduleOne).catch((error: unknown) => error);
		expect(first).toBeInstanceOf(AwazApiError);
		expect(first).toMatchObject({
			message: 'Could not reach Awaz for POST /v1/calls',
			mayHaveBeenCarriedOut: true,
		});
		await expect(runOverItems(ctx, scheduleOne)).rejects.toMatchObject({
			message: expect.stringMatching(/^Not sent again: the earlier try may have been carried out/),
		});
		expect(sent).toEqual(['POST /v1/calls']);
	});
});

describe('what identifies an item across tries', () => {
	const scheduleEach: AwazOperation = {
		description: [],
		traits: ONE_AT_A_TIME_WRITE,
		plan: (itemIndex) => ({
			kind: 'single',
			request: { method: 'POST', path: CALLS_PATH, body: { item: itemIndex } },
			whenNoBody: {},
		}),
	};

	/** Runs scheduleEach over `inputs` in `nodeContext`; item 1's POST is refused while `refuse`. */
	async function tryOnce(nodeContext: IDataObject, inputs: IDataObject[], refuse: boolean) {
		const sent: string[] = [];
		const ctx = {
			...contextFor(0, () => ({ statusCode: 500, body: {} })).ctx,
			getInputData: () => inputs.map((json) => ({ json })),
			getContext: () => nodeContext,
			helpers: {
				httpRequestWithAuthentication: async (
					_credential: string,
					options: IHttpRequestOptions,
				) => {
					const { item } = options.body as { item: number };
					sent.push(`POST item ${item}`);
					return refuse && item === 1
						? { statusCode: 400, headers: {}, body: { message: 'refused' } }
						: { statusCode: 201, headers: {}, body: { id: `call-${item}-${sent.length}` } };
				},
			},
		} as unknown as IExecuteFunctions;
		const outcome = await runOverItems(ctx, scheduleEach).catch((error: Error) => error);
		return { sent, outcome };
	}

	it('the same position with the same input item is the same item: its call is not placed again', async () => {
		const nodeContext = {};
		const first = await tryOnce(nodeContext, [{ name: 'Ann' }, { name: 'Bob' }], true);
		expect(first.sent).toEqual(['POST item 0', 'POST item 1']);
		expect(first.outcome).toBeInstanceOf(Error);

		const retry = await tryOnce(nodeContext, [{ name: 'Ann' }, { name: 'Bob' }], false);
		expect(retry.sent).toEqual(['POST item 1']);
		expect(retry.outcome).toEqual([
			[
				{ json: { id: 'call-0-1' }, pairedItem: { item: 0 } },
				{ json: { id: 'call-1-1' }, pairedItem: { item: 1 } },
			],
		]);
	});

	it('the same position with another input item is another item: its call is placed', async () => {
		const nodeContext = {};
		await tryOnce(nodeContext, [{ name: 'Ann' }, { name: 'Bob' }], true);

		const next = await tryOnce(nodeContext, [{ name: 'Cleo' }, { name: 'Bob' }], false);
		expect(next.sent).toEqual(['POST item 0', 'POST item 1']);
		expect(next.outcome).toEqual([
			[
				{ json: { id: 'call-0-1' }, pairedItem: { item: 0 } },
				{ json: { id: 'call-1-2' }, pairedItem: { item: 1 } },
			],
		]);
	});
});
