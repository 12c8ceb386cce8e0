import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { TransportSettings } from '../../shared/transport';
import {
	answerToJson,
	awazApiRequest,
	awazPages,
	listItems,
	mayHaveBeenCarriedOut,
} from '../../shared/transport';
import type { AwazOperation, BatchTools, ItemResult, Plan } from './operation';
import { findOperation } from './registry';

/** Where a write's answer is kept until the node finishes, keyed by item index. */
const SENT_KEY = 'awazSentWrites';

interface SentWrite {
	request: string;
	/** What Awaz answered, when it did. */
	output?: IDataObject[];
	/** Why the outcome is unknown, when the request failed in a way Awaz may have carried it out. */
	unknownOutcome?: string;
}

/**
 * Runs `task` for items 0…count-1 with at most `concurrency` at a time, taking items in order, and
 * returns the results in item order. With `stopOnError`, no further item starts after a failure:
 * the results end at the items that ran, and the first failure among them is the lowest-numbered.
 */
async function inItemOrder(
	count: number,
	concurrency: number,
	task: (itemIndex: number) => Promise<ItemResult>,
	stopOnError: boolean,
): Promise<ItemResult[]> {
	const results: ItemResult[] = [];
	let next = 0;
	let failed = false;
	const worker = async () => {
		while (next < count && !(stopOnError && failed)) {
			const itemIndex = next++;
			results[itemIndex] = await task(itemIndex);
			if ('error' in results[itemIndex]) failed = true;
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
	return results;
}

async function run(
	ctx: IExecuteFunctions,
	operation: AwazOperation,
	plan: Plan,
	itemIndex: number,
	settings: Partial<TransportSettings>,
	sent: Record<string, SentWrite>,
	emit: (json: IDataObject[]) => void,
): Promise<void> {
	const scope = { itemIndex, settings };
	if (plan.kind === 'list') {
		if (plan.paged) {
			for await (const page of awazPages.call(ctx, plan.request, plan.limit, scope)) emit(page);
			return;
		}
		const elements = listItems(
			ctx,
			await awazApiRequest.call(ctx, plan.request, scope),
			plan.request,
			scope,
		);
		emit(plan.limit === undefined ? elements : elements.slice(0, plan.limit));
		return;
	}
	const fingerprint = plan.memoKey ?? JSON.stringify(plan.request);
	const earlier =
		operation.traits.writes && sent[itemIndex]?.request === fingerprint
			? sent[itemIndex]
			: undefined;
	// n8n's Retry On Fail runs the node again on all of its items: hand back what was already done
	// instead of, say, scheduling the same call twice, and never repeat a write Awaz may have done.
	if (earlier?.output) {
		emit(earlier.output);
		return;
	}
	if (earlier?.unknownOutcome) {
		throw new NodeApiError(ctx.getNode(), { message: earlier.unknownOutcome } as JsonObject, {
			message: `Not sent again: the earlier try may have been carried out by Awaz (${earlier.unknownOutcome})`,
			description:
				'Retry On Fail runs the node again, but this write failed in a way that Awaz may still have carried it out. Check in Awaz, then run the workflow again for this item if needed.',
			itemIndex,
		});
	}
	let body: unknown;
	try {
		body = await awazApiRequest.call(ctx, plan.request, {
			...scope,
			notFoundMessage: plan.notFoundMessage,
		});
	} catch (error) {
		if (operation.traits.writes && mayHaveBeenCarriedOut(error)) {
			sent[itemIndex] = { request: fingerprint, unknownOutcome: (error as Error).message };
		}
		throw asNodeError(ctx, error, itemIndex);
	}
	const output = answerToJson(body, plan.whenNoBody);
	if (operation.traits.writes) sent[itemIndex] = { request: fingerprint, output };
	emit(output);
}

/** Our errors as they are (both constructors hand an error of their own kind back unchanged). */
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number) {
	return error instanceof NodeApiError
		? new NodeApiError(ctx.getNode(), error as unknown as JsonObject)
		: new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = findOperation(resource, operationName);
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" is not supported for "${resource}"`,
		);
	}
	return await runOperation(this, operation);
}

/** Runs one operation over the node's input items: plan all, run in order, then `afterItems`. */
export async function runOperation(
	ctx: IExecuteFunctions,
	operation: AwazOperation,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const optionsOf = (itemIndex: number) =>
		ctx.getNodeParameter('options', itemIndex, {}) as Partial<TransportSettings>;
	const continueOnFail = ctx.continueOnFail();

	// Every item is checked before the first request: a batch with a bad row fails before anyone
	// is called, so that running it again after the fix calls nobody twice.
	const plans = items.map((_, itemIndex): Plan | Error => {
		try {
			return operation.plan.call(ctx, itemIndex);
		} catch (error) {
			if (continueOnFail) return error as Error;
			throw asNodeError(ctx, error, itemIndex);
		}
	});

	const context = ctx.getContext('node');
	const sent = (context[SENT_KEY] ??= {}) as Record<string, SentWrite>;

	const runItem = async (itemIndex: number): Promise<ItemResult> => {
		const pairedItem = { item: itemIndex };
		// An item's output is kept back until it has all arrived: a list that fails on its third
		// page gives one error item, not two pages and an error.
		const itemOutput: INodeExecutionData[] = [];
		const emit = (json: IDataObject[]) => {
			for (const entry of json) itemOutput.push({ json: entry, pairedItem });
		};
		const plan = plans[itemIndex];
		try {
			if (plan instanceof Error) throw plan;
			await run(ctx, operation, plan, itemIndex, optionsOf(itemIndex), sent, emit);
			return { output: itemOutput };
		} catch (error) {
			return { error };
		}
	};

	let results = await inItemOrder(
		plans.length,
		operation.traits.parallelItems,
		runItem,
		!continueOnFail,
	);
	if (operation.afterItems && (continueOnFail || results.every((result) => 'output' in result))) {
		const tools: BatchTools = {
			request: async (itemIndex, request, scope = {}) =>
				await awazApiRequest.call(ctx, request, {
					...scope,
					itemIndex,
					settings: optionsOf(itemIndex),
				}),
		};
		results = await operation.afterItems.call(ctx, results, tools);
	}

	const output: INodeExecutionData[] = [];
	for (const [itemIndex, result] of results.entries()) {
		if ('output' in result) {
			output.push(...result.output);
		} else if (continueOnFail) {
			output.push({
				json: { error: (result.error as Error).message },
				pairedItem: { item: itemIndex },
			});
		} else {
			throw asNodeError(ctx, result.error, itemIndex);
		}
	}

	delete context[SENT_KEY];
	return [output];
}
