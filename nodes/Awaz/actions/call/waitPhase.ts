import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { CALLS_PATH, callPath } from '../../../shared/endpoints';
import { keyWindowReader, listItems } from '../../../shared/transport';
import type { BatchTools, ItemResult } from '../operation';
import type { CallWait } from './waitFields';
import type { CallToWaitFor, ReadCall, ReadPage } from './waiter';
import { waitForCalls } from './waiter';

/**
 * The second phase of both waiting operations: each item that got a call in the first phase waits
 * for it, as its plan worked out (`waits`: when it is due, Wait For and Max Wait), and its output
 * becomes the call as Awaz last showed it (or the reason it failed).
 */
export async function waitPhase(
	ctx: IExecuteFunctions,
	results: ItemResult[],
	tools: BatchTools,
	waits: Array<CallWait | undefined>,
): Promise<ItemResult[]> {
	const now = Date.now();
	const calls: CallToWaitFor[] = [];
	for (const [itemIndex, result] of results.entries()) {
		const wait = waits[itemIndex];
		if (!('output' in result) || !wait) continue;
		calls.push({
			itemIndex,
			call: result.output[0]?.json ?? {},
			dueAtMs: Math.max(now, wait.dueAtMs),
			settings: wait.settings,
		});
	}
	const readCall: ReadCall = async (itemIndex, callId, ceiling) =>
		await tools.request(
			itemIndex,
			{ method: 'GET', path: callPath(callId) },
			{ notFoundMessage: `Awaz has no call with id ${callId}`, ceiling },
		);
	// A page of the list serves many calls at once; it is read with the first waiting item's Options.
	const listed = calls[0]?.itemIndex ?? 0;
	const readPage: ReadPage = async (page, ceiling) => {
		const request = { method: 'GET' as const, path: CALLS_PATH, qs: { page } };
		const body = await tools.request(listed, request, { ceiling });
		return listItems(ctx, body, request, { itemIndex: listed }) as IDataObject[];
	};
	const waited = await waitForCalls(ctx, calls, readCall, await keyWindowReader(ctx), readPage);
	const byItem = new Map(calls.map((call, slot) => [call.itemIndex, waited[slot]]));
	return results.map((result, itemIndex) => {
		const outcome = byItem.get(itemIndex);
		if (!outcome || !('output' in result)) return result;
		if ('error' in outcome) return { error: outcome.error };
		return { output: [{ ...result.output[0], json: outcome.call }] };
	});
}
