'use strict';

const http = require('http');
const { STATUSES, ID_BASE, makeObjectId, buildFixtures } = require('./fixtures');
const { timelineFor, outcomeVariables } = require('./lifecycle');

/** @typedef {import('./fixtures').SandboxData} SandboxData */
/** @typedef {import('./fixtures').Call} Call */
/**
 * The data as tests read and change it (`sb.state`, `sb.fixtures`): any field, so that a test can
 * add one the seed data does not have.
 * @typedef {{ id: string } & Record<string, any>} Entity
 * @typedef {{ agents: Entity[], phones: Entity[], contactLists: Entity[], calls: Entity[],
 *   contacts: Entity[], hooks: import('./fixtures').Hook[], companies: Record<string, Entity> }} SandboxState
 */

/**
 * What to send. A string body goes out as-is, an object as JSON, undefined as an empty body
 * without content-type. A header set to null is removed.
 * @typedef {{ status: number, body?: unknown, headers?: Record<string, string | number | null> }} Answer
 * @typedef {Answer | { destroy: true }} Reply `destroy` resets the connection instead of answering
 */

/**
 * One received request, as logged in sb.requests.
 * @typedef {{ method: string, path: string, query: Record<string, string>,
 *   headers: Record<string, string | string[] | undefined>, body: any, rawBody: string,
 *   status: number | null, time: number }} LoggedRequest
 */

/**
 * @typedef {{ method?: string, path?: string | RegExp, times?: number,
 *   after?: number, kind: 'status' | 'delay' | 'reset' | 'garbled' | 'empty' | 'html' | 'body' | 'echo',
 *   status?: number, body?: unknown, headers?: Record<string, string | number | null> | null,
 *   omitRateLimitHeaders?: boolean, delayMs?: number, applied?: boolean,
 *   echoAs?: 'object' | 'list' | 'text' }} Fault
 * @typedef {Fault & { times: number, after: number, seen: number, hits: number }} QueuedFault
 */

/**
 * @typedef {{ timeScale?: number }} LifecycleOptions
 * @typedef {{ apiKey?: string, apiKeys?: string[], port?: number,
 *   rateLimit?: { limit?: number, windowMs?: number }, pageSize?: number, callCount?: number,
 *   latencyMs?: number, log?: boolean, lifecycle?: boolean | LifecycleOptions,
 *   clockOffsetMs?: number, listOrder?: string }} SandboxOptions
 * @typedef {{ hookUrl: string, status: number, body: unknown, error?: string }} Delivery
 */

/**
 * One status change of a created call, as recorded in sb.transitions. `deliveries` is null until
 * every matching subscription has answered (or failed); `delivered` (not enumerable) resolves then.
 * @typedef {{ id: string, agent: string, status: string, time: number, deliveries: Delivery[] | null,
 *   deliveredAt: number | null, delivered?: Promise<Delivery[]> }} Transition
 * @typedef {{ call: Call, startMs: number, steps: import('./lifecycle').Step[], next: number,
 *   timer: NodeJS.Timeout | null }} Plan the pending part of one call's timeline
 * @typedef {{ id: string, status: string, resolve: (call: Call) => void, reject: (error: Error) => void,
 *   timer: NodeJS.Timeout }} Waiter
 */

const HOST = '127.0.0.1';
const OBJECT_ID = /^[0-9a-f]{24}$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// ISO 8601 with a mandatory offset; the collection's own example uses the short form "-00".
const ISO_WITH_OFFSET =
	/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/;
const FAULT_KINDS = ['status', 'delay', 'reset', 'garbled', 'empty', 'html', 'body', 'echo'];
const ECHO_FORMS = ['object', 'list', 'text'];
// Webhook deliveries never leave the machine, whatever hookUrl a test subscribed.
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const DELIVERY_TIMEOUT_MS = 10_000;
// Longer than Node's and undici's client-side idle timeouts (4-5 s), so a client never reuses a
// keep-alive socket the sandbox is closing at that moment (that would look like a flaky reset).
const KEEP_ALIVE_TIMEOUT_MS = 30_000;
// setTimeout's largest delay; a longer wait (a call due in months) is made of several.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** @param {number} status @param {string} text @returns {Answer} */
const message = (status, text) => ({ status, body: { message: text } });
/** @param {unknown[]} list @returns {Answer} */
const items = (list) => ({ status: 200, body: { items: list } });
/** @param {unknown} value @returns {value is Record<string, any>} */
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
/** "is required" when the field is absent, else the given problem. */
const problem = (value, text) => (value === undefined ? 'is required' : text);
const isNonEmptyString = (value) => typeof value === 'string' && value.trim() !== '';
// typeof first: RegExp.test would stringify an array like ['+15550001234'] and accept it.
const isE164 = (value) => typeof value === 'string' && E164.test(value);
const isEmail = (value) => typeof value === 'string' && EMAIL.test(value);

/**
 * A 400 naming every invalid field; the message names the first.
 * @param {Record<string, string>} errors
 * @returns {Answer | undefined} undefined when there are no errors
 */
function invalid(errors) {
	const [first] = Object.entries(errors);
	return first && { status: 400, body: { message: `${first[0]} ${first[1]}`, errors } };
}

/** @param {string} text @returns {{ ok: boolean, value: unknown }} */
function parseJson(text) {
	if (text === '') return { ok: true, value: undefined };
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false, value: undefined };
	}
}

