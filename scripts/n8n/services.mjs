// PostgreSQL and Redis for n8n's queue mode: Debian's `postgresql` and `redis-server`, installed
// with apt when their binaries are missing (as root; a fresh CI machine has only Node and npm),
// started on 127.0.0.1 with their data in a temporary folder, and stopped (folder removed) after.
//
//   const services = await startServices();   // { postgres: {host, port, user, database}, redis: {host, port}, stop() }
//   ... n8n with DB_TYPE=postgresdb, QUEUE_BULL_REDIS_* (see queue.mjs) ...
//   await services.stop();
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './instance.mjs';

const run = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms).unref());
const isRoot = () => process.getuid?.() === 0;

/** The newest PostgreSQL under /usr/lib/postgresql/<version>/bin, or undefined. */
function postgresBinDir() {
	const base = '/usr/lib/postgresql';
	if (!existsSync(base)) return undefined;
	const versions = readdirSync(base)
		.filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? join(base, versions[0], 'bin') : undefined;
}

function redisServerBin() {
	for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/local/bin'])) {
		if (dir && existsSync(join(dir, 'redis-server'))) return join(dir, 'redis-server');
	}
	return undefined;
}

/**
 * Finds the PostgreSQL and Redis binaries; installs Debian's packages with apt when one is
 * missing (root only: otherwise says what to install). About a minute on a fresh machine.
 * @returns {Promise<{pgBin: string, redisServer: string}>}
 */
export async function ensureServiceBinaries({ log = () => {} } = {}) {
	let pgBin = postgresBinDir();
	let redisServer = redisServerBin();
	if (pgBin && redisServer) return { pgBin, redisServer };
	const missing = [!pgBin && 'postgresql', !redisServer && 'redis-server'].filter(Boolean);
	if (!isRoot()) {
		throw new Error(
			`queue mode needs ${missing.join(' and ')}: install with \`sudo apt-get install -y ${missing.join(' ')}\` (Debian/Ubuntu)`,
		);
	}
	log(`installing ${missing.join(' and ')} with apt (once per machine)`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	await run('apt-get', ['update'], { env, maxBuffer: 64 * 1024 * 1024 });
	// Debian starts no cluster or server in a container without systemd; we start our own anyway.
	await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
		env,
		maxBuffer: 64 * 1024 * 1024,
	});
	pgBin = postgresBinDir();
	redisServer = redisServerBin();
	if (!pgBin || !redisServer)
		throw new Error(`apt-get installed ${missing.join(', ')} but the binaries are still missing`);
	return { pgBin, redisServer };
}

/** Runs a PostgreSQL tool as the `postgres` user when we are root (initdb refuses root). */
function asPostgres(bin, args) {
	return isRoot() ? run('runuser', ['-u', 'postgres', '--', bin, ...args]) : run(bin, args);
}

