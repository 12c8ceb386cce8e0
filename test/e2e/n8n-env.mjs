// The end-to-end environment: a real n8n (fresh user folder each run) with this package installed,
// talking to the Awaz sandbox. Jest's globalSetup starts it once, globalTeardown stops it, and test
// files reach the live objects through getE2eEnv() (see load-env.js for how they import this file).
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT, prepareN8n } from '../../scripts/n8n/instance.mjs';
import { provision } from '../../scripts/n8n/provision.mjs';
import { sandboxCredential, startAwazSandbox } from '../../scripts/n8n/sandbox.mjs';
import { workflowDirFor } from './n8n-versions.mjs';

const require = createRequire(import.meta.url);
let current = null;

/**
 * `AWAZ_N8N_MODE=queue` runs the same suite on n8n in queue mode (scripts/n8n/queue.mjs):
 * PostgreSQL, Redis, main + 2 workers + 1 webhook process; executions run on the workers and
 * production webhooks are served by the webhook process (`n8n.url` is its URL there).
 */
export const N8N_MODE = process.env.AWAZ_N8N_MODE === 'queue' ? 'queue' : 'regular';

/** The workflows every e2e test file may use, as n8n stores them; imported before n8n starts. */
export const WORKFLOW_DIR = join(PROJECT_ROOT, 'test', 'e2e', 'workflows');
/** The id the AI Agent workflows' OpenAI Chat Model refers to. */
const SCRIPTED_OPENAI_CREDENTIAL_ID = 'scriptedOpenAi01';

/**
 * Provisions the runtime, then starts the Awaz sandbox, the scripted OpenAI-compatible server and
 * n8n, with the credentials "Awaz sandbox" and "Scripted OpenAI" and every workflow in
 * test/e2e/workflows imported through n8n's CLI (two CLI calls in all, before `n8n start`).
 * @returns {Promise<{n8n, sandbox, openAi, credential, userFolder: string}>}
 */
export async function startE2eEnv({ quiet = false } = {}) {
	if (current) return current;
	const runtime = await provision({ quiet });
	const userFolder = join(
		PROJECT_ROOT,
		'.n8n-local',
		`e2e-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`,
	);
	await mkdir(userFolder, { recursive: true });
	const sandbox = await startAwazSandbox();
	// The whole suite sends a few dozen requests within a minute; the 100-a-minute limit is the
	// in-process tests' business, not this suite's.
	sandbox.setRateLimit({ limit: 100_000 });
	const openAi = await require('./scripted-openai.js').startScriptedOpenAi();
	let n8n;
	try {
		n8n =
			N8N_MODE === 'queue'
				? await (
						await import('../../scripts/n8n/queue.mjs')
					).prepareQueueStack({ userFolder, runtime, fastRecovery: true })
				: await prepareN8n({ userFolder, runtime });
		const credential = sandboxCredential(sandbox);
		await n8n.importCredentials([
			credential,
			// The key is never checked; n8n only insists that there is one.
			{
				id: SCRIPTED_OPENAI_CREDENTIAL_ID,
				name: 'Scripted OpenAI',
				type: 'openAiApi',
				data: { apiKey: 'sk-scripted-e2e', url: openAi.url },
			},
		]);
		// On n8n 1.x (AWAZ_N8N_VERSION=1), copies with the node versions 1.x has (n8n-versions.mjs).
		await n8n.importWorkflowDir(
			await workflowDirFor(runtime.major, WORKFLOW_DIR, join(userFolder, 'tmp', 'workflows')),
		);
		await n8n.start();
		current = { n8n, sandbox, openAi, credential, userFolder };
		// Ctrl-C on jest skips globalTeardown; stop n8n (detached, so it got no signal) ourselves.
		for (const signal of ['SIGINT', 'SIGTERM'])
			process.once(signal, () => stopE2eEnv().finally(() => process.exit(130)));
		return current;
	} catch (error) {
		if (N8N_MODE === 'queue') await n8n?.stop(); // PostgreSQL and Redis too
		await sandbox.close();
		await openAi.close();
		error.message += `\n(user folder kept for inspection: ${userFolder})`;
		throw error;
	}
}

/** The environment started by startE2eEnv in this process. */
export function getE2eEnv() {
	if (!current)
		throw new Error('e2e environment not started: run with `npx jest -c test/e2e/jest.config.js`');
	return current;
}

/**
 * Where `require(id)` from our installed node file leads, by Node's own resolver (jest's
 * `require.resolve` is jest's): proves the package sees n8n's copy of n8n-workflow.
 */
export function resolveFromInstalledNode(id) {
	const nodeFile = join(
		getE2eEnv().n8n.userFolder,
		'.n8n',
		'nodes',
		'node_modules',
		'n8n-nodes-awaz',
		'dist',
		'nodes',
		'Awaz',
		'Awaz.node.js',
	);
	return createRequire(nodeFile).resolve(id);
}

/**
 * Stops n8n and the two servers; removes the user folder unless AWAZ_E2E_KEEP is set or a test
 * failed (failure-reporter.js sets AWAZ_E2E_FAILED).
 */
export async function stopE2eEnv() {
	if (!current) return;
	const { n8n, sandbox, openAi, userFolder } = current;
	current = null;
	await n8n.stop();
	await sandbox.close();
	await openAi.close();
	if (process.env.AWAZ_E2E_KEEP || process.env.AWAZ_E2E_FAILED)
		console.log(`e2e user folder kept: ${userFolder} (n8n log: ${n8n.logFile})`);
	else await rm(userFolder, { recursive: true, force: true });
}

/**
 * Polls `check` every `intervalMs` until it returns something other than undefined/false, and
 * returns that; throws after `timeoutMs` with `what` and the last value seen.
 */
export async function waitFor(what, check, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let lastError;
	while (Date.now() < deadline) {
		try {
			const value = await check();
			if (value !== undefined && value !== false) return value;
			lastError = undefined;
		} catch (error) {
			lastError = error;
		}
		await new Promise((r) => setTimeout(r, intervalMs));
	}
	throw new Error(
		`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`,
	);
}