/**
 * Checks a timestamp strictly (Date.parse accepts 2024-02-30 and rejects "-00") and normalises it
 * to UTC, as a MongoDB-backed API would store and return it.
 * @param {unknown} value
 * @returns {string | null} the UTC ISO string, or null when invalid
 */
function normalizeIsoWithOffset(value) {
	const match = typeof value === 'string' && ISO_WITH_OFFSET.exec(value);
	if (!match) return null;
	const [, y, mo, d, h, mi, s = '0', fraction = '', sign, offH = '0', offM = '0'] = match;
	const local = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.floor(Number('0' + fraction) * 1000));
	const roundTrip = new Date(local);
	const valid =
		roundTrip.getUTCMonth() === +mo - 1 &&
		roundTrip.getUTCDate() === +d &&
		+h < 24 &&
		+mi < 60 &&
		+s < 60 &&
		+offH < 24 &&
		+offM < 60;
	if (!valid) return null;
	const offsetMs = (sign === '-' ? -1 : 1) * (+offH * 60 + +offM) * 60_000;
	return new Date(local - offsetMs).toISOString();
}

/** @param {unknown} value */
function isHttpUrl(value) {
	try {
		return typeof value === 'string' && ['http:', 'https:'].includes(new URL(value).protocol);
	} catch {
		return false;
	}
}

const BODY_NOT_OBJECT = invalid({ body: 'must be a JSON object' });

/**
 * @typedef {{ data: SandboxData, query: Record<string, string>, body: any, params: string[],
 *   pageSize: number, listOrder: string, newId: () => string, onCallCreated: (call: Call) => void }} Context
 */

/**
 * How GET /v1/calls orders its pages (the API does not say): created calls appended at the end
 * (the default), newest first, shuffled on every request, or a server that ignores `page`.
 */
const LIST_ORDERS = ['oldest-first', 'newest-first', 'shuffled', 'ignore-page'];

/** @param {Context} ctx @returns {Answer} */
function listCalls({ data, query, pageSize, listOrder }) {
	const page = listOrder === 'ignore-page' ? '0' : (query.page ?? '0');
	if (!/^\d+$/.test(page)) return message(400, 'page must be a non-negative integer');
	let calls = data.calls;
	if (listOrder === 'newest-first') calls = [...calls].reverse();
	if (listOrder === 'shuffled') {
		calls = [...calls];
		for (let i = calls.length - 1; i > 0; i--) {
			const j = Math.floor(Math.random() * (i + 1));
			[calls[i], calls[j]] = [calls[j], calls[i]];
		}
	}
	if (query.id !== undefined) {
		if (!OBJECT_ID.test(query.id)) return message(400, 'Invalid id');
		calls = calls.filter((call) => call.id === query.id);
	}
	const start = Number(page) * pageSize;
	return items(calls.slice(start, start + pageSize));
}

/** @param {Context} ctx @returns {Answer} */
function getCall({ data, params: [id] }) {
	if (!OBJECT_ID.test(id)) return message(400, 'Invalid id');
	const call = data.calls.find((candidate) => candidate.id === id);
	return call ? { status: 200, body: call } : message(404, 'Call not found');
}

/** @param {Context} ctx @returns {Answer} */
function scheduleCall({ data, body, newId, onCallCreated }) {
	if (!isObject(body)) return BODY_NOT_OBJECT;
	/** @type {Record<string, string>} */
	const errors = {};
	if (!data.agents.some((agent) => agent.id === body.agent))
		errors.agent = problem(body.agent, 'must be the id of one of your agents');
	if (!isNonEmptyString(body.name)) errors.name = problem(body.name, 'must be a non-empty string');
	if (!isE164(body.phone))
		errors.phone = problem(body.phone, 'must be an E.164 number like +15550001234');
	if (!data.phones.some((phone) => phone.id === body.from))
		errors.from = problem(body.from, 'must be the id of one of your phones');
	const datetime =
		body.datetime === undefined ? new Date().toISOString() : normalizeIsoWithOffset(body.datetime);
	if (!datetime)
		errors.datetime =
			'must be an ISO 8601 timestamp with an offset, like 2024-01-01T09:00:00+01:00';
	const rejection = invalid(errors);
	if (rejection) return rejection;

	/** @type {Call} */
	const call = {
		id: newId(),
		agent: body.agent,
		from: body.from,
		contact: { id: newId(), name: body.name, phone: body.phone, email: null },
		status: 'scheduled',
		datetime,
		extracted_variables: {},
	};
	// Appended, so the pages of seeded calls never shift while a test pages through them.
	data.calls.push(call);
	onCallCreated(call);
	// A copy: the stored call moves on (lifecycle) while the answer is still being written.
	return { status: 201, body: structuredClone(call) };
}

/** @param {Context} ctx @returns {Answer} */
function subscribe({ data, body }) {
	if (!isObject(body)) return BODY_NOT_OBJECT;
	const agents = body.agents ?? [];
	/** @type {Record<string, string>} */
	const errors = {};
	if (!isHttpUrl(body.hookUrl))
		errors.hookUrl = problem(body.hookUrl, 'must be an absolute http(s) URL');
	if (
		!Array.isArray(agents) ||
		!agents.every((id) => data.agents.some((agent) => agent.id === id))
	) {
		errors.agents = 'must be an array of your agent ids (empty for all agents)';
	}
	if (
		!Array.isArray(body.status) ||
		body.status.length === 0 ||
		!body.status.every((status) => STATUSES.includes(status))
	) {
		errors.status = problem(body.status, `must be a non-empty array of: ${STATUSES.join(', ')}`);
	}
	const rejection = invalid(errors);
	if (rejection) return rejection;

	const hook = { hookUrl: body.hookUrl, agents: [...agents], status: [...body.status] };
	const existing = data.hooks.findIndex((candidate) => candidate.hookUrl === hook.hookUrl);
	if (existing >= 0) data.hooks[existing] = hook;
	else data.hooks.push(hook);
	return { status: 201, body: hook };
}

