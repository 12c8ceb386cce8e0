/**
 * What every bench starts with: its command-line options, the folder for its reports, its progress
 * line on stderr and the command line a report quotes. `inProcessEngine` is for the benches that
 * run workflows in the in-process n8n engine (kit/runner/engine.js) rather than in a real n8n.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Reports and the engine's settings: in the project's ignored .tmp folder. */
export const OUT_DIR = join(ROOT, '.tmp', 'bench');

const require = createRequire(import.meta.url);

/** `--key=value` as { key: 'value' }, a bare `--flag` as { flag: 'true' }. */
export const args = Object.fromEntries(
	process.argv.slice(2).map((arg) => {
		const [key, value = 'true'] = arg.replace(/^--/, '').split('=');
		return [key, value];
	}),
);

/** A progress logger for stderr: `[name +12.3s] …`, counted from when it was made. */
export function progress(name) {
	const started = Date.now();
	return (...parts) =>
		console.error(`[${name} +${((Date.now() - started) / 1000).toFixed(1)}s]`, ...parts);
}

/** How this bench was started, as a report quotes it: `node bench/<script> --a=1`. */
export const commandLine = (script) =>
	`node bench/${script}${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;

/**
 * The in-process n8n engine on the project's n8n-core and n8n-workflow. n8n-core writes its
 * settings under N8N_USER_FOLDER: kept in OUT_DIR, set before n8n-core is first loaded.
 */
export function inProcessEngine() {
	mkdirSync(OUT_DIR, { recursive: true });
	process.env.N8N_USER_FOLDER = join(OUT_DIR, 'n8n-user');
	process.env.N8N_LOG_LEVEL = 'silent';
	process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
	const { inProcessN8n } = require('../kit/runner/engine');
	return inProcessN8n({ core: require('n8n-core'), workflow: require('n8n-workflow') });
}
