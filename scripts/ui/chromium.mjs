// Finds a Chromium for the browser suite, or installs Debian's, and launches it headless through
// playwright-core (which downloads no browser of its own). Order:
//   1. CHROMIUM_PATH, if set (must exist);
//   2. an installed Chromium/Chrome: Debian's real binary /usr/lib/chromium/chromium (its
//      /usr/bin/chromium wrapper adds nothing headless needs), then chromium, chromium-browser,
//      google-chrome on PATH;
//   3. none found: as root with apt-get, `apt-get update && apt-get install -y chromium`;
//      otherwise an error that says what to install.
// It always says which one it uses and how it got it.
//
//   node scripts/ui/chromium.mjs        # find or install, print the path and version
//   import { findChromium, launchChromium } from './chromium.mjs';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEBIAN_BINARY = '/usr/lib/chromium/chromium';
const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/**
 * Flags for a quiet headless run in a container: no sandbox (root), no GPU, and no traffic to
 * Google's services (updates, sync, field trials), which an offline machine refuses noisily.
 */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];

function onPath(name) {
	for (const dir of (process.env.PATH ?? '').split(delimiter)) {
		if (dir && existsSync(join(dir, name))) return join(dir, name);
	}
	return undefined;
}

function installed() {
	if (existsSync(DEBIAN_BINARY)) return DEBIAN_BINARY;
	for (const name of ON_PATH) {
		const found = onPath(name);
		if (found) return found;
	}
	return undefined;
}

function versionOf(executablePath) {
	try {
		return execFileSync(executablePath, ['--version'], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
			timeout: 20_000,
		}).trim();
	} catch {
		return 'version unknown';
	}
}

/**
 * The Chromium to drive: `{ executablePath, version, how }`, where `how` says where it came from.
 * Installs Debian's package when none is found and this process may (root, apt-get present).
 */
export function findChromium({ log = console.log } = {}) {
	let how;
	let executablePath;
	if (process.env.CHROMIUM_PATH) {
		executablePath = process.env.CHROMIUM_PATH;
		if (!existsSync(executablePath))
			throw new Error(`CHROMIUM_PATH=${executablePath} does not exist`);
		how = 'from CHROMIUM_PATH';
	} else if ((executablePath = installed())) {
		how = 'found installed';
	} else {
		const isRoot = process.getuid?.() === 0;
		if (!isRoot || !onPath('apt-get')) {
			throw new Error(
				"No Chromium found. Install Debian's (`sudo apt-get update && sudo apt-get install -y chromium`), " +
					'or set CHROMIUM_PATH to a Chromium or Chrome binary. playwright-core downloads no browser.',
			);
		}
		log(
			"ui: no Chromium found; installing Debian's: apt-get update && apt-get install -y chromium (a minute or two)",
		);
		for (const args of [['update'], ['install', '-y', 'chromium']]) {
			const result = spawnSync('apt-get', args, {
				stdio: ['ignore', 'inherit', 'inherit'],
				env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
			});
			if (result.status !== 0)
				throw new Error(`apt-get ${args.join(' ')} failed (${result.signal ?? result.status})`);
		}
		executablePath = installed();
		if (!executablePath)
			throw new Error('apt-get installed chromium, but no Chromium binary was found afterwards');
		how = 'installed just now with apt-get';
	}
	const version = versionOf(executablePath);
	log(`ui: Chromium ${how}: ${executablePath} (${version})`);
	return { executablePath, version, how };
}

/**
 * Launches Chromium headless with a fresh profile folder (under `profileRoot`, default the OS temp
 * folder) and returns `{ context, userDataDir }`: playwright-core's BrowserContext (close it with
 * `context.close()`, which ends Chromium) and the profile folder.
 */
export async function launchChromium({
	executablePath,
	profileRoot = tmpdir(),
	contextOptions = {},
	testIdAttribute = 'data-test-id',
} = {}) {
	executablePath ??= findChromium().executablePath;
	const require = createRequire(import.meta.url);
	const { chromium, selectors } = require('playwright-core');
	// n8n's editor marks its elements with data-test-id, so getByTestId() finds them.
	selectors.setTestIdAttribute(testIdAttribute);
	const userDataDir = await mkdtemp(join(profileRoot, 'awaz-ui-chromium-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: { width: 1280, height: 800 },
		...contextOptions,
	});
	return { context, userDataDir };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	try {
		findChromium();
	} catch (error) {
		console.error(error.message);
		process.exit(1);
	}
}
