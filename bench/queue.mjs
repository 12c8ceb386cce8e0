#!/usr/bin/env node
/**
 * Queue mode, measured: n8n 2.41.1 as main + 2 workers + 1 webhook process on
 * PostgreSQL and Redis (scripts/n8n/queue.mjs), against the Awaz sandbox at 20 requests per 2 s
 * on one key. Prints:
 *   - how long the stack takes to start: cold (new database: migrations) and warm (same database,
 *     processes restarted);
 *   - the cross-process rate-limit line: 4 executions × 50 Call → Schedule items posted at once,
 *     two running on each worker; items placed, duplicates, failed items, 429s, and the span from
 *     the first to the last accepted POST /v1/calls against the window-aligned floor
 *     (bench/README.md), which must stay within 1.15×, and how many rate-limit windows the batch
 *     used (the least is 10). One window more than the least costs 2 s, up to 1.14× when the first
 *     request lands late in its window (the floor is then shortest).
 *
 *   npm run build && node bench/queue.mjs            # 3 rate-limit runs (about 3 minutes)
 *   node bench/queue.mjs --runs=5                     # more runs
 *
 * Exits 1 when a run places a call twice, fails an item, or exceeds 1.15× the floor.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';

import { provision } from '../scripts/n8n/provision.mjs';
import { prepareQueueStack } from '../scripts/n8n/queue.mjs';
import { sandboxCredential, startAwazSandbox } from '../scripts/n8n/sandbox.mjs';
import { ROOT, args, progress } from './common.mjs';

const require = createRequire(import.meta.url);

const RUNS = Number(args.runs ?? 3);
const EXECUTIONS = 4;
const ITEMS = 50;
const LIMIT = 20;
const WINDOW_MS = 2000;
const MAX_RATIO = 1.15;
const WORKFLOW = { id: 'awazBenchQueue01', path: 'awaz-bench/queue-schedule' };

const log = progress('bench:queue');
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The e2e suite's Call → Schedule workflow, answering its webhook at once. */
function workflow() {
	const wf = JSON.parse(
		readFileSync(join(ROOT, 'test', 'e2e', 'workflows', 'call-schedule.json'), 'utf8'),
	);
	wf.id = WORKFLOW.id;
	wf.name = 'Awaz bench: queue-mode schedule';
	const webhook = wf.nodes.find((node) => node.type === 'n8n-nodes-base.webhook');
	webhook.parameters = {
		...webhook.parameters,
		path: WORKFLOW.path,
		responseMode: 'onReceived',
		responseData: 'noData',
	};
	webhook.webhookId = 'awaz-bench-queue-hook';
	return wf;
}

function floorMs(firstAt, n) {
	const w0 = Math.floor(firstAt / WINDOW_MS);
	return Math.max(0, (w0 + Math.ceil(n / LIMIT) - 1) * WINDOW_MS - firstAt);
}

async function waitFor(what, check, timeoutMs = 180_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const value = await check();
		if (value) return value;
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`timed out waiting for ${what}`);
}

