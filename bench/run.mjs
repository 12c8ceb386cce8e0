#!/usr/bin/env node
/**
 * Issue #3's benchmark: our Awaz node against n8n's HTTP Request node doing the same jobs, both in
 * the same in-process n8n engine (n8n 2.41.1 on Node 24 from the provisioned runtime), against the
 * Awaz sandbox on loopback. Prints one markdown table of ratios measured in this run. See
 * bench/README.md for what each row means and how the floor is computed.
 *
 *   npm run bench                      # builds, then runs workloads 1-4 (about 4 minutes)
 *   node bench/run.mjs --only=1,4      # some workloads only (after npm run build)
 *   node bench/run.mjs --timeout=600   # overall limit in seconds (default 900)
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';

import { provision } from '../scripts/n8n/provision.mjs';
import { OUT_DIR, ROOT, args, commandLine, progress } from './common.mjs';
import * as wf from './workflows.mjs';

const require = createRequire(import.meta.url);
const { startSandbox } = require('../kit/sandbox');

const { API_KEY } = require('../kit/fixtures');

const ONLY = args.only ? new Set(args.only.split(',').map(Number)) : undefined;
const OVERALL_TIMEOUT_S = Number(args.timeout ?? 900);

/** The scaled rate limit: 20 requests per 2 s window (the real one is 100 per 60 s). */
const LIMIT = 20;
const WINDOW_MS = 2000;
const SCHEDULE_N = 200;
const CONCURRENT_N = 100; // per workflow, two workflows
const LIST_SIZES = [2000, 10_000];
const PAGE_SIZE = 100;
const GET_N = 2000;
const GET_LATENCY_N = 200;
const GET_LATENCY_MS = 20;
const TIMED_REPEATS = 3;
/** The extra worst-case row of workload 1: the first request this long before its window ends. */
const WORST_CASE_LEFT_MS = 40;
/** Far above anything a run sends: "no rate limit". */
const NO_LIMIT = 1_000_000;
/** One job (a workload on one variant) may take this long before the bench gives up on it. */
const JOB_TIMEOUT_MS = 180_000;
const READY_TIMEOUT_MS = 60_000;

const log = progress('bench');
const started = Date.now();

// ---- workers ----------------------------------------------------------------------------------

/** Every child this run started, so a timeout or Ctrl-C ends exactly those. */
const children = new Set();
let runtime;
/** Node and n8n versions the workers report. */
let engineVersions;

class Worker {
	constructor(label) {
		this.label = label;
		this.child = fork(join(ROOT, 'bench', 'worker.cjs'), [], {
			execPath: runtime.nodeBin,
			execArgv: ['--expose-gc', '--max-old-space-size=4096'],
			env: {
				...process.env,
				BENCH_N8N_DIR: join(runtime.dir, 'n8n'),
				N8N_USER_FOLDER: join(OUT_DIR, 'n8n-user'),
				N8N_LOG_LEVEL: 'silent',
				N8N_DIAGNOSTICS_ENABLED: 'false',
			},
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		});
		children.add(this.child);
		this.child.on('exit', () => children.delete(this.child));
		this.versions = undefined;
	}

	/** The next message of `type` (or a failure), within `timeoutMs`. */
	next(type, timeoutMs) {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(
				() => finish(new Error(`${this.label}: no '${type}' within ${timeoutMs / 1000} s`)),
				timeoutMs,
			);
			const onMessage = (message) => {
				if (message.type === type) finish(undefined, message);
				else if (message.type === 'failed') finish(new Error(`${this.label}: ${message.message}`));
			};
			const onExit = (code) =>
				finish(new Error(`${this.label}: worker exited (${code}) before '${type}'`));
			const finish = (error, message) => {
				clearTimeout(timer);
				this.child.off('message', onMessage);
				this.child.off('exit', onExit);
				if (error) reject(error);
				else resolve(message);
			};
			this.child.on('message', onMessage);
			this.child.on('exit', onExit);
		});
	}

	async ready() {
		const message = await this.next('ready', READY_TIMEOUT_MS);
		this.versions = message.versions;
		engineVersions = message.versions;
		return this;
	}

	async warmup(workflows) {
		this.child.send({ type: 'warmup', workflows });
		return await this.next('warm', JOB_TIMEOUT_MS);
	}

	/** Starts the workflows (at epoch ms `startAt`, if given); resolves with their results. */
	go(workflows, memory = false, startAt = undefined) {
		const result = this.next('result', JOB_TIMEOUT_MS);
		this.child.send({ type: 'go', workflows, memory, startAt });
		return result;
	}

	close() {
		if (this.child.exitCode === null && this.child.connected) this.child.send({ type: 'exit' });
		const child = this.child;
		setTimeout(() => {
			if (child.exitCode === null) child.kill('SIGKILL');
		}, 5000).unref();
	}
}