/** @param {Context} ctx @returns {Answer} */
function unsubscribe({ data, query, body }) {
	// The collection sends hookUrl both in the query and in a JSON body; the query wins.
	const hookUrl = query.hookUrl || (isObject(body) ? body.hookUrl : undefined);
	if (!isNonEmptyString(hookUrl)) return invalid({ hookUrl: 'is required' });
	const index = data.hooks.findIndex((hook) => hook.hookUrl === hookUrl);
	if (index < 0) return message(404, 'Subscription not found');
	data.hooks.splice(index, 1);
	return { status: 200, body: { message: 'Subscription deleted', hookUrl } };
}

/** @param {Context} ctx @returns {Answer} */
function saveContact({ data, body, newId }) {
	if (!isObject(body)) return BODY_NOT_OBJECT;
	/** @type {Record<string, string>} */
	const errors = {};
	if (!isNonEmptyString(body.name)) errors.name = problem(body.name, 'must be a non-empty string');
	if (!isE164(body.phone))
		errors.phone = problem(body.phone, 'must be an E.164 number like +15550001234');
	if (body.email !== undefined && !isEmail(body.email)) errors.email = 'must be an email address';
	const rejection = invalid(errors);
	if (rejection) return rejection;

	const contact = { id: newId(), name: body.name, phone: body.phone, email: body.email ?? null };
	data.contacts.push(contact);
	return { status: 201, body: contact };
}

/** Adds credits or minutes (the collection sends both to this one path). @param {Context} ctx @returns {Answer} */
function addCompanyBalance({ data, body, newId }) {
	if (!isObject(body)) return BODY_NOT_OBJECT;
	const company = isObject(body.company) ? body.company : {};
	const amounts = ['credits', 'minutes'].filter((field) => body[field] !== undefined);
	const [kind] = amounts;
	/** @type {Record<string, string>} */
	const errors = {};
	if (!isEmail(company.email))
		errors['company.email'] = problem(company.email, 'must be an email address');
	if (company.id !== undefined && !isNonEmptyString(company.id))
		errors['company.id'] = 'must be a non-empty string';
	if (amounts.length !== 1) errors.credits = 'exactly one of credits or minutes is required';
	else if (!(typeof body[kind] === 'number' && Number.isFinite(body[kind]) && body[kind] > 0))
		errors[kind] = 'must be a positive number';
	const rejection = invalid(errors);
	if (rejection) return rejection;

	const existing = data.companies[company.email];
	// The optional id is there "for precision": one that contradicts the email finds nothing.
	if (existing && company.id !== undefined && company.id !== existing.id)
		return message(404, 'Company not found');
	const record = existing ?? {
		id: company.id ?? newId(),
		email: company.email,
		name: company.email,
		credits: 0,
		minutes: 0,
	};
	data.companies[company.email] = record;
	record[kind] += body[kind];
	return {
		status: 200,
		body: { company: { email: record.email, id: record.id }, [kind]: record[kind] },
	};
}

/** @type {Array<[string, RegExp, (ctx: Context) => Answer]>} */
const ROUTES = [
	['GET', /^\/v1\/phones$/, ({ data }) => items(data.phones)],
	['GET', /^\/v1\/agents$/, ({ data }) => items(data.agents)],
	['GET', /^\/v1\/contact_lists$/, ({ data }) => items(data.contactLists)],
	['GET', /^\/v1\/calls$/, listCalls],
	['POST', /^\/v1\/calls$/, scheduleCall],
	['GET', /^\/v1\/calls\/([^/]+)$/, getCall],
	['GET', /^\/v1\/hooks\/calls$/, ({ data }) => items(data.hooks)],
	['POST', /^\/v1\/hooks\/calls$/, subscribe],
	['DELETE', /^\/v1\/hooks\/calls$/, unsubscribe],
	['POST', /^\/v1\/contacts$/, saveContact],
	['POST', /^\/v1\/companies\/add\/credits$/, addCompanyBalance],
];

/**
 * What a proxy or a wrong Base URL that reflects the request sends back: the Authorization header
 * the request carried, in JSON (`{"headers": {...}}`, or as one element of a list), or as text
 * after the fault's `body` (a preamble), so that a test can place it anywhere in the answer.
 * @param {QueuedFault} fault
 * @param {LoggedRequest} entry
 */
function echoBody(fault, entry) {
	const echoed = { authorization: entry.headers.authorization };
	switch (fault.echoAs ?? 'object') {
		case 'list':
			return { items: [{ headers: echoed }] };
		case 'text':
			return `${typeof fault.body === 'string' ? fault.body : ''}Authorization: ${echoed.authorization}\n`;
		default:
			return { headers: echoed };
	}
}

/**
 * @param {QueuedFault} fault
 * @param {Record<string, number>} rateLimitHeaders
 * @param {LoggedRequest} entry
 * @returns {Reply}
 */
