// Runs a real n8n (from provision.mjs) with this package loaded the way n8n loads an installed
// community package, and drives it through its CLI and REST API. Everything listens on 127.0.0.1.
//
//   const n8n = await prepareN8n({ userFolder, packageDir });   // folder, package link, env
//   await n8n.importCredentials([...]);                          // CLI works before start, too
//   await n8n.importWorkflowDir(dir);                            // every *.json, one CLI call
//   await n8n.start();                                           // spawns, waits for readiness
//   await n8n.activateWorkflow(id); await n8n.waitForWebhook(path); // publish, then poll
//   await n8n.listExecutions(workflowId); await n8n.getExecution(id); // as the Executions tab
//   await n8n.stop();
// `startN8n(opts)` does prepare + start in one call.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provision } from './provision.mjs';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PACKAGE_NAME = 'n8n-nodes-awaz';
// Fixed so that a kept user folder can still decrypt its credentials on the next run.
const TEST_ENCRYPTION_KEY = 'n8n-nodes-awaz-local-test-key-not-secret';

/** A port the OS says is free right now (listen on 0, read it, close). */
export function freePort() {
	return new Promise((resolvePort, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolvePort(port));
		});
	});
}

// Process groups of every n8n started here (servers and CLI commands), by user folder. They are
// detached (own group, so stop() reaches n8n's task runners too), which also means Ctrl-C in a
// terminal does not reach them: however this process exits, they go with it.
const liveGroups = new Map();
process.on('exit', () => {
	for (const pid of liveGroups.keys()) killGroup(pid, 'SIGKILL');
});

function track(child, userFolder) {
	liveGroups.set(child.pid, userFolder);
	child.on('close', () => liveGroups.delete(child.pid));
}

// Unref'd: a pending bound (e.g. stop()'s grace period) must not keep the process alive.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms).unref());

/**
 * Installs the built package where n8n looks for installed community packages:
 * `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-awaz`, beside a link to n8n's own n8n-workflow,
 * as npm would place a peer dependency. n8n loads nodes with a plain `require(<file>)`, so
 * `require('n8n-workflow')` walks up from the package; without that link, a user folder inside the
 * project (.n8n-local) reaches the project's devDependency first, and two copies of n8n-workflow
 * break `instanceof NodeApiError`. A copy rather than a symlink to the project for the same reason:
 * Node resolves a symlink to its real path and walks up from there. Runs on every start, so a
 * rebuild is picked up by restarting.
 */
export async function installPackage(userFolder, runtime, packageDir = PROJECT_ROOT) {
	const manifest = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8'));
	for (const file of [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])]) {
		if (!existsSync(join(packageDir, file))) {
			throw new Error(`${join(packageDir, file)} is missing: run \`npm run build\` first`);
		}
	}
	// n8n scans this folder for n8n-nodes-* directories (scanDirectoryForPackages).
	const modules = join(userFolder, '.n8n', 'nodes', 'node_modules');
	const target = join(modules, PACKAGE_NAME);
	await rm(target, { recursive: true, force: true });
	await mkdir(target, { recursive: true });
	for (const entry of ['package.json', 'index.js', 'dist']) {
		if (existsSync(join(packageDir, entry)))
			await cp(join(packageDir, entry), join(target, entry), { recursive: true });
	}
	const n8nWorkflow = dirname(createRequire(runtime.n8nBin).resolve('n8n-workflow/package.json'));
	await rm(join(modules, 'n8n-workflow'), { recursive: true, force: true });
	await symlink(n8nWorkflow, join(modules, 'n8n-workflow'), 'dir');
	return target;
}

/** The environment n8n needs, on top of the runtime's PATH. `major`: n8n's major version. */
export function n8nEnv({ baseEnv, userFolder, port, brokerPort, major = 2 }) {
	return {
		...baseEnv,
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		// n8n 1.x reads only the older name, which 2.x deprecates.
		...(major < 2 ? { WEBHOOK_URL: `http://127.0.0.1:${port}/` } : {}),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		DB_TYPE: 'sqlite',
		TMPDIR: join(userFolder, 'tmp'),
		// Jest sets NODE_ENV=test, which makes n8n refuse to load nodes ("Not available in tests").
		// Unset is what a user who installed n8n with npm has.
		NODE_ENV: undefined,
	};
}

/** Last `lines` lines of a file, for error messages. */
export async function tail(file, lines = 60) {
	const text = await readFile(file, 'utf8').catch(() => '');
	return text.split('\n').slice(-lines).join('\n');
}

/**
 * Parses `n8n execute --rawOutput`: log lines come first, the JSON starts at a line that is exactly
 * `{` and ends at the last line that is exactly `}` (the task runner's shutdown lines may follow it).
 */