async function startWorkers(count, label) {
	const workers = Array.from({ length: count }, (_, i) => new Worker(`${label}#${i + 1}`));
	try {
		return await Promise.all(workers.map((worker) => worker.ready()));
	} catch (error) {
		workers.forEach((worker) => worker.close());
		throw error;
	}
}

async function withSandbox(options, body) {
	const sb = await startSandbox({ apiKey: API_KEY, ...options });
	try {
		return await body(sb);
	} finally {
		await sb.close();
	}
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// ---- measures -------------------------------------------------------------------------------

/**
 * The least span the aligned windows allow for `n` requests at `limit` per `windowMs`, from where
 * the first request fell: it must reach window w0 + ceil(n / limit) - 1.
 */
export function spanFloor(firstAt, n, limit = LIMIT, windowMs = WINDOW_MS) {
	const windows = Math.ceil(n / limit);
	const w0Start = Math.floor(firstAt / windowMs) * windowMs;
	const lastWindowStart = w0Start + (windows - 1) * windowMs;
	return { floorMs: Math.max(0, lastWindowStart - firstAt), rawFloorMs: (windows - 1) * windowMs };
}

/** What a batch of schedule requests did at the sandbox: per item, and in time. */
function scheduleOutcome(sb, items, runs) {
	const created = new Map();
	for (const call of sb.state.calls) {
		const name = call.contact?.name;
		created.set(name, (created.get(name) ?? 0) + 1);
	}
	let ok = 0;
	let duplicates = 0;
	for (const { name } of items) {
		const count = created.get(name) ?? 0;
		if (count > 0) ok++;
		duplicates += Math.max(0, count - 1);
	}
	const posts = sb.requests.filter(
		(request) => request.method === 'POST' && request.path === '/v1/calls',
	);
	const times = posts.map((request) => request.time);
	const firstAt = Math.min(...times);
	const lastAt = Math.max(...times);
	const spanMs = lastAt - firstAt;
	const { floorMs, rawFloorMs } = spanFloor(firstAt, items.length);
	const wallMs =
		Math.max(...runs.map((run) => run.endedAt)) - Math.min(...runs.map((run) => run.startedAt));
	const statuses = {};
	for (const request of posts) statuses[request.status] = (statuses[request.status] ?? 0) + 1;
	// How fast requests follow each other inside a window: a sequential client's pace.
	const gaps = [];
	for (let i = 1; i < times.length; i++) {
		if (Math.floor(times[i] / WINDOW_MS) === Math.floor(times[i - 1] / WINDOW_MS))
			gaps.push(times[i] - times[i - 1]);
	}
	const inFirstWindow = times.filter(
		(time) => Math.floor(time / WINDOW_MS) === Math.floor(firstAt / WINDOW_MS),
	).length;
	return {
		n: items.length,
		ok,
		failed: items.length - ok,
		duplicates,
		requests: posts.length,
		statuses,
		tooMany: statuses[429] ?? 0,
		firstOffsetMs: firstAt % WINDOW_MS,
		inFirstWindow,
		paceMs: gaps.length ? median(gaps) : undefined,
		spanMs,
		floorMs,
		rawFloorMs,
		wallMs,
		errors: runs.map((run) => run.error?.message).filter(Boolean),
	};
}

// ---- workloads ------------------------------------------------------------------------------

const results = [];
const record = (row) => {
	results.push(row);
	log(`${row.workload} | ${row.variant}: ${JSON.stringify(row.data)}`);
};

/**
 * Schedules `tags.length` batches at the scaled limit; `processes` = 1 runs them as concurrent
 * executions in one n8n process, else one process each. `firstRequestAt` (ms into a window) times
 * the start so that the first request lands there (within a few ms).
 */
async function scheduleJob(
	workload,
	variant,
	makeNodes,
	{ tags = ['A'], n = SCHEDULE_N, processes = 1, firstRequestAt } = {},
) {
	await withSandbox(
		{ rateLimit: { limit: LIMIT, windowMs: WINDOW_MS }, callCount: 0 },
		async (sb) => {
			const credentials = wf.credentialsFor(sb.url, API_KEY);
			const specs = tags.map((tag) => ({
				nodes: makeNodes(sb.url),
				items: wf.contacts(n, tag),
				credentials,
			}));
			const workers = await startWorkers(processes, variant);
			try {
				const startAt =
					firstRequestAt === undefined
						? undefined
						: await startTimedAt(workers[0], makeNodes, firstRequestAt, n);
				sb.clearLog();
				const replies =
					processes === 1
						? [await workers[0].go(specs, false, startAt)]
						: await Promise.all(workers.map((worker, i) => worker.go([specs[i]], false, startAt)));
				const runs = replies.flatMap((reply) => reply.runs);
				const items = specs.flatMap((spec) => spec.items);
				record({ workload, variant, kind: 'schedule', data: scheduleOutcome(sb, items, runs) });
			} finally {
				workers.forEach((worker) => worker.close());
			}
		},
	);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * When to start a schedule workflow so that its first request lands `offsetMs` into a window: warms
 * the worker up on a throw-away sandbox (3 runs of as many items, so the path is hot), measures the
 * lag from the start of a run to its first request there (the node checks every item first), and picks the next instant at least 200 ms
 * away that puts start + lag at the offset.
 */
async function startTimedAt(worker, makeNodes, offsetMs, itemCount) {
	const lags = [];
	await withSandbox(
		{ rateLimit: { limit: NO_LIMIT, windowMs: 60_000 }, callCount: 0 },
		async (warmSb) => {
			const credentials = wf.credentialsFor(warmSb.url, API_KEY);
			for (let i = 0; i < 3; i++) {
				warmSb.clearLog();
				const { runs } = await worker.warmup([
					{ nodes: makeNodes(warmSb.url), items: wf.contacts(itemCount, 'X'), credentials },
				]);
				lags.push(Math.min(...warmSb.requests.map((request) => request.time)) - runs[0].startedAt);
			}
		},
	);
	const lag = median(lags);
	let startAt = Math.floor((Date.now() + 200) / WINDOW_MS) * WINDOW_MS + offsetMs - lag;
	while (startAt < Date.now() + 200) startAt += WINDOW_MS;
	return startAt;
}

async function workload1() {
	const name = `1. Schedule ${SCHEDULE_N} calls at ${LIMIT}/${WINDOW_MS / 1000} s`;
	await scheduleJob(name, 'Awaz node (no configuration)', () => [wf.awazSchedule()]);
	await scheduleJob(name, 'HTTP Request (a) defaults', (url) => [wf.httpSchedule(url, 'defaults')]);
	await scheduleJob(name, 'HTTP Request (b) Retry On Fail (3 tries, 1000 ms)', (url) => [
		wf.httpSchedule(url, 'retry'),
	]);
	await scheduleJob(name, 'HTTP Request (c) batching 20 items / 2000 ms', (url) => [
		wf.httpSchedule(url, 'batching'),
	]);
	await scheduleJob(
		name,
		`Awaz node, started ${WORST_CASE_LEFT_MS} ms before a window ends (worst case, extra)`,
		() => [wf.awazSchedule()],
		{
			firstRequestAt: WINDOW_MS - WORST_CASE_LEFT_MS,
		},
	);
}

async function workload4() {
	const name = `4. Two workflows × ${CONCURRENT_N} calls on one key at ${LIMIT}/${WINDOW_MS / 1000} s`;
	const both = { tags: ['A', 'B'], n: CONCURRENT_N };
	await scheduleJob(name, 'Awaz node, both in one n8n process', () => [wf.awazSchedule()], both);
	await scheduleJob(name, 'Awaz node, one n8n process each', () => [wf.awazSchedule()], {
		...both,
		processes: 2,
	});
	await scheduleJob(
		name,
		'HTTP Request batching 20 / 2000 ms, one process',
		(url) => [wf.httpSchedule(url, 'batching')],
		both,
	);
}

/**
 * Times `variants` (name → spec) in ONE worker, round-robin, so both nodes see the same JIT state,
 * the same machine noise and the same sandbox: `warmRounds` unmeasured rounds, then
 * `rounds` measured ones. Returns name → { walls, wallMs (median), outputItems, requests }.
 */
async function timeRoundRobin(
	worker,
	sb,
	variants,
	{ warm, warmRounds = 1, rounds = TIMED_REPEATS },
) {
	for (let i = 0; i < warmRounds; i++) {
		for (const spec of Object.values(warm ?? variants)) await worker.warmup([spec]);
	}
	const timings = Object.fromEntries(
		Object.keys(variants).map((name) => [name, { walls: [], cpus: [] }]),
	);
	for (let round = 0; round < rounds; round++) {
		for (const [name, spec] of Object.entries(variants)) {
			sb.clearLog();
			const { runs } = await worker.go([spec]);
			if (runs[0].error) throw new Error(`${name}: ${runs[0].error.message}`);
			const timing = timings[name];
			timing.walls.push(runs[0].wallMs);
			timing.cpus.push(runs[0].cpuMs);
			timing.outputItems = runs[0].outputItems;
			timing.requests = sb.requests.length;
		}
	}
	for (const timing of Object.values(timings)) {
		timing.wallMs = median(timing.walls);
		timing.cpuMs = median(timing.cpus);
	}
	return timings;
}

const LIST_VARIANTS = {
	'Awaz node, Return All': {
		nodes: () => [wf.awazListAll()],
		warm: () => [wf.awazListAll({ returnAll: false, limit: PAGE_SIZE })],
	},
	'HTTP Request pagination': {
		nodes: (url) => [wf.httpListAll(url)],
		warm: (url) => [wf.httpListAll(url, { maxPages: 1 })],
	},
	'HTTP Request pagination + Split Out': {
		nodes: (url) => [wf.httpListAll(url), wf.splitOutItems()],
		warm: (url) => [wf.httpListAll(url, { maxPages: 1 }), wf.splitOutItems()],
	},
};

const listSandbox = (size) => ({
	rateLimit: { limit: NO_LIMIT, windowMs: 60_000 },
	callCount: size,
	pageSize: PAGE_SIZE,
});

async function workload2() {
	const name = `2. Return All over N calls (GET /v1/calls?page=…, ${PAGE_SIZE} per page)`;
	const rows = {};
	// Time: all variants in one worker, round-robin.
	const [timer] = await startWorkers(1, 'list timing');
	try {
		for (const size of LIST_SIZES) {
			await withSandbox(listSandbox(size), async (sb) => {
				const credentials = wf.credentialsFor(sb.url, API_KEY);
				const spec = (nodes) => ({ nodes, items: [{}], credentials });
				const variants = Object.fromEntries(
					Object.entries(LIST_VARIANTS).map(([v, def]) => [v, spec(def.nodes(sb.url))]),
				);
				// The first round of full runs is a warm-up too: a one-page run leaves the JIT cold.
				const timings = await timeRoundRobin(timer, sb, variants, { warmRounds: 2, rounds: 5 });
				for (const [variant, timing] of Object.entries(timings))
					rows[`${variant}@${size}`] = { variant, size, timing };
			});
		}
	} finally {
		timer.close();
	}
	// Memory: a fresh worker per variant and size, one warm-up page, then one measured run.
	for (const size of LIST_SIZES) {
		await withSandbox(listSandbox(size), async (sb) => {
			const credentials = wf.credentialsFor(sb.url, API_KEY);
			for (const [variant, def] of Object.entries(LIST_VARIANTS)) {
				const [worker] = await startWorkers(1, `${variant} memory`);
				try {
					await worker.warmup([{ nodes: def.warm(sb.url), items: [{}], credentials }]);
					const { runs, memory } = await worker.go(
						[{ nodes: def.nodes(sb.url), items: [{}], credentials }],
						true,
					);
					if (runs[0].error) throw new Error(`${variant}: ${runs[0].error.message}`);
					const { timing } = rows[`${variant}@${size}`];
					record({
						workload: name,
						variant,
						kind: 'list',
						data: {
							size,
							pages: timing.requests,
							outputItems: timing.outputItems,
							wallMs: timing.wallMs,
							walls: timing.walls,
							cpuMs: timing.cpuMs,
							memory,
						},
					});
				} finally {
					worker.close();
				}
			}
		});
	}
}

async function workload3() {
	const getVariants = (sb, credentials, n) => {
		const ids = sb.state.calls.slice(0, n).map((call) => ({ id: call.id }));
		return {
			'Awaz node': { nodes: [wf.awazGetCall()], items: ids, credentials },
			'HTTP Request GET /v1/calls/{{$json.id}}': {
				nodes: [wf.httpGetCall(sb.url)],
				items: ids,
				credentials,
			},
		};
	};
	const [worker] = await startWorkers(1, 'get timing');
	try {
		const runs = [
			{
				workload: `3. Get Call on ${GET_N} items, no rate limit`,
				n: GET_N,
				latencyMs: 0,
				rounds: TIMED_REPEATS,
			},
			{
				workload: `3b. Get Call on ${GET_LATENCY_N} items, ${GET_LATENCY_MS} ms server latency (extra)`,
				n: GET_LATENCY_N,
				latencyMs: GET_LATENCY_MS,
				rounds: 1,
			},
		];
		for (const { workload, n, latencyMs, rounds } of runs) {
			await withSandbox(
				{ rateLimit: { limit: NO_LIMIT, windowMs: 60_000 }, callCount: n, latencyMs },
				async (sb) => {
					const credentials = wf.credentialsFor(sb.url, API_KEY);
					const variants = getVariants(sb, credentials, n);
					const warm = getVariants(sb, credentials, Math.min(n, 300));
					const timings = await timeRoundRobin(worker, sb, variants, { warm, rounds });
					for (const [variant, t] of Object.entries(timings)) {
						record({
							workload,
							variant,
							kind: 'get',
							data: {
								n,
								latencyMs,
								outputItems: t.outputItems,
								requests: t.requests,
								wallMs: t.wallMs,
								walls: t.walls,
								perItemMs: t.wallMs / n,
								cpuPerItemMs: t.cpuMs / n,
							},
						});
					}
				},
			);
		}
	} finally {
		worker.close();
	}
}

// ---- the table ------------------------------------------------------------------------------

const s = (ms) => (ms / 1000).toFixed(2);
const mb = (bytes) => (bytes / 1048576).toFixed(1);
const x = (ratio) => (Number.isFinite(ratio) ? ratio.toFixed(3) : '—');
const yes = (ok) => (ok ? '**met**' : '**MISSED**');

function scheduleRow(row, isOurs) {
	const d = row.data;
	const complete = d.failed === 0;
	const spanRatio = d.spanMs / d.floorMs;
	const rawRatio = d.spanMs / d.rawFloorMs;
	const items = `${d.ok}/${d.n} ok, ${d.failed} failed, ${d.duplicates} dup`;
	const err = d.errors.length ? `; stopped: “${d.errors[0].slice(0, 60)}”` : '';
	const pace =
		d.paceMs !== undefined
			? `; ${d.inFirstWindow} in the first window, median gap ${d.paceMs} ms`
			: '';
	const measure = `${d.requests} POSTs; span ${s(d.spanMs)} s vs floor ${s(d.floorMs)} s (first request ${d.firstOffsetMs} ms into its window; raw ${s(d.rawFloorMs)} s)${pace}${err}`;
	const ratio = complete ? `${x(spanRatio)} (raw ${x(rawRatio)})` : '— (incomplete)';
	let goal = '';
	if (isOurs) {
		const wantRatio = row.workload.startsWith('1.');
		const ok = d.failed === 0 && d.duplicates === 0 && (!wantRatio || spanRatio <= 1.05);
		goal = `${wantRatio ? '0 failed, 0 dup, ≤ 1.05' : '0 failed, 0 dup'}: ${yes(ok)}`;
		if (row.variant.includes('worst case')) goal = `(extra) ${goal}`;
	}
	return [row.workload, row.variant, items, d.tooMany, s(d.wallMs), measure, ratio, goal];
}

function listRows(rows) {
	const out = [];
	const find = (variant, size) =>
		rows.find((row) => row.variant === variant && row.data.size === size);
	const ours = (size) => find('Awaz node, Return All', size);
	const http = (size) => find('HTTP Request pagination', size);
	const beyond = (row) => row.data.memory.beyondOutput;
	for (const row of rows) {
		const d = row.data;
		const m = d.memory;
		const isOurs = row.variant.startsWith('Awaz');
		const base = http(d.size);
		const ratio =
			isOurs && base
				? `${x(d.wallMs / base.data.wallMs)}× HTTP (CPU ${x(d.cpuMs / base.data.cpuMs)}×)`
				: '';
		const measure = `${d.pages} requests; median of ${d.walls.length}: ${d.walls.map(s).join('/')} s, CPU ${s(d.cpuMs)} s; live heap peak +${mb(m.peakHeapAboveBase)} MB, retained (output) ${mb(m.retainedHeap)} MB, **beyond output ${mb(m.beyondOutput)} MB**; RSS peak +${mb(m.peakRssAboveBase)} MB`;
		let goal = '';
		if (isOurs && base) {
			goal = `≤ 1.0× time: ${yes(d.wallMs <= base.data.wallMs)}`;
			const small = ours(LIST_SIZES[0]);
			if (d.size === LIST_SIZES[LIST_SIZES.length - 1] && small && small !== row) {
				const grown = beyond(row) - beyond(small);
				const outputGrown = m.retainedHeap - small.data.memory.retainedHeap;
				const flat = grown <= Math.max(2 * 1048576, 0.1 * outputGrown);
				goal += `; beyond-output ${mb(beyond(small))} → ${mb(beyond(row))} MB from ${small.data.size} to ${d.size} calls (output +${mb(outputGrown)} MB), flat: ${yes(flat)}`;
			}
		}
		out.push([
			`${row.workload.replace('N calls', `${d.size} calls`)}`,
			row.variant,
			`${d.outputItems} items out`,
			0,
			s(d.wallMs),
			measure,
			ratio,
			goal,
		]);
	}
	return out;
}

function getRows(rows) {
	return rows.map((row) => {
		const d = row.data;
		const base = rows.find(
			(other) => other.workload === row.workload && other.variant.startsWith('HTTP'),
		);
		const isOurs = row.variant.startsWith('Awaz');
		const ratio = isOurs && base ? d.wallMs / base.data.wallMs : undefined;
		const cpuRatio = isOurs && base ? ` (CPU ${x(d.cpuPerItemMs / base.data.cpuPerItemMs)}×)` : '';
		const measure = `${d.requests} requests; wall ${d.perItemMs.toFixed(3)} ms/item (median of ${d.walls.length}: ${d.walls.map(s).join('/')} s); n8n-process CPU ${d.cpuPerItemMs.toFixed(3)} ms/item`;
		const goal =
			isOurs && row.workload.startsWith('3.')
				? `≤ 1.0×: ${yes(ratio <= 1)}`
				: isOurs
					? '(no goal)'
					: '';
		return [
			row.workload,
			row.variant,
			`${d.outputItems}/${d.n} ok`,
			0,
			s(d.wallMs),
			measure,
			ratio === undefined ? '' : `${x(ratio)}× HTTP${cpuRatio}`,
			goal,
		];
	});
}

function table() {
	const header = [
		'Workload',
		'Variant',
		'Items',
		'429s',
		'Wall s',
		'Measured',
		'Ratio',
		'Goal (our node)',
	];
	const lines = [];
	for (const row of results.filter((r) => r.kind === 'schedule' && r.workload.startsWith('1.')))
		lines.push(scheduleRow(row, row.variant.startsWith('Awaz')));
	lines.push(...listRows(results.filter((r) => r.kind === 'list')));
	lines.push(...getRows(results.filter((r) => r.kind === 'get')));
	for (const row of results.filter((r) => r.kind === 'schedule' && r.workload.startsWith('4.')))
		lines.push(scheduleRow(row, row.variant.startsWith('Awaz')));
	const esc = (cell) => String(cell).replace(/\|/g, '\\|');
	return [
		`| ${header.join(' | ')} |`,
		`|${header.map(() => '---').join('|')}|`,
		...lines.map((line) => `| ${line.map(esc).join(' | ')} |`),
	].join('\n');
}

function machine(versions) {
	const cpus = os.cpus();
	return [
		`- command: \`npm run bench\` (= \`npm run build && ${commandLine('run.mjs')}\`)`,
		`- machine: ${os.availableParallelism()} CPUs (nproc) × ${cpus[0]?.model ?? '?'}, ${mb(os.totalmem())} MB RAM, ${os.platform()} ${os.release()}`,
		`- orchestrator + sandbox: Node ${process.version}; workflows: Node ${versions?.node ?? '?'}, n8n-core ${versions?.n8nCore ?? '?'}, n8n-workflow ${versions?.n8nWorkflow ?? '?'}, n8n-nodes-base ${versions?.n8nNodesBase ?? '?'} (HTTP Request v${wf.HTTP_REQUEST_VERSION})`,
		`- scaled rate limit ${LIMIT} requests / ${WINDOW_MS} ms window (aligned); finished ${new Date().toISOString()}, ${s(Date.now() - started)} s in all`,
	].join('\n');
}

// ---- main -----------------------------------------------------------------------------------

function stopChildren() {
	for (const child of children) {
		try {
			child.kill('SIGKILL');
		} catch {
			// already gone
		}
	}
}

async function main() {
	const overall = setTimeout(() => {
		console.error(`bench: overall timeout of ${OVERALL_TIMEOUT_S} s reached; stopping`);
		stopChildren();
		process.exit(2);
	}, OVERALL_TIMEOUT_S * 1000);
	overall.unref();
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.on(signal, () => {
			stopChildren();
			process.exit(130);
		});
	}
	mkdirSync(OUT_DIR, { recursive: true });
	log('provisioning the n8n runtime (cached after the first time)');
	runtime = await provision({ quiet: true });
	const workloads = { 1: workload1, 2: workload2, 3: workload3, 4: workload4 };
	for (const [number, run] of Object.entries(workloads)) {
		if (ONLY && !ONLY.has(Number(number))) continue;
		log(`workload ${number}`);
		await run();
	}
	clearTimeout(overall);
	const report = `${table()}\n\n${machine(engineVersions)}\n`;
	console.log(report);
	const stamp = new Date().toISOString().replace(/[:.]/g, '-');
	writeFileSync(
		join(OUT_DIR, `results-${stamp}.json`),
		JSON.stringify({ results, report }, null, 2),
	);
	writeFileSync(join(OUT_DIR, `report-${stamp}.md`), report);
	log(`saved .tmp/bench/report-${stamp}.md and results-${stamp}.json`);
}

main().catch((error) => {
	console.error(error?.stack ?? error);
	stopChildren();
	process.exit(1);
});
