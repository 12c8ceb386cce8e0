'use strict';
/**
 * Loopback stand-ins for the outside services the example workflows talk to besides Awaz: a CRM
 * (`POST /api/leads`, answers 201 with the new lead's id) and a reseller's usage source
 * (`GET /awaz/workspaces`, answers `balances`). Keeps every request, body parsed when JSON.
 *
 *   const standIn = await startStandIns({ balances: [{ email: 'a@example.com', credits: 8 }] });
 *   ... standIn.requests ...
 *   await standIn.close();
 *
 * Plain Node, no dependencies.
 */
const http = require('node:http');

/** @param {{ balances?: Array<Record<string, unknown>> }} [options] */
function startStandIns({ balances = [] } = {}) {
	const state = {
		url: '',
		/** Every request: `{ method, path, headers, body }`. */
		requests: [],
		/** What `GET /awaz/workspaces` answers; replace per test. */
		balances,
		clearLog() {
			state.requests.length = 0;
		},
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve());
			}),
	};

	const server = http.createServer((req, res) => {
		let raw = '';
		req.setEncoding('utf8');
		req.on('data', (chunk) => (raw += chunk));
		req.on('end', () => {
			let body;
			try {
				body = raw ? JSON.parse(raw) : undefined;
			} catch {
				body = raw;
			}
			const path = new URL(req.url, 'http://stand-in').pathname;
			state.requests.push({ method: req.method, path, headers: req.headers, body });
			const send = (status, answer) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(answer));
			};
			if (req.method === 'POST' && path === '/api/leads')
				return send(201, { id: `lead-${state.requests.length}` });
			if (req.method === 'GET' && path === '/awaz/workspaces') return send(200, state.balances);
			return send(404, { message: 'Not found' });
		});
	});

	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			state.url = `http://127.0.0.1:${server.address().port}`;
			resolve(state);
		});
	});
}

module.exports = { startStandIns };
