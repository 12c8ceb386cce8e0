'use strict';
/**
 * The assertion on what reached the Awaz sandbox, shared by the in-process tests (test/nodes,
 * test/trigger) and the suites against a real n8n (test/e2e). Uses jest's global `expect`.
 */

/**
 * @typedef {{ method: string, path: string, query?: Record<string, string>, body?: unknown }} ExpectedRequest
 * @typedef {{ method: string, path: string, query: Record<string, string>, body: unknown,
 *   headers: Record<string, string | string[] | undefined> }} SeenRequest
 */

/**
 * Exactly these requests, in this order, reached the sandbox, each with the sandbox's API key as a
 * Bearer token.
 * @param {{ requests: readonly SeenRequest[], apiKey: string }} sandbox
 * @param {ExpectedRequest[]} expected
 */
function expectRequests(sandbox, expected) {
	expect(
		sandbox.requests.map(({ method, path, query, body }) => ({ method, path, query, body })),
	).toEqual(expected.map(({ method, path, query = {}, body }) => ({ method, path, query, body })));
	for (const request of sandbox.requests)
		expect(request.headers.authorization).toBe(`Bearer ${sandbox.apiKey}`);
}

module.exports = { expectRequests };
