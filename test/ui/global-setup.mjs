import { startUiEnv } from './ui-env.mjs';

export default async function globalSetup() {
	console.log(''); // start below jest's "Determining test suites…" line, not on it
	const started = Date.now();
	const { n8n, sandbox, chromium } = await startUiEnv();
	console.log(
		`ui: n8n ${n8n.url}, sandbox ${sandbox.url}, Chromium ${chromium.executablePath}; ready in ${((Date.now() - started) / 1000).toFixed(1)}s`,
	);
}
