'use strict';
/**
 * One bench worker: a child process (on the provisioned Node 24) holding one in-process n8n engine.
 * Driven by bench/run.mjs over IPC:
 *   → { type: 'warmup', workflows }   runs them, not measured       ← { type: 'warm', runs }
 *   → { type: 'go', workflows, memory, startAt? } runs them all at once (at epoch ms startAt)
 *                                                                    ← { type: 'result', runs, memory }
 *   → { type: 'exit' }
 * It says { type: 'ready', versions } once the engine is loaded, and { type: 'failed', message }
 * if anything throws. `workflows` are { nodes, items, credentials } (see bench/workflows.mjs).
 */
const v8 = require('node:v8');

const { benchEnvironment, loadInstall } = require('./install.cjs');

const N8N_DIR = process.env.BENCH_N8N_DIR;
/** How often the heap is looked at in a memory run, and by how much it must grow to force a GC. */
const MEMORY_TICK_MS = 2;
const GC_STEP_BYTES = 1 << 20;

function send(message) {
	process.send?.(message);
}

function outcome(result, startedAt, endedAt, cpu) {
	const error = result.error && { message: result.error.message, httpCode: result.error.httpCode };
	const errorItems = result.output.filter((item) => item.json && 'error' in item.json).length;
	return {
		startedAt,
		endedAt,
		wallMs: endedAt - startedAt,
		/** CPU time of the whole worker process (user + system) while this ran: with one workflow at a time, the engine's and node's own cost. */
		cpuMs: (cpu.user + cpu.system) / 1000,
		outputItems: result.output.length,
		errorItems,
		error,
	};
}

async function runAll({ n8n, env }, workflows) {
	return await Promise.all(
		workflows.map(async (spec) => {
			const cpuBefore = process.cpuUsage();
			const startedAt = performance.timeOrigin + performance.now();
			const result = await n8n.runWorkflow(env, spec);
			const endedAt = performance.timeOrigin + performance.now();
			return { result, summary: outcome(result, startedAt, endedAt, process.cpuUsage(cpuBefore)) };
		}),
	);
}

/**
 * Live memory while the workflows run. Every MEMORY_TICK_MS the heap in use is read; whenever it
 * has grown by GC_STEP_BYTES since the last known live size, a full GC is forced and the live size
 * re-read, so garbage does not count and GCs stay few. `retained` is what the finished executions
 * still hold (outputs and run data), measured with the results kept alive; `beyondOutput` = peak
 * live heap − retained: what the run needed on top of what it returns. Peaks inside one
 * synchronous stretch (between two event-loop turns) are not seen.
 */
async function runMeasuringMemory(bench, workflows) {
	const gc = global.gc;
	if (!gc) throw new Error('run the worker with --expose-gc');
	gc();
	gc();
	const base = process.memoryUsage();
	let live = base.heapUsed;
	let peakLive = live;
	let peakRss = base.rss;
	let forcedGcs = 0;
	const measureLive = () => {
		gc();
		forcedGcs++;
		live = process.memoryUsage().heapUsed;
		peakLive = Math.max(peakLive, live);
	};
	const tick = () => {
		const used = v8.getHeapStatistics().used_heap_size;
		if (used > live + GC_STEP_BYTES) measureLive();
		else if (used < live) live = used; // a GC of its own ran
		peakRss = Math.max(peakRss, process.memoryUsage.rss());
	};
	const timer = setInterval(tick, MEMORY_TICK_MS);
	const runs = await runAll(bench, workflows);
	clearInterval(timer);
	measureLive();
	const retainedHeap = live - base.heapUsed;
	const memory = {
		forcedGcs,
		baseHeap: base.heapUsed,
		baseRss: base.rss,
		peakHeapAboveBase: peakLive - base.heapUsed,
		peakRssAboveBase: peakRss - base.rss,
		retainedHeap,
		beyondOutput: peakLive - base.heapUsed - retainedHeap,
		outputItems: runs.reduce((sum, run) => sum + run.summary.outputItems, 0),
	};
	// `runs` stays referenced until here, so retainedHeap includes the outputs.
	return { runs: runs.map((run) => run.summary), memory };
}

/** Sleeps until the epoch-ms instant `at`, the last 2 ms by spinning (timers are coarser). */
async function sleepUntil(at) {
	const coarse = at - Date.now() - 2;
	if (coarse > 0) await new Promise((resolve) => setTimeout(resolve, coarse));
	while (Date.now() < at) {
		// spin
	}
}

async function main() {
	if (!N8N_DIR) throw new Error('BENCH_N8N_DIR is not set');
	const install = loadInstall(N8N_DIR);
	const bench = await benchEnvironment(install);
	process.on('message', (message) => {
		handle(message).catch((error) => {
			send({ type: 'failed', message: String(error?.stack ?? error) });
		});
	});
	async function handle(message) {
		switch (message.type) {
			case 'warmup': {
				const runs = await runAll(bench, message.workflows);
				send({ type: 'warm', runs: runs.map((run) => run.summary) });
				return;
			}
			case 'go': {
				if (message.startAt) await sleepUntil(message.startAt);
				if (message.memory) {
					const { runs, memory } = await runMeasuringMemory(bench, message.workflows);
					send({ type: 'result', runs, memory });
				} else {
					const runs = await runAll(bench, message.workflows);
					send({ type: 'result', runs: runs.map((run) => run.summary) });
				}
				return;
			}
			case 'exit':
				process.exit(0);
		}
	}
	send({ type: 'ready', versions: { node: process.version, ...install.versions } });
}

main().catch((error) => {
	send({ type: 'failed', message: String(error?.stack ?? error) });
	process.exitCode = 1;
	setTimeout(() => process.exit(1), 100);
});