export function parseRawOutput(stdout) {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	const end = lines.lastIndexOf('}');
	if (start === -1 || end < start) return undefined;
	return JSON.parse(lines.slice(start, end + 1).join('\n'));
}

/**
 * Runs `n8n <args>` to completion with the given environment.
 * Each call gets its own task-runner broker port: a CLI command such as `execute` starts a broker
 * too, and would clash with a running server's.
 * @returns {Promise<{code: number|null, signal: string|null, stdout: string, stderr: string, json?: unknown}>}
 */
export async function n8nCli(args, { runtime, env, timeoutMs = 120_000, cwd } = {}) {
	const childEnv = { ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
	return new Promise((resolveRun, reject) => {
		const child = spawn(runtime.nodeBin, [runtime.n8nBin, ...args], {
			cwd: cwd ?? env.N8N_USER_FOLDER,
			env: childEnv,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		track(child, childEnv.N8N_USER_FOLDER);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => {
			killGroup(child.pid, 'SIGKILL');
			reject(
				new Error(
					`n8n ${args.join(' ')} timed out after ${timeoutMs} ms\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`,
				),
			);
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			const result = { code, signal, stdout, stderr };
			if (args.includes('--rawOutput')) {
				try {
					result.json = parseRawOutput(stdout);
				} catch {
					// left undefined: the caller sees stdout
				}
			}
			resolveRun(result);
		});
	});
}

export function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal); // the whole group: n8n starts task-runner children
	} catch {
		// already gone
	}
}

/**
 * Stops a running n8n process group: SIGTERM, SIGKILL if it has not closed (`exited`) within
 * `graceMs`, then SIGKILL again for stray task runners of an n8n that exited.
 */
export async function stopGroup(pid, { running, exited, graceMs }) {
	if (running) {
		killGroup(pid, 'SIGTERM');
		const timedOut = await Promise.race([
			exited.then(() => false),
			sleep(graceMs).then(() => true),
		]);
		if (timedOut) killGroup(pid, 'SIGKILL');
		await Promise.race([exited, sleep(5000)]);
	}
	killGroup(pid, 'SIGKILL');
}

/** Polls `<url>/healthz/readiness` until it answers 200; rejects after `timeoutMs`. */
export async function waitForReady(url, timeoutMs = 90_000, { isAlive = () => true } = {}) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (!isAlive()) throw new Error('n8n exited before it was ready');
		try {
			const res = await fetch(new URL('/healthz/readiness', url), {
				signal: AbortSignal.timeout(2000),
			});
			if (res.ok) return;
		} catch {
			// not listening yet
		}
		await sleep(250);
	}
	throw new Error(`n8n at ${url} not ready within ${timeoutMs} ms`);
}

/**
 * Resolves once the n8n at `baseUrl` serves the production webhook `path` (what follows /webhook/)
 * for `method` (or, with `gone: true`, once it no longer does). Probes with a CORS preflight, which
 * runs no workflow: 204 for a registered webhook; for an unknown one 404, or, for a path that
 * starts with a webhook id (trigger nodes), 500 "The requested webhook … is not registered".
 */
export async function waitForWebhookAt(
	baseUrl,
	path,
	{ method = 'POST', gone = false, timeoutMs = 30_000 } = {},
) {
	const deadline = Date.now() + timeoutMs;
	let last = 'no answer';
	while (Date.now() < deadline) {
		try {
			const res = await fetch(`${baseUrl}/webhook/${path}`, {
				method: 'OPTIONS',
				headers: { origin: baseUrl, 'access-control-request-method': method },
				signal: AbortSignal.timeout(5000),
			});
			const text = await res.text();
			const unknown = res.status === 404 || /is not registered/.test(text);
			if (gone ? unknown : res.status === 204) return;
			last = `${res.status} ${text.slice(0, 300)}`;
		} catch (error) {
			last = error.message;
		}
		await sleep(100);
	}
	throw new Error(
		`webhook ${path} at ${baseUrl} ${gone ? 'still registered' : 'not registered'} after ${timeoutMs} ms (last answer: ${last})`,
	);
}

/**
 * Prepares (but does not start) an n8n instance.
 * @param {object} opts
 * @param {string} opts.userFolder  created if missing, reused if present (data is kept)
 * @param {number} [opts.port]      default: a free port
 * @param {string} [opts.packageDir] the built package to load, default the project root
 * @param {object} [opts.env]       extra environment for n8n
 * @param {string} [opts.logFile]   default `<userFolder>/n8n.log`
 * @param {object} [opts.runtime]   result of provision(); provisioned quietly if omitted
 */