async function startPostgres({ pgBin, dir, port }) {
	const data = join(dir, 'pgdata');
	await mkdir(data, { recursive: true });
	if (isRoot()) await run('chown', ['-R', 'postgres:postgres', dir]);
	await asPostgres(join(pgBin, 'initdb'), [
		'-D',
		data,
		'-A',
		'trust',
		'-U',
		'n8n',
		'-E',
		'UTF8',
		'--no-sync',
	]);
	// Loopback only; the socket in our folder, not /var/run/postgresql (not there without the service).
	const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
	await asPostgres(join(pgBin, 'pg_ctl'), [
		'-D',
		data,
		'-o',
		options,
		'-l',
		join(dir, 'postgres.log'),
		'-w',
		'-t',
		'60',
		'start',
	]);
	const database = 'n8n';
	await run(join(pgBin, 'psql'), [
		'-h',
		'127.0.0.1',
		'-p',
		String(port),
		'-U',
		'n8n',
		'-d',
		'postgres',
		'-v',
		'ON_ERROR_STOP=1',
		'-c',
		`create database ${database}`,
	]);
	return {
		host: '127.0.0.1',
		port,
		user: 'n8n',
		database,
		logFile: join(dir, 'postgres.log'),
		stop: () =>
			asPostgres(join(pgBin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(
				() => {},
			),
		stopSync() {
			const args = [join(pgBin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'];
			try {
				if (isRoot())
					execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'ignore' });
				else execFileSync(args[0], args.slice(1), { stdio: 'ignore' });
			} catch {
				// not running
			}
		},
	};
}

/**
 * One Redis command over a raw socket (no client library). Resolves with the reply: a status or
 * error line as is (`+PONG`, `-ERR …`), an integer as a number, a bulk string as its text (null
 * for a missing key). Arguments are sent as one inline command, so none may contain spaces.
 */
function redisCommand(port, command) {
	return new Promise((resolve, reject) => {
		const socket = connect(port, '127.0.0.1');
		let reply = '';
		const done = (value) => {
			socket.end();
			resolve(value);
		};
		socket.setTimeout(2000, () => socket.destroy(new Error('redis: no answer')));
		socket.on('connect', () => socket.write(`${command}\r\n`));
		socket.on('data', (chunk) => {
			reply += chunk;
			const lineEnd = reply.indexOf('\r\n');
			if (lineEnd === -1) return;
			const first = reply.slice(0, lineEnd);
			if (first[0] === ':') return done(Number(first.slice(1)));
			if (first[0] !== '$') return done(first);
			const length = Number(first.slice(1));
			if (length === -1) return done(null);
			const body = Buffer.from(reply.slice(lineEnd + 2));
			if (body.length >= length) done(body.subarray(0, length).toString());
		});
		socket.on('error', reject);
	});
}

async function startRedis({ redisServer, dir, port }) {
	const logFile = join(dir, 'redis.log');
	const child = spawn(
		redisServer,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--logfile',
			logFile,
			'--protected-mode',
			'yes',
		],
		{ stdio: 'ignore', detached: true },
	);
	const exited = new Promise((r) => child.on('exit', r));
	let alive = true;
	exited.then(() => (alive = false));
	const deadline = Date.now() + 20_000;
	for (;;) {
		if (!alive)
			throw new Error(
				`redis-server exited at start:\n${await readFile(logFile, 'utf8').catch(() => '')}`,
			);
		if ((await redisCommand(port, 'PING').catch(() => '')) === '+PONG') break;
		if (Date.now() > deadline) throw new Error('redis-server did not answer PING within 20 s');
		await sleep(100);
	}
	return {
		host: '127.0.0.1',
		port,
		pid: child.pid,
		logFile,
		command: (line) => redisCommand(port, line),
		stopSync() {
			if (!alive) return;
			try {
				process.kill(child.pid, 'SIGKILL');
			} catch {
				// gone
			}
		},
		async stop() {
			if (!alive) return;
			try {
				process.kill(child.pid, 'SIGTERM');
			} catch {
				return;
			}
			await Promise.race([exited, sleep(5000)]);
			if (alive) process.kill(child.pid, 'SIGKILL');
		},
	};
}

/**
 * Starts PostgreSQL (database `n8n`, user `n8n`, trust auth, loopback) and Redis (loopback, no
 * persistence) on free ports, with all data in one new temporary folder.
 * `stop()` stops both and removes the folder (kept when `keep` is true, for inspection).
 */
export async function startServices({ log = () => {} } = {}) {
	const { pgBin, redisServer } = await ensureServiceBinaries({ log });
	const dir = await mkdtemp(join(tmpdir(), 'awaz-n8n-queue-'));
	await chmod(dir, 0o755); // the postgres user must reach its data folder inside
	const started = [];
	const stopAll = async () => {
		for (const service of started.reverse()) await service.stop();
	};
	// Our servers must not outlive this process, however it exits ('exit' allows sync work only).
	const onExit = () => {
		for (const service of started) service.stopSync();
	};
	process.on('exit', onExit);
	try {
		const t0 = Date.now();
		const pg = await startPostgres({ pgBin, dir, port: await freePort() });
		started.push(pg);
		const redis = await startRedis({ redisServer, dir, port: await freePort() });
		started.push(redis);
		log(
			`postgres :${pg.port} and redis :${redis.port} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (data in ${dir})`,
		);
		return {
			dir,
			postgres: pg,
			redis,
			async stop({ keep = false } = {}) {
				process.off('exit', onExit);
				await stopAll();
				if (!keep) await rm(dir, { recursive: true, force: true });
			},
		};
	} catch (error) {
		await stopAll();
		process.off('exit', onExit);
		error.message += `\n(services folder kept: ${dir})`;
		throw error;
	}
}
