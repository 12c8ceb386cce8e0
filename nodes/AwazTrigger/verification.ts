import type { IDataObject, IWebhookFunctions, NodeApiError } from 'n8n-workflow';

import { hasPassed } from '../shared/callStatuses';
import { callPath } from '../shared/endpoints';
import { agentIdOf } from '../shared/subscription';
import type { RequestScope } from '../shared/transport';
import { awazApiRequest, sleepCancellable, UNCANCELLABLE_WAITS } from '../shared/transport';

/**
 * Verify With Awaz reads each event's call while Awaz waits for the answer, and a webhook has no
 * cancel signal: a read waits for a free request as long as the transport lets a context without
 * one wait (UNCANCELLABLE_WAITS), never for a busy Awaz (503), and gives up after 10 s. Whatever
 * cannot be read so is answered 503, for Awaz to send the event again.
 */
export const VERIFY_SCOPE: RequestScope = {
	settings: {
		timeout: 10,
		maxRateLimitWait: UNCANCELLABLE_WAITS.maxRateLimitWait,
		maxBusyWait: 0,
	},
};

/**
 * Right after it sent an event, Awaz may not show the call yet (404) or not its newest status:
 * those calls are read again after these pauses, 7 s in all, so that the answer still reaches
 * Awaz within a 10 s delivery timeout. A lag is usually well under a second, hence the short
 * first pause.
 */
export const REREAD_PAUSES_MS = [1000, 2000, 4000];

/** A read of one call: as Awaz shows it, not (yet) there, never there, or Awaz could not answer. */
type Reading = { call: IDataObject } | 'notYet' | 'unknown' | 'unavailable';

/** Statuses after which asking again is pointless (the call is unknown) or needs Awaz back. */
const AWAZ_UNAVAILABLE = [401, 403, 408, 429];

async function readCall(ctx: IWebhookFunctions, callId: string): Promise<Reading> {
	try {
		const answer = await awazApiRequest.call(
			ctx,
			{ method: 'GET', path: callPath(callId) },
			VERIFY_SCOPE,
		);
		const isCall = typeof answer === 'object' && answer !== null && !Array.isArray(answer);
		return isCall ? { call: answer as IDataObject } : 'unknown';
	} catch (error) {
		const status = Number((error as NodeApiError).httpCode);
		if (status === 404) return 'notYet';
		if (status >= 400 && status < 500 && !AWAZ_UNAVAILABLE.includes(status)) return 'unknown';
		ctx.logger.warn(`Awaz Trigger: could not verify a call event: ${(error as Error).message}`);
		return 'unavailable';
	}
}

/** Whether the call was made by one of `agents` (any agent when none are chosen). */
function byWantedAgent(call: IDataObject, agents: string[]): boolean {
	if (agents.length === 0) return true;
	const agent = agentIdOf(call.agent) ?? agentIdOf(call.agent_id);
	return agent !== undefined && agents.includes(agent);
}

/**
 * The events whose call Awaz shows, made by one of `agents` and at the event's status or later
 * (`hasPassed`), each as the call Awaz shows with the event's `status`, in delivery order; or
 * 'unavailable' when Awaz could not be asked. One `GET /v1/calls/{id}` per distinct id, one at a
 * time through the transport's rate-limit gate, plus the re-reads of REREAD_PAUSES_MS.
 */
export async function verifiedEvents(
	ctx: IWebhookFunctions,
	events: IDataObject[],
	agents: string[],
): Promise<IDataObject[] | 'unavailable'> {
	const verified = new Map<IDataObject, IDataObject>();
	let open = events;
	for (let round = 0; open.length > 0; round++) {
		if (round > 0) {
			if (round > REREAD_PAUSES_MS.length) break;
			await sleepCancellable(REREAD_PAUSES_MS[round - 1]);
		}
		const readings = new Map<string, Reading>();
		const stillOpen: IDataObject[] = [];
		for (const event of open) {
			const callId = String(event.id);
			const reading = readings.get(callId) ?? (await readCall(ctx, callId));
			if (reading === 'unavailable') return 'unavailable';
			readings.set(callId, reading);
			if (reading === 'unknown') continue;
			if (reading === 'notYet') {
				stillOpen.push(event);
			} else if (byWantedAgent(reading.call, agents)) {
				if (hasPassed(reading.call.status, event.status)) {
					verified.set(event, { ...reading.call, status: event.status });
				} else {
					stillOpen.push(event);
				}
			}
		}
		open = stillOpen;
	}
	return events.filter((event) => verified.has(event)).map((event) => verified.get(event)!);
}