export async function prepareN8n({
	userFolder,
	port,
	packageDir = PROJECT_ROOT,
	env = {},
	logFile,
	runtime,
} = {}) {
	if (!userFolder) throw new Error('prepareN8n: userFolder is required');
	userFolder = resolve(userFolder);
	runtime ??= await provision({ quiet: true });
	port ??= await freePort();
	logFile ??= join(userFolder, 'n8n.log');
	await mkdir(join(userFolder, 'tmp'), { recursive: true });
	await installPackage(userFolder, runtime, packageDir);
	const url = `http://127.0.0.1:${port}`;
	const brokerPort = await freePort();
	const major = runtime.major ?? 2;
	const fullEnv = {
		...n8nEnv({ baseEnv: runtime.env, userFolder, port, brokerPort, major }),
		...env,
	};

	let child = null;
	let exited = null; // resolves when the server process ends
	let cookie = null;
	let ownerSetup = null; // the pending setupOwner() of fetchAsOwner

	const instance = {
		url,
		port,
		userFolder,
		logFile,
		env: fullEnv,
		runtime,
		/** n8n's major version (1 or 2): what the REST calls below adapt to. */
		major,
		get pid() {
			return child?.pid;
		},
		/** Resolves with `{ code, signal }` when the started server process ends. */
		whenExited: () => exited,

		cli: (args, opts = {}) => n8nCli(args, { runtime, env: fullEnv, ...opts }),

		/** Imports credentials with plaintext `data`; an existing id is overwritten, not duplicated. */
		async importCredentials(list) {
			return importJson(instance, 'import:credentials', list);
		},

		/** Imports one workflow object; returns its id (given or generated). */
		async importWorkflow(workflow) {
			const withId = { id: workflow.id ?? randomId(), active: false, ...workflow };
			await importJson(instance, 'import:workflow', withId);
			return withId.id;
		},

		/**
		 * Imports every `*.json` workflow in `dir` with one `n8n import:workflow --separate` (one CLI
		 * start-up for all of them, instead of one per file). Imported workflows are inactive.
		 */
		async importWorkflowDir(dir) {
			const result = await instance.cli([
				'import:workflow',
				'--separate',
				`--input=${resolve(dir)}`,
			]);
			if (result.code !== 0)
				throw new Error(
					`n8n import:workflow failed (${result.signal ?? result.code}):\n${result.stdout}\n${result.stderr}`,
				);
			return result;
		},

		/** Runs a stored workflow with `n8n execute --rawOutput`; `json` is the parsed run data. */
		async executeWorkflow(id, opts) {
			return instance.cli(['execute', `--id=${id}`, '--rawOutput'], opts);
		},

		async start({ timeoutMs = 120_000 } = {}) {
			if (child) throw new Error('n8n already started');
			const log = createWriteStream(logFile, { flags: 'a' });
			child = spawn(runtime.nodeBin, [runtime.n8nBin, 'start'], {
				cwd: userFolder,
				env: fullEnv,
				stdio: ['ignore', 'pipe', 'pipe'],
				detached: true, // own process group, so stop() reaches the task runners as well
			});
			child.stdout.pipe(log, { end: false });
			child.stderr.pipe(log, { end: false });
			// 'close' (not 'exit'): all output has been read, so the log tail is complete.
			exited = new Promise((r) =>
				child.on('close', (code, signal) => log.end(() => r({ code, signal }))),
			);
			track(child, userFolder);
			let alive = true;
			exited.then(() => (alive = false));
			try {
				await waitForReady(url, timeoutMs, { isAlive: () => alive });
			} catch (error) {
				await instance.stop();
				error.message += `\n--- last lines of ${logFile} ---\n${await tail(logFile)}`;
				throw error;
			}
			return instance;
		},

		/** Creates the owner account (or logs in, if a kept user folder has one); returns the session cookie. */
		async setupOwner({
			email = 'owner@example.com',
			password = 'Passw0rd-e2e',
			firstName = 'Test',
			lastName = 'Owner',
		} = {}) {
			const post = (path, body) =>
				fetch(`${url}${path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
					signal: AbortSignal.timeout(15_000),
				});
			let res = await post('/rest/owner/setup', { email, password, firstName, lastName });
			// n8n 1.x answers /healthz/readiness before it has mounted its REST routes: 404 until then.
			for (const deadline = Date.now() + 30_000; res.status === 404 && Date.now() < deadline; ) {
				await sleep(250);
				res = await post('/rest/owner/setup', { email, password, firstName, lastName });
			}
			if (!res.ok) res = await post('/rest/login', { emailOrLdapLoginId: email, password });
			if (!res.ok) throw new Error(`owner setup/login failed: ${res.status} ${await res.text()}`);
			cookie = res.headers
				.getSetCookie()
				.map((c) => c.split(';')[0])
				.join('; ');
			return cookie;
		},

		/** fetch() against n8n as the owner (set up on first use), e.g. `/types/nodes.json`. */
		async fetchAsOwner(path, { headers, ...init } = {}) {
			// One set-up for concurrent first calls: a second /rest/owner/setup would replace the
			// session of the first.
			if (!cookie) await (ownerSetup ??= instance.setupOwner().finally(() => (ownerSetup = null)));
			return fetch(`${url}${path}`, {
				signal: AbortSignal.timeout(30_000),
				...init,
				headers: { cookie, 'browser-id': 'e2e', ...headers },
			});
		},

		/** n8n's internal REST API as the owner; returns the response's `data`. */
		async rest(method, path, body) {
			const res = await instance.fetchAsOwner(`/rest${path}`, {
				method,
				headers: { 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await res.text();
			if (!res.ok) throw new Error(`${method} /rest${path}: ${res.status} ${text}`);
			return text ? JSON.parse(text).data : undefined;
		},

		/**
		 * Publishes (activates) a stored workflow, as the editor's Publish button does. n8n answers
		 * before its triggers and webhooks are registered: poll for the effect (waitForWebhook).
		 */
		async activateWorkflow(id) {
			const { versionId } = await instance.rest('GET', `/workflows/${id}`);
			// n8n 1.x has no publish endpoint: the editor's Active switch saves `active: true`.
			if (major < 2) return instance.rest('PATCH', `/workflows/${id}`, { active: true, versionId });
			return instance.rest('POST', `/workflows/${id}/activate`, { versionId });
		},

		/** Unpublishes (deactivates) a workflow: n8n removes its webhooks and calls triggers' `delete`. */
		async deactivateWorkflow(id) {
			if (major < 2) {
				const { versionId } = await instance.rest('GET', `/workflows/${id}`);
				return instance.rest('PATCH', `/workflows/${id}`, { active: false, versionId });
			}
			return instance.rest('POST', `/workflows/${id}/deactivate`, {});
		},

		/** The reason n8n gives for a failed activation, or undefined. */
		async activationError(id) {
			return instance.rest('GET', `/active-workflows/error/${id}`).catch((error) => error.message);
		},

		/**
		 * Resolves once n8n serves the production webhook `path` (what follows /webhook/) for
		 * `method` (or, with `gone: true`, once it no longer does). Probes with a CORS preflight, which
		 * runs no workflow: 204 for a registered webhook; for an unknown one 404, or, for a path that
		 * starts with a webhook id (trigger nodes), 500 "The requested webhook … is not registered".
		 */
		async waitForWebhook(path, options) {
			return waitForWebhookAt(url, path, options);
		},

		/** The executions of a workflow, newest first (summaries, without run data). */
		async listExecutions(workflowId) {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const { results } = await instance.rest('GET', `/executions?filter=${filter}&limit=100`);
			return results;
		},

		/** One execution with its run data (`data.resultData.runData[node][run]…`), as the editor reads it. */
		async getExecution(id) {
			const execution = await instance.rest('GET', `/executions/${id}`);
			const flatted = createRequire(runtime.n8nBin)('flatted'); // n8n's own dependency
			return {
				...execution,
				data: typeof execution.data === 'string' ? flatted.parse(execution.data) : execution.data,
			};
		},

		/**
		 * SIGTERM to the server's process group, SIGKILL if still there after `graceMs`; CLI commands
		 * still running on this user folder are killed.
		 */
		async stop({ graceMs = 15_000 } = {}) {
			for (const [pid, folder] of liveGroups)
				if (folder === userFolder && pid !== child?.pid) killGroup(pid, 'SIGKILL');
			if (!child) return;
			const current = child;
			child = null;
			const running = current.exitCode === null && current.signalCode === null;
			await stopGroup(current.pid, { running, exited, graceMs });
		},

		tail: (lines) => tail(logFile, lines),
	};
	return instance;
}

/** prepareN8n + start. */
export async function startN8n(opts) {
	const instance = await prepareN8n(opts);
	return instance.start(opts);
}

async function importJson(instance, command, data) {
	const file = join(
		instance.userFolder,
		'tmp',
		`${command.replace(':', '-')}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`,
	);
	await writeFile(file, JSON.stringify(data));
	try {
		const result = await instance.cli([command, `--input=${file}`]);
		if (result.code !== 0)
			throw new Error(
				`n8n ${command} failed (${result.signal ?? result.code}):\n${result.stdout}\n${result.stderr}`,
			);
		return result;
	} finally {
		await rm(file, { force: true });
	}
}

/** n8n's workflow ids are 16 alphanumerics. */
function randomId() {
	const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from({ length: 16 }, () => chars[Math.floor(Math.random() * chars.length)]).join('');
}