function faultReply(fault, rateLimitHeaders, entry) {
	if (fault.kind === 'reset') return { destroy: true };
	const omitRateLimit = fault.omitRateLimitHeaders || fault.headers === null;
	const headers = { ...(omitRateLimit ? {} : rateLimitHeaders), ...fault.headers };
	switch (fault.kind) {
		case 'status':
			return {
				status: fault.status,
				body: fault.body ?? { message: http.STATUS_CODES[fault.status] ?? 'Error' },
				headers,
			};
		case 'garbled':
			return { status: fault.status ?? 200, body: '{"items": [', headers };
		case 'empty':
			return { status: fault.status ?? 200, body: undefined, headers };
		case 'html': {
			const status = fault.status ?? 502;
			const title = `${status} ${http.STATUS_CODES[status] ?? 'Error'}`;
			const page = `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>nginx</center></body></html>\n`;
			return { status, body: page, headers: { 'content-type': 'text/html', ...headers } };
		}
		case 'echo': {
			const body = echoBody(fault, entry);
			const type = typeof body === 'string' ? { 'content-type': 'text/plain' } : {};
			return { status: fault.status ?? 200, body, headers: { ...type, ...headers } };
		}
		default: // 'body'
			return { status: fault.status ?? 200, body: fault.body, headers };
	}
}

/** @param {Fault} fault */
function validateFault(fault) {
	if (!isObject(fault) || !FAULT_KINDS.includes(fault.kind))
		throw new TypeError(`fault.kind must be one of ${FAULT_KINDS.join(', ')}`);
	if (
		fault.kind === 'status' &&
		!(Number.isInteger(fault.status) && fault.status >= 100 && fault.status <= 599)
	) {
		throw new TypeError('a status fault needs an HTTP status (100-599)');
	}
	if (fault.kind === 'delay' && !(Number.isFinite(fault.delayMs) && fault.delayMs >= 0))
		throw new TypeError('a delay fault needs delayMs >= 0');
	if (fault.kind === 'body' && fault.body === undefined)
		throw new TypeError('a body fault needs a body');
	if (fault.echoAs !== undefined && !ECHO_FORMS.includes(fault.echoAs))
		throw new TypeError(`fault.echoAs must be one of ${ECHO_FORMS.join(', ')}`);
	if (fault.times !== undefined && !(fault.times >= 1))
		throw new TypeError('fault.times must be >= 1 (Infinity allowed)');
	if (fault.after !== undefined && !(Number.isInteger(fault.after) && fault.after >= 0))
		throw new TypeError('fault.after must be an integer >= 0');
}

/** @param {SandboxOptions['rateLimit']} rateLimit */
function validateRateLimit({ limit, windowMs }) {
	if (!Number.isInteger(limit) || limit < 0)
		throw new TypeError('rateLimit.limit must be an integer >= 0');
	if (!Number.isInteger(windowMs) || windowMs <= 0)
		throw new TypeError('rateLimit.windowMs must be a positive integer');
	return { limit, windowMs };
}

/**
 * @param {boolean | LifecycleOptions | null | undefined} lifecycle
 * @param {number} [currentScale] kept when the object names no timeScale
 * @returns {{ timeScale: number } | null} null = off
 */
function normalizeLifecycle(lifecycle, currentScale = 1) {
	if (lifecycle === false || lifecycle === null) return null;
	if (lifecycle === undefined || lifecycle === true) return { timeScale: currentScale };
	if (!isObject(lifecycle)) throw new TypeError('lifecycle must be false, true or { timeScale }');
	const { timeScale = currentScale } = lifecycle;
	if (typeof timeScale !== 'number' || !Number.isFinite(timeScale) || timeScale < 0)
		throw new TypeError('lifecycle.timeScale must be a number >= 0');
	return { timeScale };
}

/** @param {unknown} offset */
function validateClockOffset(offset) {
	if (typeof offset !== 'number' || !Number.isFinite(offset))
		throw new TypeError('clockOffsetMs must be a finite number');
	return offset;
}

/** @param {SandboxOptions} options */
function normalizeOptions(options) {
	const apiKeys = [
		...new Set([options.apiKey, ...(options.apiKeys ?? [])].filter((key) => key !== undefined)),
	];
	if (
		apiKeys.length === 0 ||
		!apiKeys.every((key) => typeof key === 'string' && /^\S+$/.test(key))
	) {
		throw new TypeError('startSandbox needs apiKey (or apiKeys): non-empty strings without spaces');
	}
	const { port = 0, pageSize = 20, callCount = 57, latencyMs = 0, log = false } = options;
	const { listOrder = 'oldest-first' } = options;
	if (!LIST_ORDERS.includes(listOrder))
		throw new TypeError(`listOrder must be one of ${LIST_ORDERS.join(', ')}`);
	if (!Number.isInteger(port) || port < 0 || port > 65535)
		throw new TypeError('port must be an integer from 0 to 65535');
	if (!Number.isInteger(pageSize) || pageSize < 1)
		throw new TypeError('pageSize must be a positive integer');
	if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new TypeError('latencyMs must be >= 0');
	const rateLimit = validateRateLimit({ limit: 100, windowMs: 60_000, ...options.rateLimit });
	const lifecycle = normalizeLifecycle(options.lifecycle);
	const clockOffsetMs = validateClockOffset(options.clockOffsetMs ?? 0);
	return {
		apiKeys,
		port,
		pageSize,
		listOrder,
		callCount,
		latencyMs,
		log: Boolean(log),
		rateLimit,
		lifecycle,
		clockOffsetMs,
	};
}

