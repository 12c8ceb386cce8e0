#!/usr/bin/env node
/**
 * Call → Schedule at the rate limit in every run, cold or warm, one execution or
 * two, wherever in a window the first request lands.
 *
 *   node bench/schedule.mjs                 # after npm run build; about 8 minutes
 *   node bench/schedule.mjs --runs=3        # fewer runs per case
 *   node bench/schedule.mjs --only=warm-two # some cases only: cold-one, cold-two, warm-one, warm-two
 *   node bench/schedule.mjs --trace         # also print the gate's state per request (stderr)
 *
 * Four cases, `--runs` (10) runs each, 100 calls at 20 requests per 2 s window:
 * - cold: a fresh sandbox (so a rate-limit key this process has never used: as a fresh n8n);
 * - warm: the same n8n first waits for calls on that key (Schedule and Wait for Outcome, 3 calls,
 *   at Awaz's documented 100 requests per minute), then the sandbox switches to 20 per 2 s;
 * - one: one execution of 100 items; two: two executions of 50 items started together.
 * Each run is timed so that its first request lands at a chosen point of a window: run 0 and every
 * fifth run 40 ms before the window ends (the worst case of bench/run.mjs), the others spread
 * over the window.
 *
 * Ratio = span from the first to the last POST /v1/calls the sandbox received, over the
 * window-aligned floor of bench/README.md ("The floor"). Sender's ratio = the same span over the
 * same floor, except that a first window which closed while the rate-limit gate held no request
 * (the bench records every hold of the built gate) counts with what it took. Exits 1 when any
 * run's sender's ratio is above 1.05× or it has a 429, a call missing or a call placed twice.
 *
 * Runs in the in-process n8n engine (kit/runner/engine.js on the project's n8n-core), as
 * bench/wait.mjs does. Prints a markdown report on stdout and keeps a copy in
 * .tmp/bench/schedule-<time>.md (raw numbers in schedule-<time>.json); progress goes to stderr.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';

import { OUT_DIR, args, commandLine, inProcessEngine, progress } from './common.mjs';
import { awazSchedule } from './workflows.mjs';

const n8n = inProcessEngine();
const require = createRequire(import.meta.url);
const { startSandbox } = require('../kit/sandbox');
const { AGENT_ID, API_KEY, PHONE_ID, awazNode, locator } = require('../kit/fixtures');

const RUNS = Number(args.runs ?? 10);
const CASES = (args.only ?? 'cold-one,cold-two,warm-one,warm-two').split(',');
const TRACE = args.trace === 'true';

const LIMIT = 20;
const WINDOW_MS = 2000;
const N = 100;
const BOUND = 1.05;
/** Where in its window the first request of run i lands (ms): 40 ms before the end, or spread. */
const offsetFor = (i) => (i % 5 === 0 ? WINDOW_MS - 40 : Math.round(((i * 7) % 10) * 190 + 60));

const log = progress('bench-schedule');

// The built gate, watched from outside: the same module instance the loaded package uses. Every
// hold it gives a request is recorded (the published code has no trace); --trace also prints its
// state per request.
const { RateLimitGate } = require('../dist/nodes/shared/transport/rateLimit.js');
/** When the gate gave a hold (ms since the epoch), in the current run. */
let holdsAt = [];
{
	const t = () => `${Date.now() % 100000}`.padStart(5, '0');
	const inWindow = (ms) => ms % WINDOW_MS;
	const before = RateLimitGate.prototype.delayBeforeNextRequest;
	RateLimitGate.prototype.delayBeforeNextRequest = function (now = Date.now()) {
		const hold = before.call(this, now);
		if (hold > 0) holdsAt.push(now);
		if (!TRACE) return hold;
		const s = this.state;
		log(
			`[trace ${t()}] hold=${hold} at +${inWindow(now)} rem=${s.remaining} inFlight=${s.inFlight} ` +
				`reset=${s.resetAtMs === undefined ? '-' : s.resetAtMs - now} probe=${s.probeSeq ?? '-'} ` +
				`offset=${s.clock.offsetMs}`,
		);
		return hold;
	};
	if (TRACE) {
		const finished = RateLimitGate.prototype.finished;
		RateLimitGate.prototype.finished = function (ticket, headers = {}, now = Date.now()) {
			finished.call(this, ticket, headers, now);
			const s = this.state;
			log(
				`[trace ${t()}] answer seq=${ticket.seq} sent +${inWindow(ticket.sentAtMs)} got +${inWindow(now)} ` +
					`hdr rem=${headers['x-ratelimit-remaining']} reset=${headers['x-ratelimit-reset']} date=${headers.date} ` +
					`-> rem=${s.remaining} resetIn=${s.resetAtMs === undefined ? '-' : s.resetAtMs - now} offset=${s.clock.offsetMs}`,
			);
		};
	}
}

