#!/usr/bin/env node
/**
 * What Call → Schedule and Wait for Outcome costs and how late its results are,
 * measured against the Awaz sandbox on loopback with the real rate limit (100 requests per 60 s
 * window) and calls that move through their lifecycle (kit/sandbox/README.md, "Call lifecycle").
 *
 *   node bench/wait.mjs            # after npm run build; about 6 minutes
 *   node bench/wait.mjs --only=a   # one part: a (one call), b (50 calls beside another workflow)
 *                                  # or c (a sheet of 150 leads)
 *   node bench/wait.mjs --only=c --calls=1000 --order=newest-first   # (c) bigger, another order
 *
 * (a) One call at a time: from the moment the sandbox moved the call to its final status
 *     (`sb.transitions`) to the moment the execution handed back its output.
 * (b) 50 calls waited for at once while a second workflow on the same key schedules calls as fast
 *     as the key allows: the wait's reads and the second workflow's requests per rate-limit window
 *     while both run, and the 429s. The second workflow is stopped when the wait ends.
 * (c) A sheet of leads (150 by default) whose calls all end 28 s after they are placed: when the
 *     last outcome is in the output against when Awaz reported it, the reads it took, the 429s.
 * Each part has bounds; the bench exits 1 when one is missed.
 *
 * Both workflows run in one in-process n8n engine (kit/runner/engine.js on the project's n8n-core
 * and n8n-workflow), as two executions of one n8n instance. Prints a markdown report on stdout and
 * keeps a copy in .tmp/bench/wait-<time>.md; progress goes to stderr.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';

import { OUT_DIR, args, commandLine, inProcessEngine, progress } from './common.mjs';

const n8n = inProcessEngine();
const require = createRequire(import.meta.url);
const { startSandbox } = require('../kit/sandbox');
const { AGENT_ID, API_KEY, PHONE_ID, awazNode, locator } = require('../kit/fixtures');

const PARTS = new Set((args.only ?? 'a,b,c').split(','));
/** (c): how many leads, and how the sandbox orders GET /v1/calls. */
const SHEET_N = Number(args.calls ?? 150);
const SHEET_ORDER = args.order ?? 'oldest-first';

const LIMIT = 100;
const WINDOW_MS = 60_000;
/** (a): a call answered after 1.5 s, over at 14 s; busy at 1.5 s; voicemail at 5 s. */
const ONE_CALL_SCALE = 0.5;
const ONE_CALL_PHONES = ['+14155550104', '+14155550100', '+14155550101'];
/** (b): answered calls end at 84 s, voicemail at 30 s, busy and failed at 9 s. */
const BATCH_SCALE = 3;
const BATCH_N = 50;
/** More than the second workflow can place while the wait runs: it is stopped when the wait ends. */
const OTHER_N = 400;

const log = progress('bench-wait');

/** The Awaz node scheduling one call per item (`name`, `phone`); `wait` adds the wait. */
function callNode(wait, name) {
	return awazNode(
		{
			resource: 'call',
			operation: wait ? 'scheduleAndWait' : 'schedule',
			agentId: locator(AGENT_ID),
			fromPhoneId: locator(PHONE_ID),
			name: '={{ $json.name }}',
			phone: '={{ $json.phone }}',
		},
		{},
		name,
	);
}

async function withSandbox(timeScale, run, options = {}) {
	const sb = await startSandbox({
		apiKey: API_KEY,
		rateLimit: { limit: LIMIT, windowMs: WINDOW_MS },
		lifecycle: { timeScale },
		...options,
	});
	try {
		const env = await n8n.environment({
			credentials: { awazApi: { apiKey: API_KEY, baseUrl: sb.url } },
		});
		return await run(sb, env);
	} finally {
		await sb.close();
	}
}

const seconds = (ms) => (ms / 1000).toFixed(1);