class Sandbox {
	/** @type {http.Server} */ server;
	/** 'http://127.0.0.1:PORT', no trailing slash. */ url = '';
	port = 0;
	/** The first valid key. */ apiKey;
	/** @type {string[]} every valid key; each has its own rate-limit bucket. */ apiKeys;
	/** @type {LoggedRequest[]} in arrival order; the array is emptied in place, never replaced. */
	requests = [];
	/** @type {QueuedFault[]} pending faults, in matching order. */
	faults = [];
	/** @type {Readonly<SandboxState>} */ fixtures;
	/** @type {Transition[]} status changes of created calls, in order; emptied in place, never replaced. */
	transitions = [];

	/** @type {SandboxData} */ #data;
	#options;
	#rateLimit;
	/** @type {{ rateLimit: { limit: number, windowMs: number }, after: number } | null} a change due after `after` more counted requests */
	#pendingRateLimit = null;
	/** How far the sandbox's clock (its rate-limit windows, X-RateLimit-Reset, Date) is ahead of the real one. */
	#clockOffsetMs = 0;
	/** @type {Map<string, { windowStart: number, count: number }>} */ #buckets = new Map();
	#createdCount = 0;
	/** @type {Set<NodeJS.Timeout>} */ #timers = new Set();
	/** @type {Promise<void> | undefined} */ #closing;
	/** @type {{ timeScale: number } | null} */ #lifecycle;
	/** The last time scale set, kept while the lifecycle is off. */ #timeScale = 1;
	/** @type {Map<string, Plan>} calls whose timeline has steps left, by id */ #plans = new Map();
	/** @type {Set<Waiter>} */ #waiters = new Set();
	/** @type {Set<http.ClientRequest>} deliveries in flight, aborted by close() */ #outgoing =
		new Set();