async function rateLimitRun(stack, sandbox, run) {
	sandbox.reset();
	sandbox.setRateLimit({ limit: LIMIT, windowMs: WINDOW_MS });
	const before = (await stack.listExecutions(WORKFLOW.id)).length;
	const prefix = `r${run}`;
	const t0 = Date.now();
	const answers = await Promise.all(
		Array.from({ length: EXECUTIONS }, (_, e) =>
			fetch(`${stack.url}/webhook/${WORKFLOW.path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					calls: Array.from({ length: ITEMS }, (_, i) => ({
						name: `${prefix}e${e}-${i}`,
						phone: `+1415555${String(1000 + i)}`,
						datetime: '2025-06-02T09:00:00+02:00',
					})),
				}),
			}).then((res) => res.status),
		),
	);
	if (answers.some((status) => status !== 200)) throw new Error(`webhook answers ${answers}`);
	const executions = await waitFor('4 finished executions', async () => {
		const list = await stack.listExecutions(WORKFLOW.id);
		const done = list.filter((e) => !['new', 'running', 'waiting'].includes(e.status));
		return done.length >= before + EXECUTIONS ? done.slice(0, EXECUTIONS) : undefined;
	});
	const wall = Date.now() - t0;
	const perWorker = {};
	let failedItems = 0;
	for (const e of executions) {
		const worker = (await stack.whoRan(e.id)) ?? 'none';
		perWorker[worker] = (perWorker[worker] ?? 0) + 1;
		const detail = await stack.getExecution(e.id);
		const items = detail.data.resultData.runData.Awaz?.[0]?.data?.main?.[0] ?? [];
		failedItems += ITEMS - items.filter(({ json }) => json.error === undefined).length;
	}
	const posts = sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/v1/calls');
	const accepted = posts.filter((r) => r.status >= 200 && r.status < 300);
	const names = new Set(accepted.map((r) => r.body.name));
	const times = accepted.map((r) => r.time).sort((a, b) => a - b);
	const span = times.at(-1) - times[0];
	const floor = floorMs(times[0], EXECUTIONS * ITEMS);
	// Rate-limit windows from the first accepted request's to the last one's; the least is ceil(N/L).
	const windows = Math.floor(times.at(-1) / WINDOW_MS) - Math.floor(times[0] / WINDOW_MS) + 1;
	return {
		placed: names.size,
		windows,
		duplicates: accepted.length - names.size,
		failedItems,
		tooMany: posts.filter((r) => r.status === 429).length,
		span,
		floor,
		ratio: span / floor,
		wall,
		perWorker,
	};
}

async function main() {
	const runtime = await provision({ quiet: true });
	const userFolder = join(ROOT, '.tmp', 'bench-queue', String(Date.now()));
	await mkdir(userFolder, { recursive: true });
	const sandbox = await startAwazSandbox();
	sandbox.setLifecycle(false); // calls stay scheduled: no events, nothing but the batch's requests
	let stack;
	const cleanUp = async () => {
		await stack?.stop();
		await sandbox.close();
		await rm(userFolder, { recursive: true, force: true });
	};
	process.once('SIGINT', () => cleanUp().finally(() => process.exit(130)));
	try {
		const t0 = Date.now();
		stack = await prepareQueueStack({ userFolder, runtime, log });
		const servicesMs = Date.now() - t0;
		await stack.importCredentials([sandboxCredential(sandbox)]);
		await stack.importWorkflow(workflow());
		const t1 = Date.now();
		await stack.start();
		const coldMs = Date.now() - t1;
		// Warm: the same database (migrations done), every n8n process started again.
		await Promise.all([...stack.workers, stack.webhook].map((p) => p.stop()));
		await stack.main.stop();
		const t2 = Date.now();
		await stack.start();
		const warmMs = Date.now() - t2;
		await stack.activateWorkflow(WORKFLOW.id);
		await stack.waitForWebhook(WORKFLOW.path);

		const results = [];
		for (let run = 1; run <= RUNS; run++) {
			const result = await rateLimitRun(stack, sandbox, run);
			log(`run ${run}: ${JSON.stringify(result)}`);
			results.push(result);
		}

		const ok = (r) =>
			r.placed === EXECUTIONS * ITEMS &&
			r.duplicates === 0 &&
			r.failedItems === 0 &&
			r.ratio <= MAX_RATIO;
		const lines = [
			'',
			`## Queue mode (n8n ${runtime.n8nVersion ?? '2.41.1'}: main + 2 workers (concurrency 2) + webhook process, PostgreSQL, Redis)`,
			'',
			`| Measure | Result |`,
			`|---|---|`,
			`| PostgreSQL + Redis up (initdb, temp folder) | ${seconds(servicesMs)} |`,
			`| n8n processes ready, cold (new database: migrations) | ${seconds(coldMs)} |`,
			`| n8n processes ready, warm (same database) | ${seconds(warmMs)} |`,
			...results.map(
				(r, i) =>
					`| Rate limit run ${i + 1}: 4 × 50 Schedule items at once on one key, 20 per 2 s | ${r.placed}/${EXECUTIONS * ITEMS} placed, ${r.duplicates} duplicates, ${r.failedItems} failed items, ${r.tooMany} × 429, span ${seconds(r.span)} / floor ${seconds(r.floor)} = **${r.ratio.toFixed(3)} ×** (max ${MAX_RATIO}), ${r.windows} windows (least ${Math.ceil((EXECUTIONS * ITEMS) / LIMIT)}), per worker ${Object.entries(
						r.perWorker,
					)
						.map(([w, n]) => `${w} ${n}`)
						.join(', ')} ${ok(r) ? '' : '**FAIL**'} |`,
			),
			'',
			`Command: \`node bench/queue.mjs${RUNS !== 3 ? ` --runs=${RUNS}` : ''}\`; ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os
				.loadavg()
				.map((l) => l.toFixed(1))
				.join(' ')}, ${new Date().toISOString()}.`,
			'',
		];
		console.log(lines.join('\n'));
		process.exitCode = results.every(ok) ? 0 : 1;
	} finally {
		await cleanUp();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
