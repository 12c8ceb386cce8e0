// The end-to-end environment: a real n8n (fresh user folder each run) with this package installed,
// talking to the Awaz sandbox. Jest's globalSetup starts it once, globalTeardown stops it, and test
// files reach the live objects through getE2eEnv() (see load-env.js for how they import this file).
import { mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT, prepareN8n } from '../../scripts/n8n/instance.mjs';
import { provision } from '../../scripts/n8n/provision.mjs';
import { sandboxCredential, startAwazSandbox } from '../../scripts/n8n/sandbox.mjs';

let current = null;

/**
 * Provisions the runtime, then starts the sandbox and n8n (credential "Awaz sandbox" imported).
 * @returns {Promise<{n8n, sandbox, credential, userFolder: string}>}
 */
export async function startE2eEnv({ quiet = false } = {}) {
	if (current) return current;
	const runtime = await provision({ quiet });
	const userFolder = join(PROJECT_ROOT, '.n8n-local', `e2e-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
	await mkdir(userFolder, { recursive: true });
	const sandbox = await startAwazSandbox();
	try {
		const n8n = await prepareN8n({ userFolder, runtime });
		const credential = sandboxCredential(sandbox);
		await n8n.importCredentials([credential]);
		await n8n.start();
		current = { n8n, sandbox, credential, userFolder };
		// Ctrl-C on jest skips globalTeardown; stop n8n (detached, so it got no signal) ourselves.
		for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stopE2eEnv().finally(() => process.exit(130)));
		return current;
	} catch (error) {
		await sandbox.close();
		error.message += `\n(user folder kept for inspection: ${userFolder})`;
		throw error;
	}
}

/** The environment started by startE2eEnv in this process. */
export function getE2eEnv() {
	if (!current) throw new Error('e2e environment not started: run with `npx jest -c test/e2e/jest.config.js`');
	return current;
}

/**
 * Where `require(id)` from our installed node file leads, by Node's own resolver (jest's
 * `require.resolve` is jest's): proves the package sees n8n's copy of n8n-workflow.
 */
export function resolveFromInstalledNode(id) {
	const nodeFile = join(getE2eEnv().n8n.userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-awaz', 'dist', 'nodes', 'Awaz', 'Awaz.node.js');
	return createRequire(nodeFile).resolve(id);
}

/** Stops n8n and the sandbox; removes the user folder unless AWAZ_E2E_KEEP is set. */
export async function stopE2eEnv() {
	if (!current) return;
	const { n8n, sandbox, userFolder } = current;
	current = null;
	await n8n.stop();
	await sandbox.close();
	if (process.env.AWAZ_E2E_KEEP) console.log(`e2e user folder kept: ${userFolder}`);
	else await rm(userFolder, { recursive: true, force: true });
}
