import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { CALL_STATUSES, normalStatus } from '../shared/callStatuses';
import { agentIdOf, readSubscriptionFilter } from '../shared/subscription';
import type { SubscriptionFilter } from '../shared/subscription';
import { verifiedEvents } from './verification';

/** What Awaz is told when the workflow starts (the webhook's `responseData`). */
export const RECEIVED = 'Awaz call event received';

/** The most call events one delivery may hold; a longer list is refused (413) and starts nothing. */
export const MAX_EVENTS_PER_DELIVERY = 100;

/**
 * Every answer the trigger writes itself. Each is fixed text: nothing that was posted (a status,
 * an agent, an id) is ever part of an answer, so a posted value cannot come back to a browser.
 */
export const ANSWERS = {
	notJson: {
		status: 415,
		text: 'Not an Awaz call event: Awaz sends call events as JSON, with the Content-Type application/json.',
	},
	notAnEvent: {
		status: 400,
		text: 'Not an Awaz call event: the body must be a JSON object, or an array of JSON objects.',
	},
	tooMany: {
		status: 413,
		text: `Too many call events in one delivery: at most ${MAX_EVENTS_PER_DELIVERY} are taken. Nothing was started.`,
	},
	noId: {
		status: 400,
		text: 'Not an Awaz call event: every event needs an "id" (a non-empty string or number). Nothing was started.',
	},
	noStatus: {
		status: 400,
		text: 'Not an Awaz call event: every event needs a "status" (text). Nothing was started.',
	},
	emptyList: { status: 200, text: `${RECEIVED}: the list was empty` },
	otherStatus: {
		status: 200,
		text: `${RECEIVED} and ignored: its status is not one this trigger listens for`,
	},
	otherAgent: {
		status: 200,
		text: `${RECEIVED} and ignored: its agent is not one this trigger listens for`,
	},
	notVerified: {
		status: 200,
		text: `${RECEIVED} and ignored: Awaz shows no call with this ID, agent and status (Verify With Awaz)`,
	},
	awazUnavailable: {
		status: 503,
		text: 'Awaz could not be asked about the call (Verify With Awaz). Nothing was started; send the event again later.',
		// A rate-limit window (Awaz's is a minute) has passed by then.
		headers: { 'retry-after': '60' },
	},
} as const;

type Answer = { status: number; text: string; headers?: Record<string, string> };

/**
 * The header n8n puts on its own answer when the trigger starts a workflow (the webhook's
 * `responseHeaders`): without it, n8n sends the text as text/html.
 */
export const ANSWER_CONTENT_TYPE = 'text/plain; charset=utf-8';

/** The parts of n8n's request object this trigger reads. */
interface DeliveredRequest {
	headers?: Record<string, string | string[] | undefined>;
	/** What n8n made of the body: parsed JSON for application/json. */
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

/** application/json, or a JSON-based type such as application/vnd.awaz+json (any charset). */
function isJsonType(type: string): boolean {
	return type === 'application/json' || /^application\/[^\s/]+\+json$/.test(type);
}

/**
 * The JSON that was delivered, or undefined when the body is not JSON. n8n parses an
 * application/json body itself; an application/…+json body is parsed from the raw bytes.
 */
function deliveredJson(req: DeliveredRequest, type: string): { value: unknown } | undefined {
	if (type === 'application/json' && req.body !== undefined) return { value: req.body };
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

const hasId = (event: IDataObject) =>
	(typeof event.id === 'string' && event.id.trim() !== '') || typeof event.id === 'number';

/**
 * The call events in a delivered body (one object, or an array of at most
 * MAX_EVENTS_PER_DELIVERY), or the answer that refuses the whole delivery: a body that is not
 * JSON, too many events, or an event without an id or a status. A refused delivery starts nothing.
 */
export function eventsOf(req: DeliveredRequest): IDataObject[] | Answer {
	const type = contentTypeOf(req);
	if (!isJsonType(type)) return ANSWERS.notJson;
	const delivered = deliveredJson(req, type);
	if (!delivered) return ANSWERS.notAnEvent;
	const { value } = delivered;
	if (Array.isArray(value) && value.length > MAX_EVENTS_PER_DELIVERY) return ANSWERS.tooMany;
	const events = isObject(value) ? [value] : value;
	if (!Array.isArray(events) || !events.every(isObject)) return ANSWERS.notAnEvent;
	if (!events.every(hasId)) return ANSWERS.noId;
	if (!events.every((event) => normalStatus(event.status) !== undefined)) return ANSWERS.noStatus;
	return events;
}

/**
 * Why an event is outside the node's statuses and agents, or undefined when it is wanted. Every
 * event has a status (`eventsOf` refuses one without); one that names no agent is let through,
 * as Awaz filters by the subscription already and its payload is undocumented.
 */
export function ignoredBecause(event: IDataObject, filter: SubscriptionFilter): Answer | undefined {
	const status = normalStatus(event.status);
	if (status === undefined || !filter.status.includes(status)) return ANSWERS.otherStatus;
	if (filter.agents.length > 0) {
		const agent = agentIdOf(event.agent) ?? agentIdOf(event.agent_id);
		if (agent !== undefined && !filter.agents.includes(agent)) return ANSWERS.otherAgent;
	}
	return undefined;
}

/** Writes one of ANSWERS as plain text, and tells n8n that the answer has been sent. */
function answer(ctx: IWebhookFunctions, { status, text, headers }: Answer): IWebhookResponseData {
	const res = ctx.getResponseObject() as unknown as PlainResponse;
	res
		.writeHead(status, {
			'content-type': ANSWER_CONTENT_TYPE,
			'x-content-type-options': 'nosniff',
			...headers,
		})
		.end(text);
	return { noWebhookResponse: true };
}

/**
 * Starts one execution with the wanted events. Without Verify With Awaz each delivered object is
 * one item, unchanged, and nothing is asked of Awaz; with it, each is the call as Awaz shows it.
 */
export async function receiveCallEvents(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const events = eventsOf(this.getRequestObject() as DeliveredRequest);
	if (!Array.isArray(events)) return answer(this, events);
	if (events.length === 0) return answer(this, ANSWERS.emptyList);

	const filter = readSubscriptionFilter(
		this.getNodeParameter('statuses', CALL_STATUSES),
		this.getNodeParameter('agentIds', []),
	);
	// Activation refuses such Statuses, so no subscription sends events for them.
	if ('problem' in filter) return answer(this, ANSWERS.otherStatus);
	let wanted: IDataObject[] = [];
	let firstReason: Answer | undefined;
	for (const event of events) {
		const reason = ignoredBecause(event, filter);
		if (reason === undefined) wanted.push(event);
		else firstReason ??= reason;
	}
	if (wanted.length === 0) return answer(this, firstReason ?? ANSWERS.otherStatus);

	const options = this.getNodeParameter('options', {}) as IDataObject;
	if (options.verifyEvents === true) {
		const verified = await verifiedEvents(this, wanted, filter.agents);
		if (verified === 'unavailable') return answer(this, ANSWERS.awazUnavailable);
		if (verified.length === 0) return answer(this, ANSWERS.notVerified);
		wanted = verified;
	}
	// n8n answers RECEIVED itself (with ANSWER_CONTENT_TYPE) once the execution is under way.
	return { workflowData: [wanted.map((json) => ({ json }))] };
}
