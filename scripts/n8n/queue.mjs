// n8n in queue mode, the way teams run it when one process is not enough: PostgreSQL and Redis
// (services.mjs), one main process (`n8n start`: editor, REST API, trigger activation), worker
// processes (`n8n worker`: they run every execution) and one webhook process (`n8n webhook`: it
// takes every production webhook request and enqueues the execution). All on 127.0.0.1.
//
//   const stack = await prepareQueueStack({ userFolder });   // services up, package installed
//   await stack.importCredentials([...]); await stack.importWorkflowDir(dir);   // into Postgres
//   await stack.start();                                      // main, then workers + webhook
//   stack.url                 // where production webhooks are served: the webhook process
//   stack.editorUrl           // main: editor and REST (stack.rest / fetchAsOwner go there)
//   stack.whoRan(executionId) // 'worker-1' | 'worker-2' | undefined, from the workers' logs
//   await stack.workers[0].kill('SIGKILL'); await stack.workers[0].start();
//   await stack.stop();                                       // everything, services included
//
// The stack object has the same methods as an instance from instance.mjs (importCredentials,
// activateWorkflow, listExecutions, getExecution, rest, ...), so the e2e suite runs on it as is.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
	freePort,
	installPackage,
	killGroup,
	n8nEnv,
	prepareN8n,
	stopGroup,
	tail,
	waitForReady,
	waitForWebhookAt,
} from './instance.mjs';
import { startServices } from './services.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms).unref());

/** Process groups of the workers and webhook processes started here: none outlives us. */
const liveGroups = new Set();
process.on('exit', () => {
	for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

/**
 * Settings that make a dead worker's job come to light within seconds instead of a minute or
 * more, for tests: Bull's job lock (n8n default 60 s, renewed every 10 s) and how often workers
 * look for stalled jobs (default 30 s). What n8n then does with the stalled job is the same.
 */
export const FAST_RECOVERY_ENV = {
	QUEUE_WORKER_LOCK_DURATION: '15000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '3000',
	QUEUE_WORKER_STALLED_INTERVAL: '5000',
};

/**
 * One `n8n worker` or `n8n webhook` process: its own user folder (with the package installed),
 * log file, HTTP port and task-runner broker port.
 */
async function prepareProcess({
	name,
	command,
	args = [],
	userFolder,
	runtime,
	env,
	port,
	readyUrl,
}) {
	await mkdir(join(userFolder, 'tmp'), { recursive: true });
	await installPackage(userFolder, runtime);
	const logFile = join(userFolder, 'n8n.log');
	let child = null;
	let exited = null;
	const proc = {
		name,
		userFolder,
		logFile,
		port,
		get pid() {
			return child?.pid;
		},
		get running() {
			return Boolean(child && child.exitCode === null && child.signalCode === null);
		},
		whenExited: () => exited,
		async start({ timeoutMs = 120_000 } = {}) {
			if (proc.running) throw new Error(`${name} already running`);
			const log = createWriteStream(logFile, { flags: 'a' });
			child = spawn(runtime.nodeBin, [runtime.n8nBin, command, ...args], {
				cwd: userFolder,
				env: { ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) },
				stdio: ['ignore', 'pipe', 'pipe'],
				detached: true, // own group: a kill reaches its task runners too
			});
			const current = child;
			liveGroups.add(current.pid);
			current.stdout.pipe(log, { end: false });
			current.stderr.pipe(log, { end: false });
			exited = new Promise((r) =>
				current.on('close', (code, signal) => {
					liveGroups.delete(current.pid);
					log.end(() => r({ code, signal }));
				}),
			);
			try {
				await waitForReady(readyUrl, timeoutMs, {
					isAlive: () => current.exitCode === null && current.signalCode === null,
				});
			} catch (error) {
				await proc.stop();
				error.message += `\n--- last lines of ${logFile} (${name}) ---\n${await tail(logFile)}`;
				throw error;
			}
			return proc;
		},
		/** Sends `signal` to the whole process group (SIGKILL: no chance to finish anything). */
		async kill(signal = 'SIGKILL') {
			if (!child) return;
			killGroup(child.pid, signal);
			await Promise.race([exited, sleep(10_000)]);
		},
		async stop({ graceMs = 10_000 } = {}) {
			if (!child) return;
			const current = child;
			await stopGroup(current.pid, { running: proc.running, exited, graceMs });
		},
		/** Execution ids this process logged as started ("Worker started execution N"). */
		async startedExecutions() {
			const text = await readFile(logFile, 'utf8').catch(() => '');
			return [...text.matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]);
		},
		tail: (lines) => tail(logFile, lines),
	};
	return proc;
}

/**
 * Starts PostgreSQL and Redis and prepares (does not start) main, `workers` workers and one
 * webhook process on free ports.
 * @param {object} opts
 * @param {string} opts.userFolder   parent folder; each process gets a subfolder (main, worker-1, …)
 * @param {object} [opts.runtime]    from provision(); provisioned quietly if omitted
 * @param {number} [opts.port]       main's port (editor and REST), default a free one
 * @param {number} [opts.webhookPort] the webhook process's port, default a free one
 * @param {number} [opts.workers]    how many `n8n worker` processes (default 2)
 * @param {number} [opts.concurrency] executions each worker runs at once (`--concurrency`, default 2)
 * @param {boolean} [opts.fastRecovery] FAST_RECOVERY_ENV (tests of a killed worker)
 * @param {object} [opts.env]        extra environment for every process
 * @param {(msg: string) => void} [opts.log]
 */