function waitNode() {
	return awazNode({
		resource: 'call',
		operation: 'scheduleAndWait',
		agentId: locator(AGENT_ID),
		fromPhoneId: locator(PHONE_ID),
		name: '={{ $json.name }}',
		phone: '={{ $json.phone }}',
	});
}

/** Contacts named by run and execution, so that missing and doubled calls are told apart. */
const contacts = (count, tag) =>
	Array.from({ length: count }, (_, i) => ({
		name: `Sched ${tag} ${String(i + 1).padStart(4, '0')}`,
		// Ending in 9: never dialled, so no lifecycle of their own.
		phone: `+1555${String(i + 1).padStart(6, '0')}9`,
	}));

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor((sorted.length - 1) / 2)];
};

/**
 * When the last of n requests can go at the earliest, counted from the first (ms): every window
 * takes LIMIT requests, the first one `firstWindowTakes` (it may be cut short by its end), the last
 * request goes at the start of the window it needs. With firstWindowTakes = LIMIT this is the
 * window-aligned floor of bench/README.md.
 */
function floorOf(firstAt, n, firstWindowTakes = LIMIT) {
	const windows = 1 + Math.ceil(Math.max(0, n - firstWindowTakes) / LIMIT);
	const w0Start = Math.floor(firstAt / WINDOW_MS) * WINDOW_MS;
	return Math.max(0, w0Start + (windows - 1) * WINDOW_MS - firstAt);
}

/**
 * The gaps between two requests that arrived one after the other in the same window (ms), with
 * that window's number, from the arrival times in order. Their median is the sender's own pace in
 * this run and the first window's longest gap is printed beside its holds; neither sets the bound.
 */
