/**
 * The workflows the bench runs, as n8n stores them: our Awaz node with no configuration beyond
 * what the operation needs, and n8n's HTTP Request node set up the way a user would set it up for
 * the same job (Generic Credential Type → Header Auth, `Authorization: Bearer <key>`).
 */

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { AGENT_ID, PHONE_ID, awazNode, locator } = require('../kit/fixtures');

/** The HTTP Request node version a user gets today when adding the node (its defaultVersion). */
export const HTTP_REQUEST_VERSION = 4.5;

/** Credential data per type, as the bench's credentials helper hands it out. */
export function credentialsFor(sandboxUrl, apiKey) {
	return {
		awazApi: { apiKey, baseUrl: sandboxUrl },
		httpHeaderAuth: { name: 'Authorization', value: `Bearer ${apiKey}` },
	};
}

/**
 * HTTP Request v4.5 with Header Auth. `parameters` are merged over the node's own defaults for
 * the fields a user leaves alone.
 */
export function httpNode(parameters, settings = {}, name = 'HTTP Request') {
	return {
		id: `${name}-id`,
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: HTTP_REQUEST_VERSION,
		position: [0, 0],
		parameters: {
			method: 'GET',
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendQuery: false,
			sendHeaders: false,
			sendBody: false,
			options: {},
			...parameters,
		},
		credentials: { httpHeaderAuth: { id: 'bench-header-auth', name: 'Awaz key as header' } },
		...settings,
	};
}

/** The input items for scheduling: one contact per item, unique per workflow tag. */
export function contacts(count, tag) {
	return Array.from({ length: count }, (_, i) => ({
		name: `Bench ${tag}${String(i + 1).padStart(4, '0')}`,
		phone: `+1555${tag === 'A' ? 2 : tag === 'B' ? 3 : 4}${String(i + 1).padStart(6, '0')}`,
	}));
}

// ---- 1 and 4: Schedule a Call per item -------------------------------------------------------

export function awazSchedule() {
	return awazNode({
		resource: 'call',
		operation: 'schedule',
		agentId: locator(AGENT_ID, 'id'),
		fromPhoneId: locator(PHONE_ID, 'id'),
		name: '={{ $json.name }}',
		phone: '={{ $json.phone }}',
		datetime: '',
		options: {},
	});
}

/**
 * POST /v1/calls with a keypair JSON body (the node's default body mode).
 * @param {'defaults' | 'retry' | 'batching'} variant
 */
export function httpSchedule(sandboxUrl, variant) {
	const options =
		variant === 'batching' ? { batching: { batch: { batchSize: 20, batchInterval: 2000 } } } : {};
	// Retry On Fail as the node's Settings tab offers it: 3 tries, 1000 ms between (its defaults).
	const settings =
		variant === 'retry' ? { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 } : {};
	return httpNode(
		{
			method: 'POST',
			url: `${sandboxUrl}/v1/calls`,
			sendBody: true,
			contentType: 'json',
			specifyBody: 'keypair',
			bodyParameters: {
				parameters: [
					{ name: 'agent', value: AGENT_ID },
					{ name: 'name', value: '={{ $json.name }}' },
					{ name: 'phone', value: '={{ $json.phone }}' },
					{ name: 'from', value: PHONE_ID },
				],
			},
			options,
		},
		settings,
	);
}

// ---- 2: Return All over every call ------------------------------------------------------------

export function awazListAll({ returnAll = true, limit = 50 } = {}) {
	return awazNode({
		resource: 'call',
		operation: 'getAll',
		returnAll,
		limit,
		filters: {},
		options: {},
	});
}

/**
 * GET /v1/calls with "Update a Parameter in Each Request": page = {{ $pageCount }} (0, 1, 2…),
 * complete when the page's `items` is empty. `maxPages` limits it (for a warm-up).
 */
export function httpListAll(sandboxUrl, { maxPages } = {}) {
	return httpNode({
		method: 'GET',
		url: `${sandboxUrl}/v1/calls`,
		options: {
			pagination: {
				pagination: {
					paginationMode: 'updateAParameterInEachRequest',
					parameters: { parameters: [{ type: 'qs', name: 'page', value: '={{ $pageCount }}' }] },
					paginationCompleteWhen: 'other',
					completeExpression: '={{ $response.body.items.length === 0 }}',
					limitPagesFetched: maxPages !== undefined,
					maxRequests: maxPages ?? 100,
					requestInterval: 0,
				},
			},
		},
	});
}

/** What a user adds after the HTTP Request node to get one item per call, as our node gives. */
export function splitOutItems() {
	return {
		id: 'split-id',
		name: 'Split Out',
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		position: [200, 0],
		parameters: { fieldToSplitOut: 'items', include: 'noOtherFields', options: {} },
	};
}

// ---- 3: Get Call per item ---------------------------------------------------------------------

export function awazGetCall() {
	return awazNode({
		resource: 'call',
		operation: 'get',
		callId: locator('={{ $json.id }}', 'id'),
		options: {},
	});
}

export function httpGetCall(sandboxUrl) {
	return httpNode({ method: 'GET', url: `=${sandboxUrl}/v1/calls/{{ $json.id }}` });
}