export async function prepareQueueStack({
	userFolder,
	runtime,
	port,
	webhookPort,
	workers = 2,
	concurrency = 2,
	fastRecovery = false,
	env = {},
	log = () => {},
} = {}) {
	if (!userFolder) throw new Error('prepareQueueStack: userFolder is required');
	userFolder = resolve(userFolder);
	if (!runtime) {
		const { provision } = await import('./provision.mjs');
		runtime = await provision({ quiet: true });
	}
	port ??= await freePort();
	webhookPort ??= await freePort();
	const services = await startServices({ log });
	try {
		const webhookUrl = `http://127.0.0.1:${webhookPort}`;
		const bullPrefix = `awaz-${Date.now().toString(36)}`;
		const shared = {
			EXECUTIONS_MODE: 'queue',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: services.postgres.host,
			DB_POSTGRESDB_PORT: String(services.postgres.port),
			DB_POSTGRESDB_DATABASE: services.postgres.database,
			DB_POSTGRESDB_USER: services.postgres.user,
			DB_POSTGRESDB_PASSWORD: '',
			QUEUE_BULL_REDIS_HOST: services.redis.host,
			QUEUE_BULL_REDIS_PORT: String(services.redis.port),
			QUEUE_BULL_PREFIX: bullPrefix,
			// Every process builds production webhook URLs from this (the trigger subscribes it at Awaz).
			N8N_WEBHOOK_URL: `${webhookUrl}/`,
			...(runtime.major !== undefined && runtime.major < 2
				? { WEBHOOK_URL: `${webhookUrl}/` }
				: {}),
			// Executions started from the editor run on workers as well.
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			...(fastRecovery ? FAST_RECOVERY_ENV : {}),
			...env,
		};
		const main = await prepareN8n({
			userFolder: join(userFolder, 'main'),
			port,
			runtime,
			// Main takes production webhooks too (n8n's default); the URL n8n gives out
			// (N8N_WEBHOOK_URL) is the webhook process's, and the e2e suite calls that.
			env: shared,
		});
		const baseEnv = (folder, processPort) => ({
			...n8nEnv({ baseEnv: runtime.env, userFolder: folder, port: processPort, brokerPort: 0 }),
			N8N_EDITOR_BASE_URL: `${main.url}/`,
			...shared,
		});
		const workerProcs = [];
		for (let i = 1; i <= workers; i++) {
			const folder = join(userFolder, `worker-${i}`);
			const healthPort = await freePort();
			workerProcs.push(
				await prepareProcess({
					name: `worker-${i}`,
					command: 'worker',
					args: [`--concurrency=${concurrency}`],
					userFolder: folder,
					runtime,
					port: healthPort,
					readyUrl: `http://127.0.0.1:${healthPort}`,
					env: {
						...baseEnv(folder, await freePort()),
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(healthPort),
						N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					},
				}),
			);
		}
		const webhookFolder = join(userFolder, 'webhook');
		const webhook = await prepareProcess({
			name: 'webhook',
			command: 'webhook',
			userFolder: webhookFolder,
			runtime,
			port: webhookPort,
			readyUrl: webhookUrl,
			env: baseEnv(webhookFolder, webhookPort),
		});

		const stack = Object.assign(Object.create(main), {
			mode: 'queue',
			/** Where callers send production webhooks: the webhook process (N8N_WEBHOOK_URL). */
			url: webhookUrl,
			webhookUrl,
			/** The editor and REST API: the main process. */
			editorUrl: main.url,
			main,
			workers: workerProcs,
			webhook,
			services,
			processes: [main, ...workerProcs, webhook],

			/**
			 * Starts every process at once and waits until all are ready. Whichever comes first runs
			 * pending database migrations; the others wait on n8n's migration lock (already done when
			 * a CLI import ran first).
			 */
			async start({ timeoutMs = 180_000 } = {}) {
				const t0 = Date.now();
				const ready = (p) =>
					p
						.start({ timeoutMs })
						.then(() =>
							log(`${p.name ?? 'main'} ready after ${((Date.now() - t0) / 1000).toFixed(1)} s`),
						);
				const results = await Promise.allSettled([main, ...workerProcs, webhook].map(ready));
				const failed = results.find((r) => r.status === 'rejected');
				if (failed) {
					await stack.stop({ keepServices: true }).catch(() => {});
					throw failed.reason;
				}
				log(
					`main, ${workerProcs.length} workers and the webhook process ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
				);
				return stack;
			},

			/** Stops every n8n process, then PostgreSQL and Redis (their temporary folder is removed) unless `keepServices`. */
			async stop({ keepServices = false } = {}) {
				await Promise.all([...workerProcs, webhook].map((p) => p.stop()));
				await main.stop();
				if (!keepServices) await services.stop();
			},

			/** As instance.waitForWebhook, against the webhook process. */
			async waitForWebhook(path, options) {
				return waitForWebhookAt(webhookUrl, path, options);
			},

			/**
			 * Which worker logged "Worker started execution <id>" (the first, if several did), or
			 * undefined. `all: true` returns every worker that started it, in worker order.
			 */
			async whoRan(executionId, { all = false } = {}) {
				const ran = [];
				for (const worker of workerProcs)
					if ((await worker.startedExecutions()).includes(String(executionId)))
						ran.push(worker.name);
				return all ? ran : ran[0];
			},

			/** The last lines of every process's log, for failure reports. */
			async tail(lines = 40) {
				const parts = [];
				for (const p of stack.processes)
					parts.push(`--- ${p.name ?? 'main'} (${p.logFile}) ---\n${await p.tail(lines)}`);
				return parts.join('\n');
			},
		});
		return stack;
	} catch (error) {
		await services.stop();
		throw error;
	}
}

/** prepareQueueStack + start. */
export async function startQueueStack(opts) {
	const stack = await prepareQueueStack(opts);
	try {
		return await stack.start(opts);
	} catch (error) {
		await stack.stop();
		throw error;
	}
}
