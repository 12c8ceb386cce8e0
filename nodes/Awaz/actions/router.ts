import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	JsonObject,
	NodeError,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { TransportSettings } from '../../shared/transport';
import {
	answerToJson,
	awazApiRequest,
	awazPages,
	listItems,
	mayHaveBeenCarriedOut,
} from '../../shared/transport';
import { readTransportSettings } from '../helpers/validation';
import type { AwazOperation, BatchTools, ItemResult, Plan, PlanWith } from './operation';
import { findOperation } from './registry';
import { doneWritesNote, idOfAnswer } from './doneWrites';

/** Where the node keeps what it has done, by item index, until it finishes (see `DoneItem`). */
const DONE_KEY = 'awazDone';

/**
 * What one item has done in Awaz in an earlier try of this node, for n8n's Retry On Fail (which
 * runs the node again on all of its items in the same execution). Recognised by what stays the
 * same between tries, the item's index and its input item, never by the request: a Date and Time
 * such as {{ $now.plus(10, 'minutes') }} is another request on every try, yet the same call.
 */
interface DoneItem {
	/** `itemKey`: the item's index and a fingerprint of its input item. */
	key: string;
	/** What Awaz answered the item's write; once a second phase settled the item, its final output. */
	output?: IDataObject[];
	/** The output is the item's final one (its second phase ended): hand it back as it is. */
	settled?: boolean;
	/** Why the outcome of the item's write is unknown, when it failed in a way Awaz may have done it. */
	unknownOutcome?: string;
	/** The plan's `annotate` of the try that did the write: what the output says besides Awaz's answer. */
	annotate?: IDataObject;
}

/** A short fingerprint of a text (53-bit, as two 32-bit multiplicative hashes). */
function fingerprint(text: string): string {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ code, 2654435761);
		h2 = Math.imul(h2 ^ code, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** What identifies an item across tries: its index and its input item. */
function itemKey(item: INodeExecutionData, itemIndex: number): string {
	return `${itemIndex}:${fingerprint(JSON.stringify(item.json) ?? '')}`;
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

/**
 * One item's plan carried out: what an earlier try did is handed back, a list is read (paged or
 * not), a single request is sent, and a write's outcome is kept in the memo for Retry On Fail.
 * The one place that interprets `Plan`.
 */
async function carryOutPlan(
	ctx: IExecuteFunctions,
	operation: AwazOperation,
	plan: Plan,
	itemIndex: number,
	settings: Partial<TransportSettings>,
	done: { key: string; memo: Record<string, DoneItem>; annotate: IDataObject[] },
	emit: (json: IDataObject[]) => void,
): Promise<void> {
	const scope = { itemIndex, settings };
	const earlier = done.memo[itemIndex]?.key === done.key ? done.memo[itemIndex] : undefined;
	// Hand back what an earlier try already did or settled, instead of, say, placing the same
	// call twice or waiting again for an outcome already seen; never repeat a write Awaz may have done.
	if (earlier?.output && (earlier.settled || operation.traits.writes)) {
		if (earlier.annotate) done.annotate[itemIndex] = earlier.annotate;
		emit(earlier.output);
		return;
	}
	if (plan.kind === 'local') {
		emit([plan.output]);
		return;
	}
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
	if (operation.traits.writes && earlier?.unknownOutcome) {
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
			done.memo[itemIndex] = { key: done.key, unknownOutcome: (error as Error).message };
		}
		throw asNodeError(ctx, error, itemIndex);
	}
	const output = answerToJson(body, plan.whenNoBody);
	if (plan.annotate) done.annotate[itemIndex] = plan.annotate;
	if (operation.traits.writes) {
		done.memo[itemIndex] = { key: done.key, output, annotate: plan.annotate };
	}
	emit(output);
}

/** Our errors as they are (both constructors hand an error of their own kind back unchanged). */
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeError {
	return error instanceof NodeApiError
		? new NodeApiError(ctx.getNode(), error as unknown as JsonObject)
		: new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/** The node's `execute()`: finds the chosen resource's operation and runs it over the items. */
export async function runSelectedOperation(
	this: IExecuteFunctions,
): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = findOperation(resource, operationName);
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operationName}" is not supported for "${resource}"`,
		);
	}
	return await runOverItems(this, operation);
}