function sameWindowGaps(sorted) {
	const gaps = [];
	for (let i = 1; i < sorted.length; i++) {
		const window = Math.floor(sorted[i] / WINDOW_MS);
		if (window === Math.floor(sorted[i - 1] / WINDOW_MS))
			gaps.push({ window, ms: sorted[i] - sorted[i - 1] });
	}
	return gaps;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lag from a run's start to its first request, learnt from the runs so far. */
const lags = { one: [], two: [] };

async function oneRun(kind, index) {
	const [temperature, executions] = kind.split('-');
	const warm = temperature === 'warm';
	const sb = await startSandbox({
		apiKey: API_KEY,
		rateLimit: warm ? { limit: 100, windowMs: 60_000 } : { limit: LIMIT, windowMs: WINDOW_MS },
		lifecycle: warm ? { timeScale: 0.1 } : false,
	});
	try {
		const env = await n8n.environment({
			credentials: { awazApi: { apiKey: API_KEY, baseUrl: sb.url } },
		});
		if (warm) {
			// Other work on the key first: wait for 3 calls (busy after 0.3 s).
			const leads = [0, 1, 2].map((i) => ({ name: `Warm ${i}`, phone: `+1555100000${i}0` }));
			const result = await n8n.runWorkflow(env, { nodes: [waitNode()], items: leads });
			if (result.error) throw new Error(`warm-up failed: ${result.error.message}`);
			sb.setRateLimit({ limit: LIMIT, windowMs: WINDOW_MS });
		}
		const tags =
			executions === 'one' ? [`${kind}-${index}`] : [`${kind}-${index}a`, `${kind}-${index}b`];
		const per = N / tags.length;
		const offsetMs = offsetFor(index);
		const lag = lags[executions].length ? median(lags[executions]) : 15;
		let startAt = Math.floor((Date.now() + 300) / WINDOW_MS) * WINDOW_MS + offsetMs - lag;
		while (startAt < Date.now() + 300) startAt += WINDOW_MS;
		await sleep(startAt - Date.now());
		sb.clearLog();
		holdsAt = [];
		const runStartedAt = Date.now();
		const results = await Promise.all(
			tags.map((tag) =>
				n8n.runWorkflow(env, { nodes: [awazSchedule()], items: contacts(per, tag) }),
			),
		);
		const posts = sb.requests.filter((r) => r.method === 'POST' && r.path === '/v1/calls');
		const times = posts.map((r) => r.time).sort((a, b) => a - b);
		const firstAt = times[0];
		const lastAt = times[times.length - 1];
		const w0 = Math.floor(firstAt / WINDOW_MS);
		lags[executions].push(firstAt - runStartedAt);
		const created = new Map();
		for (const call of sb.state.calls) {
			const name = call.contact?.name;
			if (name?.startsWith('Sched ')) created.set(name, (created.get(name) ?? 0) + 1);
		}
		let missing = 0;
		let doubled = 0;
		for (const tag of tags)
			for (const { name } of contacts(per, tag)) {
				const count = created.get(name) ?? 0;
				if (count === 0) missing++;
				doubled += Math.max(0, count - 1);
			}
		const floorMs = floorOf(firstAt, N);
		const gaps = sameWindowGaps(times);
		const paceMs = gaps.length ? median(gaps.map((gap) => gap.ms)) : 0;
		const perWindow = {};
		for (const time of times) {
			const w = Math.floor(time / WINDOW_MS) - w0;
			perWindow[w] = (perWindow[w] ?? 0) + 1;
		}
		const firstWindowGapMs = Math.max(
			0,
			...gaps.filter((gap) => gap.window === w0).map((gap) => gap.ms),
		);
		const w0End = (w0 + 1) * WINDOW_MS;
		const firstWindowHolds = holdsAt.filter((at) => at >= firstAt && at < w0End).length;
		// A first window that closed while the gate held nothing counts with what it took (the
		// sender could not do more in it); one in which the gate held a request is held to LIMIT.
		const cutBySender = perWindow[0] < LIMIT && firstWindowHolds === 0;
		const senderFloorMs = floorOf(firstAt, N, cutBySender ? perWindow[0] : LIMIT);
		const row = {
			kind,
			index,
			targetOffsetMs: offsetMs,
			firstOffsetMs: firstAt % WINDOW_MS,
			spanMs: lastAt - firstAt,
			floorMs,
			ratio: (lastAt - firstAt) / floorMs,
			paceMs,
			firstWindowGapMs,
			firstWindowHolds,
			cutBySender,
			senderFloorMs,
			senderRatio: (lastAt - firstAt) / senderFloorMs,
			tooMany: posts.filter((r) => r.status === 429).length,
			missing,
			doubled,
			errors: results.map((r) => r.error?.message).filter(Boolean),
			perWindow: Object.values(perWindow),
			// Every POST's arrival after the first (ms), for a look afterwards.
			arrivals: times.map((time) => time - firstAt),
			// When each window's first request arrived, after the window's start (ms).
			windowStartLag: Object.keys(perWindow).map((w) => {
				const start = (w0 + Number(w)) * WINDOW_MS;
				const first = Math.min(
					...times.filter((time) => time >= start && time < start + WINDOW_MS),
				);
				return first - start;
			}),
		};
		log(
			`${kind} #${index}: first at +${row.firstOffsetMs} ms, span ${row.spanMs} / floor ${floorMs} = ${row.ratio.toFixed(3)} ` +
				`(pace ${paceMs} ms, first window: longest gap ${firstWindowGapMs} ms, ${firstWindowHolds} holds; sender's floor ${senderFloorMs} = ${row.senderRatio.toFixed(3)}), ` +
				`429s ${row.tooMany}, missing ${missing}, doubled ${doubled}, per window ${row.perWindow.join(' ')}, ` +
				`window starts +${row.windowStartLag.join(' +')}${row.errors.length ? `, errors: ${row.errors.join('; ')}` : ''}`,
		);
		return row;
	} finally {
		await sb.close();
	}
}

function report(rows) {
	const f = (x) => x.toFixed(3);
	const lines = [
		`# Call → Schedule at the limit: ${N} calls at ${LIMIT} per ${WINDOW_MS / 1000} s, ${RUNS} runs per case`,
		'',
		'Span = first to last POST /v1/calls at the sandbox. Ratio = span / window-aligned floor (every window, the first included, takes ' +
			`${LIMIT} requests). Sender's ratio = span / the same floor, except that a first window which closed while the rate-limit gate held no request ` +
			`(every hold it gives is recorded) counts with the requests it took: a first request that lands a few ms before its window ends cannot be ` +
			`followed by ${LIMIT - 1} more in that window, one after another, on this CPU. ` +
			`Bound: sender's ratio ≤ ${BOUND}× in every run, 0 × 429, none missing or doubled.`,
		'',
		"| case | runs | ratio min | median | max | sender's ratio min | median | max | pace (median) | worst run: first request at | 429s | missing / doubled | errors |",
		'|---|---|---|---|---|---|---|---|---|---|---|---|---|',
	];
	for (const kind of CASES) {
		const of = rows.filter((row) => row.kind === kind);
		if (!of.length) continue;
		const ratios = of.map((row) => row.ratio);
		const senders = of.map((row) => row.senderRatio);
		const worst = of.reduce((a, b) => (b.senderRatio > a.senderRatio ? b : a));
		lines.push(
			`| ${kind} | ${of.length} | ${f(Math.min(...ratios))} | ${f(median(ratios))} | ${f(Math.max(...ratios))} | ` +
				`${f(Math.min(...senders))} | ${f(median(senders))} | ${f(Math.max(...senders))} | ${median(of.map((row) => row.paceMs))} ms | ` +
				`+${worst.firstOffsetMs} ms of ${WINDOW_MS} | ${of.reduce((s, r) => s + r.tooMany, 0)} | ` +
				`${of.reduce((s, r) => s + r.missing, 0)} / ${of.reduce((s, r) => s + r.doubled, 0)} | ${of.reduce((s, r) => s + r.errors.length, 0)} |`,
		);
	}
	const cut = rows.filter((row) => row.cutBySender);
	lines.push(
		'',
		`Per run (first request's place in its window → ratio / sender's ratio): ` +
			CASES.map(
				(kind) =>
					`${kind}: ${rows
						.filter((row) => row.kind === kind)
						.map((row) => `+${row.firstOffsetMs}→${f(row.ratio)}/${f(row.senderRatio)}`)
						.join(', ')}`,
			).join('; '),
		'',
		cut.length
			? `First window cut short by the sender's pace (${cut.length} of ${rows.length} runs): ` +
					cut
						.map(
							(row) =>
								`${row.kind} #${row.index} at +${row.firstOffsetMs} ms: ${row.perWindow[0]} requests in ${WINDOW_MS - row.firstOffsetMs} ms, longest gap ${row.firstWindowGapMs} ms, no hold`,
						)
						.join('; ') +
					'.'
			: "No run had its first window cut short by the sender's pace.",
		'',
		`Command: \`${commandLine('schedule.mjs')}\` (after \`npm run build\`), ` +
			`${new Date().toISOString()}, Node ${process.version}, n8n-core ${require('n8n-core/package.json').version}, ` +
			`${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, load ${os.loadavg()[0].toFixed(2)}.`,
	);
	return lines.join('\n');
}

async function main() {
	const timeout = setTimeout(
		() => {
			log('gave up');
			process.exit(2);
		},
		(RUNS * CASES.length * 25 + 60) * 1000,
	);
	timeout.unref();
	const rows = [];
	// Cases interleaved run by run, so that machine noise is shared.
	for (let index = 0; index < RUNS; index++)
		for (const kind of CASES) rows.push(await oneRun(kind, index));
	const text = report(rows);
	console.log(text);
	const stamp = new Date().toISOString().replace(/[:.]/g, '-');
	writeFileSync(join(OUT_DIR, `schedule-${stamp}.md`), `${text}\n`);
	writeFileSync(join(OUT_DIR, `schedule-${stamp}.json`), JSON.stringify(rows, null, 1));
	const bad = rows.filter(
		(row) =>
			row.senderRatio > BOUND || row.tooMany || row.missing || row.doubled || row.errors.length,
	);
	if (bad.length) {
		console.log(
			`\nMissed: ${bad.map((row) => `${row.kind} #${row.index} (${row.senderRatio.toFixed(3)}×)`).join(', ')}`,
		);
		process.exitCode = 1;
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