	/** @param {SandboxOptions} options */
	constructor(options) {
		this.#options = normalizeOptions(options ?? {});
		this.apiKeys = this.#options.apiKeys;
		this.apiKey = this.apiKeys[0];
		this.#rateLimit = this.#options.rateLimit;
		this.#clockOffsetMs = this.#options.clockOffsetMs;
		this.#lifecycle = this.#options.lifecycle;
		this.#timeScale = this.#lifecycle?.timeScale ?? 1;
		this.fixtures = buildFixtures({ callCount: this.#options.callCount });
		this.#data = structuredClone(this.fixtures);
		this.server = http.createServer((req, res) => this.#onRequest(req, res));
		this.server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
	}

	/** Live data (replaced by reset()): agents, phones, contactLists, calls (seeded then created, in
	 * list order), contacts (created by POST /v1/contacts), hooks, companies (keyed by email).
	 * @returns {SandboxState} */
	get state() {
		return this.#data;
	}

	async listen() {
		await new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.#options.port, HOST, () => {
				this.server.off('error', reject);
				resolve(undefined);
			});
		});
		this.port = /** @type {import('net').AddressInfo} */ (this.server.address()).port;
		this.url = `http://${HOST}:${this.port}`;
		return this;
	}

	clearLog() {
		this.requests.length = 0;
	}

	reset() {
		this.#dropPlans();
		this.#rejectWaiters('the sandbox was reset');
		this.transitions.length = 0;
		this.#data = structuredClone(this.fixtures);
		this.#createdCount = 0;
		this.#buckets.clear();
		this.faults.length = 0;
		this.clearLog();
	}

	/**
	 * Queues a fault; see README.md. The returned object is the queued one: `seen` counts matching
	 * requests, `hits` the ones the fault was applied to.
	 * @param {Fault} fault
	 * @returns {QueuedFault}
	 */
	inject(fault) {
		validateFault(fault);
		const queued = {
			...fault,
			method: fault.method?.toUpperCase(),
			times: fault.times ?? 1,
			after: fault.after ?? 0,
			seen: 0,
			hits: 0,
		};
		this.faults.push(queued);
		return queued;
	}

	/**
	 * Changes the rate limit and empties the buckets: now, or (`after: n`) when the next n requests
	 * have been counted, just before the one after them, as a server whose configuration changes
	 * mid-batch. A later call replaces a pending change.
	 * @param {{ limit?: number, windowMs?: number }} rateLimit missing fields keep their value
	 * @param {{ after?: number }} [when]
	 */
	setRateLimit(rateLimit, { after = 0 } = {}) {
		if (!Number.isInteger(after) || after < 0) throw new TypeError('after must be an integer >= 0');
		const next = validateRateLimit({ ...this.#rateLimit, ...rateLimit });
		this.#pendingRateLimit = after > 0 ? { rateLimit: next, after } : null;
		if (after > 0) return;
		this.#rateLimit = next;
		this.#buckets.clear();
	}

	/** The rate limit in force: `{ limit, windowMs }`. */
	get rateLimit() {
		return { ...this.#rateLimit };
	}

	/** How far the sandbox's clock is ahead of the real one (negative: behind), in ms. */
	get clockOffsetMs() {
		return this.#clockOffsetMs;
	}

	/**
	 * Sets the sandbox's clock `ms` ahead of the real one (negative: behind). It drives the
	 * rate-limit windows, `X-RateLimit-Reset` and the `Date` header, as a server whose clock is
	 * off; the request log, the call lifecycle and everything else keep real time.
	 * @param {number} ms
	 */
	setClockOffset(ms) {
		this.#clockOffsetMs = validateClockOffset(ms);
		this.#buckets.clear();
	}

	/** The call lifecycle's setting: `{ timeScale }`, or null when it is off. */
	get lifecycle() {
		return this.#lifecycle && { ...this.#lifecycle };
	}

	/**
	 * Turns the call lifecycle on or off, or changes its time scale. Off drops the pending timelines
	 * (those calls keep their current status); a new scale also re-times the pending ones.
	 * `true` or an object without timeScale keeps the last scale set (1 if none was).
	 * @param {boolean | LifecycleOptions} lifecycle
	 */
	setLifecycle(lifecycle) {
		this.#lifecycle = normalizeLifecycle(lifecycle, this.#timeScale);
		this.#timeScale = this.#lifecycle?.timeScale ?? this.#timeScale;
		if (!this.#lifecycle) this.#dropPlans();
		else this.#plans.forEach((plan) => this.#arm(plan));
	}

	/**
	 * Resolves with a copy of the stored call as it was when it reached `status` (at once, with its
	 * current state, if it is there already or has passed through it since the last reset). Rejects for an unknown id, after timeoutMs, and
	 * on reset() or close().
	 * @param {string} id
	 * @param {string} status
	 * @param {number} [timeoutMs]
	 * @returns {Promise<Call>}
	 */
	waitForStatus(id, status, timeoutMs = 10_000) {
		const call = this.#data.calls.find((candidate) => candidate.id === id);
		if (!call) return Promise.reject(new Error(`waitForStatus: the sandbox has no call ${id}`));
		if (call.status === status || this.transitions.some((t) => t.id === id && t.status === status))
			return Promise.resolve(structuredClone(call));
		return new Promise((resolve, reject) => {
			/** @type {Waiter} */
			const waiter = {
				id,
				status,
				resolve,
				reject,
				timer: setTimeout(
					() => {
						this.#waiters.delete(waiter);
						reject(
							new Error(
								`waitForStatus: call ${id} did not reach "${status}" within ${timeoutMs} ms (it is "${call.status}")`,
							),
						);
					},
					Math.min(timeoutMs, MAX_TIMER_MS),
				),
			};
			waiter.timer.unref();
			this.#waiters.add(waiter);
		});
	}

	/** Counts over sb.requests (so clearLog() starts a new measurement); in-flight requests have no status yet. */
	stats() {
		/** @type {Record<number, number>} */
		const byStatus = {};
		let firstAt = null;
		let lastAt = null;
		for (const { status, time } of this.requests) {
			if (status !== null) byStatus[status] = (byStatus[status] ?? 0) + 1;
			firstAt = firstAt === null ? time : Math.min(firstAt, time);
			lastAt = lastAt === null ? time : Math.max(lastAt, time);
		}
		return { total: this.requests.length, byStatus, firstAt, lastAt };
	}

	/**
	 * POSTs a call event to every matching subscription, as Awaz would.
	 * @param {Record<string, any>} event a call object
	 * @param {{ statusOverride?: string }} [options] statusOverride replaces event.status, both in
	 *   the delivered body and for choosing the subscriptions
	 * @returns {Promise<Delivery[]>} one per matching subscription, in subscription order
	 */
	deliver(event, { statusOverride } = {}) {
		const body = statusOverride === undefined ? event : { ...event, status: statusOverride };
		const agentId = isObject(body.agent) ? body.agent.id : (body.agent ?? body.agent_id);
		const targets = this.#data.hooks.filter(
			(hook) =>
				hook.status.includes(body.status) &&
				(hook.agents.length === 0 || hook.agents.includes(agentId)),
		);
		return Promise.all(targets.map((hook) => this.deliverRaw(hook.hookUrl, JSON.stringify(body))));
	}

	/**
	 * POSTs any body to one URL. Never rejects: a delivery that could not be made has status 0 and
	 * an `error`. Only http:// loopback URLs are contacted.
	 * @param {string} hookUrl
	 * @param {string} rawBody
	 * @param {string | null} [contentType] null sends no content-type
	 * @returns {Promise<Delivery>} body is the parsed JSON when the receiver answered JSON, else its text
	 */
	deliverRaw(hookUrl, rawBody, contentType = 'application/json') {
		return new Promise((resolve) => {
			const fail = (error) => resolve({ hookUrl, status: 0, body: null, error });
			let url;
			try {
				url = new URL(hookUrl);
			} catch {
				return fail('invalid URL');
			}
			if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) {
				return fail('not delivered: the sandbox only delivers to http:// loopback URLs');
			}
			const headers = {
				'content-length': Buffer.byteLength(rawBody),
				'user-agent': 'Awaz-Sandbox-Webhooks',
			};
			if (contentType !== null) headers['content-type'] = contentType;
			// agent: false = a fresh connection that closes, so no pooled socket outlives the test.
			/** @type {http.ClientRequest} */
			const request = http.request(
				url,
				{ method: 'POST', agent: false, timeout: DELIVERY_TIMEOUT_MS, headers },
				(response) => {
					const chunks = [];
					response.on('data', (chunk) => chunks.push(chunk));
					response.on('error', (error) => fail(error.message));
					response.on('end', () => {
						const text = Buffer.concat(chunks).toString('utf8');
						const parsed = parseJson(text);
						resolve({
							hookUrl,
							status: response.statusCode ?? 0,
							body: parsed.ok && text !== '' ? parsed.value : text,
						});
					});
				},
			);
			request.on('timeout', () =>
				request.destroy(new Error(`timed out after ${DELIVERY_TIMEOUT_MS} ms`)),
			);
			request.on('error', (error) => fail(error.message));
			request.on('close', () => this.#outgoing.delete(request));
			this.#outgoing.add(request);
			request.end(rawBody);
		});
	}

	/**
	 * Closes the server and every keep-alive socket; pending delays and call timelines are dropped,
	 * deliveries in flight aborted, waitForStatus promises rejected. Idempotent.
	 */
	close() {
		this.#closing ??= new Promise((resolve) => {
			this.#timers.forEach(clearTimeout);
			this.#timers.clear();
			this.#dropPlans();
			this.#rejectWaiters('the sandbox was closed');
			this.#outgoing.forEach((request) => request.destroy(new Error('the sandbox was closed')));
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
		return this.#closing;
	}

	/** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
	#onRequest(req, res) {
		const time = Date.now();
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			// Prefixing (rather than a base URL) keeps a path like '//x' a path, not a host.
			const url = new URL(`http://${HOST}${req.url ?? '/'}`);
			const rawBody = Buffer.concat(chunks).toString('utf8');
			const parsed = parseJson(rawBody);
			/** @type {LoggedRequest} */
			const entry = {
				method: req.method ?? 'GET',
				path: url.pathname,
				query: Object.fromEntries(url.searchParams),
				headers: { ...req.headers },
				body: parsed.value,
				rawBody,
				status: null,
				time,
			};
			this.requests.push(entry);
			this.#handle(entry, parsed.ok)
				.catch((error) => ({
					status: 500,
					body: { message: 'Sandbox error', error: String(error?.stack ?? error) },
				}))
				.then((reply) => this.#send(req, res, entry, reply));
		});
	}

	/**
	 * The pipeline: authenticate, count quota (429 when over), then faults, then the route. Faults
	 * therefore only see authenticated requests within quota, i.e. the ones that reach "the API".
	 * @param {LoggedRequest} entry
	 * @param {boolean} bodyIsJson
	 * @returns {Promise<Reply>}
	 */
	async #handle(entry, bodyIsJson) {
		if (!entry.path.startsWith('/v1/')) return message(404, 'Not found');
		const token = /^Bearer +(\S+) *$/i.exec(String(entry.headers.authorization ?? ''))?.[1];
		if (!token) return message(401, 'Unauthorized');
		if (!this.apiKeys.includes(token)) return message(403, 'Forbidden');

		const quota = this.#consumeQuota(token, entry.time + this.#clockOffsetMs);
		if (quota.exceeded) {
			return {
				status: 429,
				body: { message: 'Too Many Requests' },
				headers: { ...quota.headers, 'retry-after': quota.retryAfter },
			};
		}
		const fault = this.#takeFault(entry);
		if (fault?.kind === 'delay') {
			await this.#sleep(fault.delayMs);
		} else if (fault) {
			if (fault.applied) this.#route(entry, bodyIsJson);
			return faultReply(fault, quota.headers, entry);
		}
		const reply = this.#route(entry, bodyIsJson);
		return { ...reply, headers: { ...quota.headers, ...reply.headers } };
	}

	/** @param {LoggedRequest} entry @param {boolean} bodyIsJson @returns {Answer} */
	#route(entry, bodyIsJson) {
		const route = ROUTES.find(
			([method, pattern]) => method === entry.method && pattern.test(entry.path),
		);
		if (!route) return message(404, 'Not found');
		if (!bodyIsJson) return message(400, 'Invalid JSON body');
		const [, pattern, handler] = route;
		return handler({
			data: this.#data,
			query: entry.query,
			body: entry.body,
			params: /** @type {RegExpExecArray} */ (pattern.exec(entry.path)).slice(1),
			pageSize: this.#options.pageSize,
			listOrder: this.#options.listOrder,
			newId: () => makeObjectId(ID_BASE.created + ++this.#createdCount),
			onCallCreated: (call) => this.#startTimeline(call),
		});
	}

	/** Plans a created call's timeline from max(now, its datetime), when the lifecycle is on. @param {Call} call */
	#startTimeline(call) {
		if (!this.#lifecycle || this.#closing) return;
		const steps = timelineFor(call.contact.phone);
		if (steps.length === 0) return;
		/** @type {Plan} */
		const plan = {
			call,
			startMs: Math.max(Date.now(), Date.parse(call.datetime)),
			steps,
			next: 0,
			timer: null,
		};
		this.#plans.set(call.id, plan);
		this.#arm(plan);
	}

	/** (Re)arms the timer for the plan's next step, at the current time scale. @param {Plan} plan */
	#arm(plan) {
		if (plan.timer) clearTimeout(plan.timer);
		const timeScale = this.#lifecycle?.timeScale ?? 1;
		const at = plan.startMs + plan.steps[plan.next].offsetMs * timeScale;
		plan.timer = setTimeout(
			() => {
				plan.timer = null;
				// Timers may fire a millisecond early, and long waits come in pieces: never step before `at`.
				if (Date.now() < at) this.#arm(plan);
				else this.#advance(plan);
			},
			Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS),
		);
		plan.timer.unref();
	}

	/** Moves the call to its next status, records the transition and delivers it. @param {Plan} plan */
	#advance(plan) {
		const { call } = plan;
		const { status } = plan.steps[plan.next];
		plan.next += 1;
		if (plan.next < plan.steps.length) this.#arm(plan);
		else this.#plans.delete(call.id);

		call.status = status;
		if (status === 'outcome') call.extracted_variables = outcomeVariables(call);
		/** @type {Transition} */
		const transition = {
			id: call.id,
			agent: call.agent,
			status,
			time: Date.now(),
			deliveries: null,
			deliveredAt: null,
		};
		this.transitions.push(transition);
		const delivered = this.deliver(structuredClone(call)).then((deliveries) => {
			transition.deliveries = deliveries;
			transition.deliveredAt = Date.now();
			if (this.#options.log) {
				const sent = deliveries.map(({ hookUrl, status: answer, error }) => ({
					hookUrl,
					status: answer,
					...(error ? { error } : {}),
				}));
				console.log(
					JSON.stringify({
						time: new Date(transition.time).toISOString(),
						call: call.id,
						status,
						deliveries: sent,
					}),
				);
			}
			return deliveries;
		});
		Object.defineProperty(transition, 'delivered', { value: delivered, enumerable: false });
		for (const waiter of this.#waiters) {
			if (waiter.id !== call.id || waiter.status !== status) continue;
			clearTimeout(waiter.timer);
			this.#waiters.delete(waiter);
			waiter.resolve(structuredClone(call));
		}
	}

	#dropPlans() {
		this.#plans.forEach((plan) => plan.timer && clearTimeout(plan.timer));
		this.#plans.clear();
	}

	/** @param {string} why */
	#rejectWaiters(why) {
		this.#waiters.forEach((waiter) => {
			clearTimeout(waiter.timer);
			waiter.reject(
				new Error(`waitForStatus: ${why} before call ${waiter.id} reached "${waiter.status}"`),
			);
		});
		this.#waiters.clear();
	}

	/**
	 * Fixed windows aligned to multiples of windowMs since the epoch, so a benchmark's result does
	 * not depend on when its first request falls. Every request counts, 429s included, as on most
	 * real gateways: a client that keeps hammering stays locked out until the window ends.
	 * @param {string} key
	 * @param {number} now
	 */
	#consumeQuota(key, now) {
		if (this.#pendingRateLimit && this.#pendingRateLimit.after-- === 0) {
			this.#rateLimit = this.#pendingRateLimit.rateLimit;
			this.#pendingRateLimit = null;
			this.#buckets.clear();
		}
		const { limit, windowMs } = this.#rateLimit;
		const windowStart = Math.floor(now / windowMs) * windowMs;
		const windowEnd = windowStart + windowMs;
		let bucket = this.#buckets.get(key);
		if (!bucket || bucket.windowStart !== windowStart) {
			bucket = { windowStart, count: 0 };
			this.#buckets.set(key, bucket);
		}
		bucket.count += 1;
		return {
			exceeded: bucket.count > limit,
			retryAfter: Math.max(1, Math.ceil((windowEnd - now) / 1000)),
			headers: {
				'x-ratelimit-limit': limit,
				'x-ratelimit-remaining': Math.max(0, limit - bucket.count),
				'x-ratelimit-reset': Math.ceil(windowEnd / 1000),
			},
		};
	}

	/** The first queued fault that matches and is past its `after`; consumed once used `times` times. */
	#takeFault(entry) {
		for (const fault of this.faults) {
			if (fault.method && fault.method !== entry.method) continue;
			if (fault.path instanceof RegExp) {
				fault.path.lastIndex = 0; // a /g or /y pattern would otherwise match every other time
				if (!fault.path.test(entry.path)) continue;
			} else if (fault.path !== undefined && fault.path !== entry.path) continue;
			fault.seen += 1;
			if (fault.seen <= fault.after) continue;
			fault.hits += 1;
			if (fault.hits >= fault.times) this.faults.splice(this.faults.indexOf(fault), 1);
			return fault;
		}
		return undefined;
	}

	/** @param {http.IncomingMessage} req @param {http.ServerResponse} res @param {LoggedRequest} entry @param {Reply} reply */
	async #send(req, res, entry, reply) {
		if (this.#options.latencyMs > 0) await this.#sleep(this.#options.latencyMs);
		if ('destroy' in reply) {
			entry.status = 0;
			req.socket.destroy();
		} else {
			const payload =
				reply.body === undefined
					? ''
					: typeof reply.body === 'string'
						? reply.body
						: JSON.stringify(reply.body);
			/** @type {Record<string, string | number>} */
			const headers = reply.body === undefined ? {} : { 'content-type': 'application/json' };
			for (const [name, value] of Object.entries(reply.headers ?? {})) {
				if (value === null || value === undefined) delete headers[name.toLowerCase()];
				else headers[name.toLowerCase()] = value;
			}
			headers['content-length'] = Buffer.byteLength(payload);
			// Node dates every answer by the real clock; a sandbox whose clock is off says its own time.
			if (this.#clockOffsetMs !== 0 && !('date' in headers))
				headers.date = new Date(Date.now() + this.#clockOffsetMs).toUTCString();
			entry.status = reply.status;
			// The client may have given up (timeout tests); writing to a closed socket is harmless.
			res.writeHead(reply.status, headers).end(payload);
		}
		if (this.#options.log) {
			const { method, path, status, time } = entry;
			console.log(
				JSON.stringify({
					time: new Date(time).toISOString(),
					method,
					path,
					status,
					ms: Date.now() - time,
				}),
			);
		}
	}

	/** A timer close() can cancel, so a pending delay never keeps the process (or jest) alive. */
	#sleep(ms) {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.#timers.delete(timer);
				resolve(undefined);
			}, ms);
			this.#timers.add(timer);
		});
	}
}

/**
 * Starts a sandbox on 127.0.0.1.
 * @param {SandboxOptions} options
 * @returns {Promise<Sandbox>}
 */
async function startSandbox(options) {
	return new Sandbox(options).listen();
}

module.exports = { startSandbox, Sandbox };
