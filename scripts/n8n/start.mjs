#!/usr/bin/env node
// `npm start`: a local n8n with this package installed, talking to the Awaz sandbox (or, with
// AWAZ_API_KEY set, to the real Awaz API). Data is kept in .n8n-local/user between runs.
// Run `npm run build` first; every start copies the current dist/ into n8n, so rebuild + restart
// picks up changes.
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT, prepareN8n } from './instance.mjs';
import { provision } from './provision.mjs';
import { sandboxCredential, startAwazSandbox } from './sandbox.mjs';

// A fixed id, like the sandbox credential's: a second import overwrites instead of duplicating.
const LIVE_CREDENTIAL_ID = 'awazLiveCred0001';

const started = Date.now();
const say = (msg) => console.log(`[start +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

/** Fails early with a readable message instead of n8n's EADDRINUSE stack trace. */
function assertPortFree(port) {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', () => reject(new Error(`port ${port} is in use; set N8N_PORT to another port`)));
		server.listen(port, '127.0.0.1', () => server.close(resolve));
	});
}

async function main() {
	const port = Number(process.env.N8N_PORT || 5678);
	await assertPortFree(port);
	const runtime = await provision();

	const userFolder = join(PROJECT_ROOT, '.n8n-local', 'user');
	await mkdir(userFolder, { recursive: true });
	const n8n = await prepareN8n({ userFolder, port, runtime });

	let sandbox = null;
	let stopping = false;
	const stopAll = async (code) => {
		if (stopping) return;
		stopping = true;
		say('stopping n8n' + (sandbox ? ' and the sandbox' : ''));
		await n8n.stop();
		await sandbox?.close();
		process.exit(code);
	};
	process.on('SIGINT', () => stopAll(0));
	process.on('SIGTERM', () => stopAll(0));

	let credential;
	if (process.env.AWAZ_API_KEY) {
		credential = { id: LIVE_CREDENTIAL_ID, name: 'Awaz', type: 'awazApi', data: { apiKey: process.env.AWAZ_API_KEY, baseUrl: 'https://api.awaz.ai' } };
	} else {
		sandbox = await startAwazSandbox({ log: true });
		say(`Awaz sandbox listening on ${sandbox.url}`);
		credential = sandboxCredential(sandbox);
	}

	try {
		say(`importing credential "${credential.name}"`);
		await n8n.importCredentials([credential]);
		say(`starting n8n (log: ${n8n.logFile})`);
		await n8n.start();
	} catch (error) {
		if (stopping) return; // interrupted (Ctrl-C): stopAll is already on it
		console.error(error.message);
		return stopAll(1);
	}
	say('n8n is ready');
	console.log(`
  Editor: ${n8n.url}/

  1. Open the editor and create the owner account (first run only; data stays in .n8n-local/user).
  2. Create a workflow, add the "Awaz" node (search "Awaz").
  3. Pick the credential "${credential.name}".${sandbox ? ' The sandbox\'s seeded agents and phones appear in the dropdowns.' : ''}
  After \`npm run build\`, restart this command to load the new build.
  Ctrl-C stops n8n${sandbox ? ' and the sandbox' : ''}.
`);
	// n8n dying on its own (crash, killed) should not leave the sandbox running.
	const { code, signal } = await n8n.whenExited();
	if (!stopping) {
		console.error(`n8n exited unexpectedly (${signal ?? code}); last lines of ${n8n.logFile}:\n${await n8n.tail(40)}`);
		await stopAll(1);
	}
}

main().catch((error) => {
	console.error(error.message);
	process.exit(1);
});
