#!/usr/bin/env node
/**
 * Issue 15's bench: Call → Schedule at the rate limit in every run, cold or warm, one execution or
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
 * window-aligned floor of bench/README.md ("The floor"). Exits 1 when any run is above 1.05× or
 * has a 429, a call missing or a call placed twice.
 *
 * Runs in the in-process n8n engine (kit/runner/engine.js on the project's n8n-core), as
 * bench/wait.mjs does. Prints a markdown report on stdout and keeps a copy in
 * .tmp/bench/schedule-<time>.md (raw numbers in schedule-<time>.json); progress goes to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, '.tmp', 'bench');
mkdirSync(OUT_DIR, { recursive: true });
process.env.N8N_USER_FOLDER = join(OUT_DIR, 'n8n-user');
process.env.N8N_LOG_LEVEL = 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';

const require = createRequire(import.meta.url);
const { inProcessN8n } = require('../kit/runner/engine');
const { startSandbox } = require('../kit/sandbox');
const { AGENT_ID, API_KEY, PHONE_ID, awazNode, locator } = require('../kit/fixtures');

const args = Object.fromEntries(
	process.argv.slice(2).map((arg) => {
		const [key, value = 'true'] = arg.replace(/^--/, '').split('=');
		return [key, value];
	}),
);
const RUNS = Number(args.runs ?? 10);
const CASES = (args.only ?? 'cold-one,cold-two,warm-one,warm-two').split(',');
const TRACE = args.trace === 'true';

const LIMIT = 20;
const WINDOW_MS = 2000;
const N = 100;
const BOUND = 1.05;
/** Where in its window the first request of run i lands (ms): 40 ms before the end, or spread. */
const offsetFor = (i) => (i % 5 === 0 ? WINDOW_MS - 40 : Math.round(((i * 7) % 10) * 190 + 60));

const started = Date.now();
const log = (...parts) =>
	console.error(`[bench-schedule +${((Date.now() - started) / 1000).toFixed(1)}s]`, ...parts);

const n8n = inProcessN8n({ core: require('n8n-core'), workflow: require('n8n-workflow') });

if (TRACE) {
	// The built gate, patched from outside: the same module instance the loaded package uses.
	const { RateLimitGate } = require('../dist/nodes/shared/transport/rateLimit.js');
	const t = () => `${Date.now() % 100000}`.padStart(5, '0');
	const inWindow = (ms) => ms % WINDOW_MS;
	const before = RateLimitGate.prototype.delayBeforeNextRequest;
	RateLimitGate.prototype.delayBeforeNextRequest = function (now = Date.now()) {
		const hold = before.call(this, now);
		const s = this.state;
		log(
			`[trace ${t()}] hold=${hold} at +${inWindow(now)} rem=${s.remaining} inFlight=${s.inFlight} ` +
				`reset=${s.resetAtMs === undefined ? '-' : s.resetAtMs - now} probe=${s.probeSeq ?? '-'} ` +
				`offset=${s.clock.offsetMs}`,
		);
		return hold;
	};
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

function scheduleNode() {
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

function floorOf(firstAt, n) {
	const windows = Math.ceil(n / LIMIT);
	const w0Start = Math.floor(firstAt / WINDOW_MS) * WINDOW_MS;
	return Math.max(0, w0Start + (windows - 1) * WINDOW_MS - firstAt);
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
		const runStartedAt = Date.now();
		const results = await Promise.all(
			tags.map((tag) =>
				n8n.runWorkflow(env, { nodes: [scheduleNode()], items: contacts(per, tag) }),
			),
		);
		const posts = sb.requests.filter((r) => r.method === 'POST' && r.path === '/v1/calls');
		const times = posts.map((r) => r.time);
		const firstAt = Math.min(...times);
		const lastAt = Math.max(...times);
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
		const perWindow = {};
		for (const time of times) {
			const w = Math.floor(time / WINDOW_MS) - Math.floor(firstAt / WINDOW_MS);
			perWindow[w] = (perWindow[w] ?? 0) + 1;
		}
		const row = {
			kind,
			index,
			targetOffsetMs: offsetMs,
			firstOffsetMs: firstAt % WINDOW_MS,
			spanMs: lastAt - firstAt,
			floorMs,
			ratio: (lastAt - firstAt) / floorMs,
			tooMany: posts.filter((r) => r.status === 429).length,
			missing,
			doubled,
			errors: results.map((r) => r.error?.message).filter(Boolean),
			perWindow: Object.values(perWindow),
			// When each window's first request arrived, after the window's start (ms).
			windowStartLag: Object.keys(perWindow).map((w) => {
				const start = (Math.floor(firstAt / WINDOW_MS) + Number(w)) * WINDOW_MS;
				const first = Math.min(
					...times.filter((time) => time >= start && time < start + WINDOW_MS),
				);
				return first - start;
			}),
		};
		log(
			`${kind} #${index}: first at +${row.firstOffsetMs} ms, span ${row.spanMs} / floor ${floorMs} = ${row.ratio.toFixed(3)}, ` +
				`429s ${row.tooMany}, missing ${missing}, doubled ${doubled}, per window ${row.perWindow.join(' ')}, ` +
				`window starts +${row.windowStartLag.join(' +')}${row.errors.length ? `, errors: ${row.errors.join('; ')}` : ''}`,
		);
		return row;
	} finally {
		await sb.close();
	}
}

function report(rows) {
	const lines = [
		`# Call → Schedule at the limit: ${N} calls at ${LIMIT} per ${WINDOW_MS / 1000} s, ${RUNS} runs per case`,
		'',
		`Ratio = span (first to last POST /v1/calls at the sandbox) / window-aligned floor; bound ≤ ${BOUND}× in every run, 0 × 429, none missing or doubled.`,
		'',
		'| case | runs | ratio min | median | max | worst run: first request at | 429s | missing / doubled | errors |',
		'|---|---|---|---|---|---|---|---|---|',
	];
	for (const kind of CASES) {
		const of = rows.filter((row) => row.kind === kind);
		if (!of.length) continue;
		const ratios = of.map((row) => row.ratio);
		const worst = of.reduce((a, b) => (b.ratio > a.ratio ? b : a));
		lines.push(
			`| ${kind} | ${of.length} | ${Math.min(...ratios).toFixed(3)} | ${median(ratios).toFixed(3)} | ${Math.max(...ratios).toFixed(3)} | ` +
				`+${worst.firstOffsetMs} ms of ${WINDOW_MS} | ${of.reduce((s, r) => s + r.tooMany, 0)} | ` +
				`${of.reduce((s, r) => s + r.missing, 0)} / ${of.reduce((s, r) => s + r.doubled, 0)} | ${of.reduce((s, r) => s + r.errors.length, 0)} |`,
		);
	}
	lines.push(
		'',
		`Per run (first request's place in its window → ratio): ` +
			CASES.map(
				(kind) =>
					`${kind}: ${rows
						.filter((row) => row.kind === kind)
						.map((row) => `+${row.firstOffsetMs}→${row.ratio.toFixed(3)}`)
						.join(', ')}`,
			).join('; '),
		'',
		`Command: \`node bench/schedule.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\` (after \`npm run build\`), ` +
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
		(row) => row.ratio > BOUND || row.tooMany || row.missing || row.doubled || row.errors.length,
	);
	if (bad.length) {
		console.log(
			`\nMissed: ${bad.map((row) => `${row.kind} #${row.index} (${row.ratio.toFixed(3)}×)`).join(', ')}`,
		);
		process.exitCode = 1;
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