/** (a) One call, three times: how long after its final status the output is there. */
async function oneCall() {
	return await withSandbox(ONE_CALL_SCALE, async (sb, env) => {
		const rows = [];
		for (const [index, phone] of ONE_CALL_PHONES.entries()) {
			const result = await n8n.runWorkflow(env, {
				nodes: [callNode(true, 'Schedule and Wait')],
				items: [{ name: `Lead ${index}`, phone }],
			});
			const outputAt = Date.now();
			if (result.error) throw new Error(`(a) ${phone}: ${result.error.message}`);
			const call = result.output[0].json;
			const final = sb.transitions.filter((step) => step.id === call.id).at(-1);
			const reads = sb.requests.filter((request) => request.path === `/v1/calls/${call.id}`).length;
			rows.push({ phone, status: call.status, delayMs: outputAt - final.time, reads });
			log(
				`(a) ${phone}: ${call.status}, output ${seconds(outputAt - final.time)} s after it, ${reads} reads`,
			);
		}
		return rows;
	});
}

/** (b) 50 calls waited for while a second workflow schedules on the same key. */
async function fiftyCallsBesideAnother() {
	return await withSandbox(BATCH_SCALE, async (sb, env) => {
		// Last digits 0-8 in turn: busy, voicemail, failed, canceled, answered, "queued" first.
		const leads = Array.from({ length: BATCH_N }, (_, i) => ({
			name: `Lead ${i}`,
			phone: `+1415555${String(1000 + i).slice(0, 3)}${i % 9}`,
		}));
		// Ending in 9: never dialled, so they add no lifecycle of their own.
		const others = Array.from({ length: OTHER_N }, (_, i) => ({
			name: `Other ${i}`,
			phone: `+1415556${String(1000 + i)
				.padStart(4, '0')
				.slice(-3)}9`,
		}));
		const isLead = (request) =>
			request.method === 'POST' && request.body?.name?.startsWith('Lead ');
		const isOther = (request) =>
			request.method === 'POST' && request.body?.name?.startsWith('Other ');
		const isRead = (request) => request.method === 'GET';

		const waitStartedAt = Date.now();
		const waiting = n8n.runWorkflow(env, {
			nodes: [callNode(true, 'Schedule and Wait')],
			items: leads,
		});
		// The second workflow starts once the 50 calls are placed: from then on the wait reads.
		while (
			sb.requests.filter((request) => isLead(request) && request.status === 201).length < BATCH_N
		) {
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		const bothFrom = Date.now();
		log(
			`(b) 50 calls placed in ${seconds(bothFrom - waitStartedAt)} s; the second workflow starts`,
		);
		const stopOther = new AbortController();
		const other = n8n.runWorkflow(env, {
			nodes: [callNode(false, 'Schedule')],
			items: others,
			signal: stopOther.signal,
		});
		const result = await waiting;
		const bothUntil = Date.now();
		stopOther.abort();
		await other;
		log(`(b) the wait ended after ${seconds(bothUntil - bothFrom)} s; the second workflow stopped`);

		if (result.error) throw new Error(`(b) the wait failed: ${result.error.message}`);
		const statuses = {};
		for (const item of result.output)
			statuses[item.json.status] = (statuses[item.json.status] ?? 0) + 1;

		// Per rate-limit window (the sandbox's are aligned to whole minutes) while both ran.
		const inWindow = (w) => (request) => Math.floor(request.time / WINDOW_MS) === w;
		// From the first of the 50 calls placed to the end of the wait.
		const during = sb.requests.filter(
			(request) => request.time >= waitStartedAt && request.time <= bothUntil,
		);
		const windows = [
			...new Set(during.map((request) => Math.floor(request.time / WINDOW_MS))),
		].sort((a, b) => a - b);
		const perWindow = windows.map((w) => {
			const start = Math.max(w * WINDOW_MS, bothFrom);
			const end = Math.min((w + 1) * WINDOW_MS, bothUntil);
			const requests = during.filter(inWindow(w));
			return {
				window: new Date(w * WINDOW_MS).toISOString().slice(11, 16),
				coveredS: Math.round((end - start) / 1000),
				full: start === w * WINDOW_MS && end === (w + 1) * WINDOW_MS,
				reads: requests.filter(isRead).length,
				other: requests.filter(isOther).length,
				leads: requests.filter(isLead).length,
				rejected: requests.filter((request) => request.status === 429).length,
			};
		});
		const reads = during.filter(isRead).length;
		return {
			outputItems: result.output.length,
			statuses,
			placed: sb.requests.filter((request) => isLead(request) && request.status === 201).length,
			durationS: (bothUntil - bothFrom) / 1000,
			readsPerMinute: reads / ((bothUntil - bothFrom) / 60_000),
			otherPerMinute: during.filter(isOther).length / ((bothUntil - bothFrom) / 60_000),
			rejected: sb.requests.filter((request) => request.status === 429).length,
			rejectedReads: sb.requests.filter((request) => isRead(request) && request.status === 429)
				.length,
			perWindow,
		};
	});
}

/**
 * (c) A whole sheet: SHEET_N leads, every call answered and over with an outcome 28 s after it was
 * placed. The floor is the moment Awaz reported the last outcome; the ratio is the time from the
 * start to the output over the time from the start to that floor.
 */
async function wholeSheet() {
	return await withSandbox(
		1,
		async (sb, env) => {
			const leads = Array.from({ length: SHEET_N }, (_, i) => ({
				name: `Lead ${i}`,
				// Ending in 4: answered, outcome 28 s after it was placed.
				phone: `+1415${555000 + i}4`,
			}));
			const startedAt = Date.now();
			const result = await n8n.runWorkflow(env, {
				nodes: [callNode(true, 'Schedule and Wait')],
				items: leads,
			});
			const outputAt = Date.now();
			const posts = sb.requests.filter((request) => request.method === 'POST');
			const created = sb.state.calls.slice(sb.fixtures.calls.length);
			const floorAt = Math.max(
				...sb.transitions.filter((step) => step.status === 'outcome').map((step) => step.time),
			);
			const names = created.map((call) => call.contact.name);
			const outcomes = (result.output ?? []).filter((item) => item.json.status === 'outcome');
			const reads = sb.requests.filter((request) => request.method === 'GET');
			const row = {
				calls: SHEET_N,
				order: SHEET_ORDER,
				placed: posts.filter((request) => request.status === 201).length,
				duplicates: names.length - new Set(names).size,
				outcomes: outcomes.length,
				error: result.error?.message,
				lastPostS: (Math.max(...posts.map((request) => request.time)) - startedAt) / 1000,
				floorS: (floorAt - startedAt) / 1000,
				outputS: (outputAt - startedAt) / 1000,
				ratio: (outputAt - startedAt) / (floorAt - startedAt),
				pageReads: reads.filter((request) => request.path === '/v1/calls').length,
				idReads: reads.filter((request) => request.path !== '/v1/calls').length,
				rejected: sb.requests.filter((request) => request.status === 429).length,
			};
			log(`(c) ${JSON.stringify(row)}`);
			return row;
		},
		{ listOrder: SHEET_ORDER },
	);
}

/** The bounds each part must meet; the bench exits 1 when one is missed. */
function missedBounds(a, b, c) {
	const missed = [];
	if (a && Math.max(...a.map((row) => row.delayMs)) > 10_000) missed.push('(a) output > 10 s');
	if (b) {
		const full = b.perWindow.filter((row) => row.full);
		if (full.some((row) => row.reads / LIMIT > 1 / 3)) missed.push('(b) wait > 1/3 of a window');
		if (full.some((row) => row.other / LIMIT < 0.6)) missed.push('(b) other < 60 % of a window');
		if (b.rejected > 0) missed.push('(b) 429s');
		if (b.outputItems !== BATCH_N) missed.push('(b) outcomes lost');
	}
	if (c) {
		if (c.ratio > 1.3) missed.push(`(c) ${c.ratio.toFixed(2)}× the floor > 1.3×`);
		if (c.rejected > 0) missed.push('(c) 429s');
		if (c.placed !== c.calls || c.duplicates > 0 || c.outcomes !== c.calls || c.error)
			missed.push('(c) calls lost, placed twice or failed');
	}
	return missed;
}

function report(a, b, c) {
	const lines = ['# Call → Schedule and Wait for Outcome: bench', ''];
	if (a) {
		const worst = Math.max(...a.map((row) => row.delayMs));
		lines.push(
			`**(a) One call** (rate limit ${LIMIT} per ${WINDOW_MS / 1000} s, lifecycle time scale ${ONE_CALL_SCALE}): the output was there ` +
				`${a.map((row) => `${seconds(row.delayMs)} s`).join(', ')} after Awaz reported the final status (worst ${seconds(worst)} s; bound 10 s).`,
			'',
			'| phone | final status | output after the final status | reads of the call |',
			'|---|---|---|---|',
			...a.map(
				(row) => `| ${row.phone} | ${row.status} | ${seconds(row.delayMs)} s | ${row.reads} |`,
			),
			'',
		);
	}
	if (b) {
		const full = b.perWindow.filter((row) => row.full);
		const share = (rows, key) =>
			rows.length
				? rows.map((row) => `${((row[key] / LIMIT) * 100).toFixed(0)} %`).join(', ')
				: 'no full window';
		lines.push(
			`**(b) ${BATCH_N} calls waited for at once on a ${LIMIT}/min key, beside a second workflow scheduling on the same key** ` +
				`(lifecycle time scale ${BATCH_SCALE}; ${b.placed} calls placed, ${b.outputItems} output items: ` +
				`${Object.entries(b.statuses)
					.map(([status, count]) => `${count} ${status}`)
					.join(', ')}). While both ran ` +
				`(${b.durationS.toFixed(0)} s): the wait read ${b.readsPerMinute.toFixed(1)} calls a minute ` +
				`(${((b.readsPerMinute / LIMIT) * 100).toFixed(0)}% of the limit; bound ≤ 33%), the second workflow placed ` +
				`${b.otherPerMinute.toFixed(1)} a minute (${((b.otherPerMinute / LIMIT) * 100).toFixed(0)}%; bound ≥ 60%); ` +
				`429s: ${b.rejected} (${b.rejectedReads} of them reads; bound 0). In the full windows: wait ${share(full, 'reads')}, second workflow ${share(full, 'other')} of the limit.`,
			'',
			'| window (UTC) | part of it while both ran | wait reads | second workflow | leads placed | 429s |',
			'|---|---|---|---|---|---|',
			...b.perWindow.map(
				(row) =>
					`| ${row.window} | ${row.coveredS} s${row.full ? ' (full)' : ''} | ${row.reads} | ${row.other} | ${row.leads} | ${row.rejected} |`,
			),
			'',
		);
	}
	if (c) {
		lines.push(
			`**(c) A sheet of ${c.calls} leads** (GET /v1/calls lists ${c.order}; every call ends with an outcome 28 s after it is placed; ${LIMIT} requests per ${WINDOW_MS / 1000} s): ` +
				`${c.placed} placed (${c.duplicates} twice), ${c.outcomes} outcomes in the output${c.error ? `, error: ${c.error}` : ''}. ` +
				`Last call placed at ${c.lastPostS.toFixed(1)} s, last outcome at Awaz (the floor) at ${c.floorS.toFixed(1)} s, all in the output at ${c.outputS.toFixed(1)} s: ` +
				`**${c.ratio.toFixed(3)}× the floor** (bound 1.3×). Reads: ${c.pageReads} list pages, ${c.idReads} by id; 429s: ${c.rejected} (bound 0).`,
			'',
		);
	}
	lines.push(
		`Command: \`${commandLine('wait.mjs')}\` (after \`npm run build\`), ` +
			`${new Date().toISOString()}, Node ${process.version}, n8n-core ${require('n8n-core/package.json').version}, ` +
			`${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, load ${os.loadavg()[0].toFixed(2)}.`,
	);
	return lines.join('\n');
}

async function main() {
	// (c) places SHEET_N calls at the limit: about 0.6 s each, plus the calls' 28 s.
	const minutes = 8 + (PARTS.has('c') ? Math.ceil(SHEET_N / LIMIT) + 2 : 0);
	const timeout = setTimeout(() => {
		log(`gave up after ${minutes} minutes`);
		process.exit(2);
	}, minutes * 60_000);
	timeout.unref();
	const a = PARTS.has('a') ? await oneCall() : undefined;
	const b = PARTS.has('b') ? await fiftyCallsBesideAnother() : undefined;
	const c = PARTS.has('c') ? await wholeSheet() : undefined;
	const text = report(a, b, c);
	console.log(text);
	const file = join(OUT_DIR, `wait-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
	writeFileSync(file, `${text}\n`);
	log(`report kept in ${file}`);
	const missed = missedBounds(a, b, c);
	if (missed.length > 0) {
		console.log(`\nMissed: ${missed.join('; ')}`);
		process.exitCode = 1;
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
