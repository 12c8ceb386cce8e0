import { startE2eEnv } from './n8n-env.mjs';

export default async function globalSetup() {
	console.log(''); // start below jest's "Determining test suites…" line, not on it
	const started = Date.now();
	const { n8n, sandbox } = await startE2eEnv();
	process.env.AWAZ_E2E_N8N_LOG = n8n.logFile; // for failure-reporter.js
	console.log(
		`e2e: n8n ${n8n.runtime.n8nVersion ?? ''} on Node ${n8n.runtime.nodeVersion ?? '?'} at ${n8n.url} (user folder ${n8n.userFolder}), sandbox ${sandbox.url}, ready in ${((Date.now() - started) / 1000).toFixed(1)}s`,
	);
}
