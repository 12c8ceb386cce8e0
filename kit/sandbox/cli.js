#!/usr/bin/env node
'use strict';

/**
 * Runs the sandbox until SIGINT/SIGTERM, e.g. for `npm start` (n8n against a fake Awaz):
 *   node kit/sandbox/cli.js --port 5681 --api-key sandbox-key [--limit 100 --window-ms 60000]
 * --api-key may be repeated (or comma-separated) for several valid keys. Created calls go through
 * the call lifecycle (README.md) at --time-scale (default 1), unless --no-lifecycle.
 */
const { parseArgs } = require('util');
const { startSandbox } = require('./server');

const USAGE =
	'usage: node kit/sandbox/cli.js [--port 5681] [--api-key sandbox-key]... [--limit 100] [--window-ms 60000]\n' +
	'                                [--page-size 20] [--call-count 57] [--latency-ms 0] [--verbose]\n' +
	'                                [--time-scale 1 | --no-lifecycle]';

/** @param {string | undefined} text @param {string} flag */
function integer(text, flag) {
	if (text === undefined) return undefined;
	if (!/^\d+$/.test(text)) throw new TypeError(`--${flag} must be a non-negative integer`);
	return Number(text);
}

async function main() {
	const { values } = parseArgs({
		options: {
			port: { type: 'string', default: '5681' },
			'api-key': { type: 'string', multiple: true, default: ['sandbox-key'] },
			limit: { type: 'string' },
			'window-ms': { type: 'string' },
			'page-size': { type: 'string' },
			'call-count': { type: 'string' },
			'latency-ms': { type: 'string' },
			verbose: { type: 'boolean', default: false },
			'time-scale': { type: 'string' },
			'no-lifecycle': { type: 'boolean', default: false },
		},
	});
	const timeScale = values['time-scale'];
	if (timeScale !== undefined && !/^(\d+\.?\d*|\.\d+)$/.test(timeScale))
		throw new TypeError('--time-scale must be a number >= 0, like 0.1');
	if (timeScale !== undefined && values['no-lifecycle'])
		throw new TypeError('--time-scale and --no-lifecycle exclude each other');
	const rateLimit = {
		limit: integer(values.limit, 'limit'),
		windowMs: integer(values['window-ms'], 'window-ms'),
	};
	const sandbox = await startSandbox({
		apiKeys: values['api-key'].flatMap((keys) => keys.split(',')).filter(Boolean),
		port: integer(values.port, 'port'),
		// Flags left out must not override the defaults with undefined.
		rateLimit: Object.fromEntries(
			Object.entries(rateLimit).filter(([, value]) => value !== undefined),
		),
		pageSize: integer(values['page-size'], 'page-size'),
		callCount: integer(values['call-count'], 'call-count'),
		latencyMs: integer(values['latency-ms'], 'latency-ms'),
		log: values.verbose,
		lifecycle: values['no-lifecycle']
			? false
			: { timeScale: timeScale === undefined ? 1 : Number(timeScale) },
	});
	console.log(`Awaz sandbox listening on ${sandbox.url}`);

	const stop = () => sandbox.close().then(() => process.exit(0));
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((error) => {
	console.error(`${error.message}\n${USAGE}`);
	process.exit(2);
});
