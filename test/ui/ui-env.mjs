// The browser suite's environment: the `npm start` stack (a real n8n 2.41.1 with this package
// installed as a community package, the Awaz sandbox, the seeded "Awaz sandbox" credential) in a
// fresh user folder, the owner account set up, and a Chromium found (or installed). Jest's
// globalSetup starts it once, globalTeardown stops it; test files reach it through load-env.js.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { findChromium } from '../../scripts/ui/chromium.mjs';
import { PROJECT_ROOT, prepareN8n } from '../../scripts/n8n/instance.mjs';
import { provision } from '../../scripts/n8n/provision.mjs';
import { sandboxCredential, startAwazSandbox } from '../../scripts/n8n/sandbox.mjs';

/** Per-step screenshots (git-ignored; CI keeps them as an artifact). */
export const ARTIFACTS_DIR = join(PROJECT_ROOT, '.tmp', 'ui-artifacts');
/** Chromium's fresh profile folders, one per browser the test files launch; removed at the end. */
export const PROFILES_DIR = join(PROJECT_ROOT, '.tmp', 'ui-profiles');
/** Committed screenshots for the README. */
export const DOCS_DIR = join(PROJECT_ROOT, 'docs');
/** The importable example workflows the README shows. */
export const EXAMPLES_DIR = process.env.AWAZ_UI_EXAMPLES_DIR || join(PROJECT_ROOT, 'examples');
/** The built package n8n loads: this checkout, or (to try a change to a built file) another copy. */
export const PACKAGE_DIR = process.env.AWAZ_UI_PACKAGE_DIR || PROJECT_ROOT;

const OWNER = {
	email: 'owner@example.com',
	password: 'Passw0rd-ui-1',
	firstName: 'Ada',
	lastName: 'Owner',
};

let current = null;

export async function startUiEnv() {
	if (current) return current;
	const chromium = findChromium();
	const runtime = await provision({ quiet: true });
	const userFolder = join(
		PROJECT_ROOT,
		'.n8n-local',
		`ui-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`,
	);
	await mkdir(userFolder, { recursive: true });
	await rm(ARTIFACTS_DIR, { recursive: true, force: true });
	await rm(PROFILES_DIR, { recursive: true, force: true });
	await mkdir(ARTIFACTS_DIR, { recursive: true });
	const sandbox = await startAwazSandbox();
	sandbox.setRateLimit({ limit: 100_000 }); // the editor's list searches are not what is tested here
	try {
		const n8n = await prepareN8n({ userFolder, runtime, packageDir: PACKAGE_DIR });
		const credential = sandboxCredential(sandbox);
		await n8n.importCredentials([
			credential,
			// The names the example workflows refer to (examples/README.md), so that imported
			// examples show their credentials as a user who followed that README sees them.
			{ id: 'awazAccountUi001', name: 'Awaz account', type: 'awazApi', data: credential.data },
			{
				id: 'openAiAccountUi1',
				name: 'OpenAi account',
				type: 'openAiApi',
				data: { apiKey: 'sk-not-used' },
			},
		]);
		await n8n.start();
		await n8n.setupOwner(OWNER); // POST /rest/owner/setup, as the editor's first-run form does
		current = {
			n8n,
			sandbox,
			credential,
			chromium,
			owner: OWNER,
			userFolder,
			artifactsDir: ARTIFACTS_DIR,
			profilesDir: PROFILES_DIR,
			docsDir: DOCS_DIR,
			examplesDir: EXAMPLES_DIR,
		};
		for (const signal of ['SIGINT', 'SIGTERM'])
			process.once(signal, () => stopUiEnv().finally(() => process.exit(130)));
		return current;
	} catch (error) {
		await sandbox.close();
		error.message += `\n(user folder kept for inspection: ${userFolder})`;
		throw error;
	}
}

export function getUiEnv() {
	if (!current)
		throw new Error('ui environment not started: run with `npx jest -c test/ui/jest.config.js`');
	return current;
}

/** Stops n8n and the sandbox; keeps the user folder when AWAZ_UI_KEEP is set. */
export async function stopUiEnv() {
	if (!current) return;
	const { n8n, sandbox, userFolder } = current;
	current = null;
	await n8n.stop();
	await sandbox.close();
	await rm(PROFILES_DIR, { recursive: true, force: true });
	if (process.env.AWAZ_UI_KEEP)
		console.log(`ui user folder kept: ${userFolder} (n8n log: ${n8n.logFile})`);
	else await rm(userFolder, { recursive: true, force: true });
}
