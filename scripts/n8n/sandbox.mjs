// Loads the in-memory Awaz API server (kit/sandbox, CommonJS) from ESM, and the n8n credential
// that points at it. Shared by `npm start` and the e2e suite.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT } from './instance.mjs';

export const SANDBOX_API_KEY = 'awaz-sandbox-key';
// A fixed id: importing again on the next start overwrites the credential instead of adding one.
const SANDBOX_CREDENTIAL_ID = 'awazSandboxCred1';

/**
 * Starts the sandbox on 127.0.0.1 (`log: true` prints one JSON line per request; `lifecycle`
 * sets how fast scheduled calls move through their statuses, `false` keeps them `scheduled`).
 * @returns {Promise<import('../../kit/sandbox/server').Sandbox>} with url, requests, close(), …
 */
export async function startAwazSandbox({
	port = 0,
	log = false,
	lifecycle = { timeScale: 1 },
} = {}) {
	const require = createRequire(import.meta.url);
	const { startSandbox } = require(join(PROJECT_ROOT, 'kit', 'sandbox', 'index.js'));
	// A scheduled call goes through its statuses (about 30 s at time scale 1): see kit/sandbox/README.md.
	return startSandbox({ apiKey: SANDBOX_API_KEY, port, log, lifecycle });
}

/** The "Awaz sandbox" credential (plaintext, for `n8n import:credentials`). */
export function sandboxCredential(sandbox) {
	return {
		id: SANDBOX_CREDENTIAL_ID,
		name: 'Awaz sandbox',
		type: 'awazApi',
		data: { apiKey: SANDBOX_API_KEY, baseUrl: sandbox.url },
	};
}
