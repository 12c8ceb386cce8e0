import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { CALL_STATUSES, normalStatus } from '../shared/callStatuses';
import type { SubscriptionFilter } from '../shared/subscriptionFilter';
import { agentIdOf, asList } from '../shared/subscriptionFilter';

/** What Awaz is told when the workflow starts (the webhook's `responseData`). */
export const RECEIVED = 'Awaz call event received';

const NOT_AN_EVENT =
	'Not an Awaz call event: the body must be a JSON object, or an array of JSON objects.';

/** The parts of n8n's request object this trigger reads. */
interface DeliveredRequest {
	headers?: Record<string, string | string[] | undefined>;
	/** What n8n made of the body: parsed JSON for application/json, text for text/plain. */
	body?: unknown;
	/** The bytes as they arrived; n8n keeps them whatever the content type. */
	rawBody?: Buffer | string;
}

interface PlainResponse {
	writeHead(status: number, headers: Record<string, string>): PlainResponse;
	end(body: string): unknown;
}

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);

function contentTypeOf(req: DeliveredRequest): string {
	const header = req.headers?.['content-type'];
	return String(Array.isArray(header) ? header[0] : (header ?? ''))
		.split(';')[0]
		.trim()
		.toLowerCase();
}

/**
 * The JSON that was delivered, or undefined when the body is not JSON. n8n parses an
 * application/json body itself; any other content type (or none) is parsed from the raw bytes, so
 * the trigger does not depend on the content type Awaz sends (it is undocumented).
 */
function deliveredJson(req: DeliveredRequest): { value: unknown } | undefined {
	if (contentTypeOf(req) === 'application/json' && req.body !== undefined)
		return { value: req.body };
	const raw = req.rawBody ?? req.body;
	if (raw === undefined || raw === null) return undefined;
	if (typeof raw !== 'string' && !Buffer.isBuffer(raw)) return { value: raw };
	const text = (typeof raw === 'string' ? raw : raw.toString('utf8')).replace(/^\uFEFF/, '');
	try {
		return { value: JSON.parse(text) };
	} catch {
		return undefined;
	}
}

/** The call events in a delivered body: one object, or an array of them. */
export function eventsOf(req: DeliveredRequest): IDataObject[] | undefined {
	const delivered = deliveredJson(req);
	if (!delivered) return undefined;
	const { value } = delivered;
	if (isObject(value)) return [value];
	if (Array.isArray(value) && value.every(isObject)) return value;
	return undefined;
}

const shown = (text: string) => (text.length > 40 ? `${text.slice(0, 37)}...` : text);

/**
 * Why an event is outside the node's statuses and agents, or undefined when it is wanted. Awaz
 * filters by the subscription already and its payload is undocumented: only an event that names
 * another status or agent is turned away, never one that names none.
 */
export function ignoredBecause(event: IDataObject, filter: SubscriptionFilter): string | undefined {
	const status = normalStatus(event.status);
	if (status !== undefined) {
		if (!filter.status.includes(status)) {
			return `its status "${shown(String(event.status))}" is not one this trigger listens for`;
		}
	}
	if (filter.agents.length > 0) {
		const agent = agentIdOf(event.agent) ?? agentIdOf(event.agent_id);
		if (agent !== undefined && !filter.agents.includes(agent)) {
			return `its agent "${shown(agent)}" is not one this trigger listens for`;
		}
	}
	return undefined;
}

/**
 * Starts one execution with the wanted events, each delivered object unchanged as one item.
 * No request to Awaz: everything needed is in the body and the node's settings.
 */
export async function receiveCallEvents(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const events = eventsOf(this.getRequestObject() as DeliveredRequest);
	if (!events) {
		const res = this.getResponseObject() as unknown as PlainResponse;
		res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(NOT_AN_EVENT);
		return { noWebhookResponse: true };
	}

	const filter: SubscriptionFilter = {
		status: asList(this.getNodeParameter('statuses', CALL_STATUSES)),
		agents: asList(this.getNodeParameter('agentIds', [])),
	};
	const wanted: IDataObject[] = [];
	let firstReason: string | undefined;
	for (const event of events) {
		const reason = ignoredBecause(event, filter);
		if (reason === undefined) wanted.push(event);
		else firstReason ??= reason;
	}

	if (wanted.length === 0) {
		// No workflowData: n8n answers with this text and status 200, and starts nothing.
		return {
			webhookResponse: firstReason
				? `${RECEIVED} and ignored: ${firstReason}`
				: `${RECEIVED}: the list was empty`,
		};
	}
	return { workflowData: [wanted.map((json) => ({ json }))] };
}
