import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { AwazRequest, RequestScope } from '../../shared/transport';
import type { AwazOperationNames, AwazResource } from './node.type';

/**
 * What one input item asks of Awaz, worked out before anything is sent: one request whose answer
 * becomes the item's output, or a list whose elements become one output item each.
 */
export type Plan =
	| {
			kind: 'single';
			request: AwazRequest;
			/** The output item when Awaz answers without a body: what was done. */
			whenNoBody: IDataObject;
			notFoundMessage?: string;
			/** Fields added to the item's output (what the node did besides the request). */
			annotate?: IDataObject;
	  }
	| {
			/** Nothing to ask Awaz in the first phase: the item's output is known (a second phase reads). */
			kind: 'local';
			output: IDataObject;
	  }
	| {
			kind: 'list';
			request: AwazRequest;
			/** The endpoint takes `page=0,1,2…`. */
			paged: boolean;
			/** Undefined: return all. */
			limit?: number;
	  };

/** What the router needs to know about an operation to run its items. */
export interface OperationTraits {
	/** Changes something at Awaz: each item's write is sent at most once, even under Retry On Fail. */
	writes: boolean;
	/** How many of its items may be in flight at once; output stays in item order either way. */
	parallelItems: number;
	/** Its writes place phone calls: errors name them as calls, by call ID. */
	placesCalls?: boolean;
}

/** One item's result: its output items, or why it failed. */
export type ItemResult = { output: INodeExecutionData[] } | { error: unknown };

/** What the router lends an operation's second phase. */
export interface BatchTools {
	/** One request for an item, with the item's Options (timeouts, waits) and its index on errors. */
	request(
		itemIndex: number,
		request: AwazRequest,
		scope?: Pick<RequestScope, 'notFoundMessage' | 'ceiling'>,
	): Promise<unknown>;
}

/** A plan and what it worked out for the operation's second phase (`P`), if it has one. */
export type PlanWith<P> = Plan & { payload?: P };

export interface AwazOperation<P = unknown> {
	description: INodeProperties[];
	traits: OperationTraits;
	/** Reads and validates one item's parameters; no I/O, so every item can be checked first. */
	plan(this: IExecuteFunctions, itemIndex: number): PlanWith<P>;
	/**
	 * A second phase over the results of all items, after each item's plan was carried out (for
	 * example: wait until every call scheduled in the first phase has an outcome), with each item's
	 * `payload` from its plan (undefined for an item whose plan failed). Returns the results in the
	 * same item order. Runs only when no failure stops the node.
	 */
	afterItems?(
		this: IExecuteFunctions,
		results: ItemResult[],
		tools: BatchTools,
		payloads: Array<P | undefined>,
	): Promise<ItemResult[]>;
}

/** A resource's operations, one for each value `AwazOperationNames` lists for it. */
export type ResourceOperations<R extends AwazResource> = Record<
	AwazOperationNames[R],
	AwazOperation
>;

/** A read whose items go one after another (lists: pages of one item are not interleaved with another's). */
export const ONE_AT_A_TIME_READ: OperationTraits = { writes: false, parallelItems: 1 };
/** A write: one item at a time, each sent at most once. */
export const ONE_AT_A_TIME_WRITE: OperationTraits = { writes: true, parallelItems: 1 };
/** A write that places a call: one item at a time, each call placed at most once. */
export const PLACES_CALLS: OperationTraits = { ...ONE_AT_A_TIME_WRITE, placesCalls: true };