/** Runs one operation over the node's input items: plan all, run in order, then `afterItems`. */
export async function runOverItems(
	ctx: IExecuteFunctions,
	operation: AwazOperation,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const continueOnFail = ctx.continueOnFail();

	// Every item is checked before the first request (its fields and its Options): a batch with a
	// bad row fails before anyone is called, so that running it again after the fix calls nobody
	// twice.
	const settings: Array<Partial<TransportSettings>> = [];
	const payloads: unknown[] = [];
	const plans = items.map((_, itemIndex): Plan | Error => {
		try {
			const { payload, ...plan } = operation.plan.call(ctx, itemIndex) as PlanWith<unknown>;
			payloads[itemIndex] = payload;
			settings[itemIndex] = readTransportSettings(ctx, itemIndex);
			return plan;
		} catch (error) {
			if (continueOnFail) return error as Error;
			throw asNodeError(ctx, error, itemIndex);
		}
	});

	const context = ctx.getContext('node');
	const memo = (context[DONE_KEY] ??= {}) as Record<string, DoneItem>;
	const keys = items.map(itemKey);
	/** What each item's output says besides Awaz's answer (its plan's `annotate`, or the memo's). */
	const annotate: IDataObject[] = [];

	const runOneItem = async (itemIndex: number): Promise<ItemResult> => {
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
			const done = { key: keys[itemIndex], memo, annotate };
			await carryOutPlan(ctx, operation, plan, itemIndex, settings[itemIndex], done, emit);
			return { output: itemOutput };
		} catch (error) {
			return { error };
		}
	};

	let results = await inItemOrder(
		plans.length,
		operation.traits.parallelItems,
		runOneItem,
		!continueOnFail,
	);
	if (operation.afterItems && (continueOnFail || results.every((result) => 'output' in result))) {
		const tools: BatchTools = {
			request: async (itemIndex, request, scope = {}) =>
				await awazApiRequest.call(ctx, request, {
					...scope,
					itemIndex,
					settings: settings[itemIndex],
				}),
		};
		results = await operation.afterItems.call(ctx, results, tools, payloads);
		// What the second phase settled is not done again by a retry (a wait for an outcome seen).
		for (const [itemIndex, result] of results.entries()) {
			if ('output' in result) {
				const output = result.output.map((entry) => entry.json);
				const entry = { output, settled: true, annotate: annotate[itemIndex] };
				memo[itemIndex] = { key: keys[itemIndex], ...entry };
			}
		}
	}

	// The items whose write Awaz carried out: an error elsewhere must not hide them.
	const written = (itemIndex: number) => {
		const entry = memo[itemIndex];
		return operation.traits.writes && entry?.key === keys[itemIndex] ? entry.output : undefined;
	};

	const output: INodeExecutionData[] = [];
	for (const [itemIndex, result] of results.entries()) {
		if ('output' in result) {
			const extra = annotate[itemIndex];
			output.push(
				...(extra
					? result.output.map((entry) => ({ ...entry, json: { ...entry.json, ...extra } }))
					: result.output),
			);
			continue;
		}
		if (!continueOnFail) {
			const error = asNodeError(ctx, result.error, itemIndex);
			const others = results.flatMap((other, index) => {
				const answer = index === itemIndex ? undefined : written(index);
				if (!answer) return [];
				const final = 'output' in other ? other.output[0]?.json : undefined;
				return [{ itemIndex: index, answer: answer[0] ?? {}, final }];
			});
			const note = doneWritesNote(others, Boolean(operation.traits.placesCalls));
			if (note) error.description = [error.description, note].filter(Boolean).join(' ');
			throw error;
		}
		const json: IDataObject = { error: (result.error as Error).message };
		// The call exists even though its item failed (its wait did): say which it is.
		const placed = operation.traits.placesCalls ? written(itemIndex)?.[0] : undefined;
		const callId = placed ? idOfAnswer(placed) : undefined;
		if (callId) json.callId = callId;
		output.push({ json, pairedItem: { item: itemIndex } });
	}

	delete context[DONE_KEY];
	return [output];
}
