#!/usr/bin/env node
// `npm start`: a local n8n with this package installed, talking to the Awaz sandbox (or, with
// AWAZ_API_KEY set, to the real Awaz API). Data is kept in .n8n-local/user between runs.
// Run `npm run build` first; every start copies the current dist/ into n8n, so rebuild + restart
// picks up changes.
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT, prepareN8n } from './instance.mjs';
import { prepareQueueStack } from './queue.mjs';
import { provision } from './provision.mjs';
import { SANDBOX_API_KEY, sandboxCredential, startAwazSandbox } from './sandbox.mjs';

// A fixed id, like the sandbox credential's: a second import overwrites instead of duplicating.
const LIVE_CREDENTIAL_ID = 'awazLiveCred0001';

const started = Date.now();
const say = (msg) => console.log(`[start +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

/** Fails early with a readable message instead of n8n's EADDRINUSE stack trace. */
function assertPortFree(port) {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', () =>
			reject(new Error(`port ${port} is in use; set N8N_PORT to another port`)),
		);
		server.listen(port, '127.0.0.1', () => server.close(resolve));
	});
}

/** Whether the editor will ask for the owner account (a new user folder) rather than a sign-in. */
async function needsOwnerSetup(url) {
	try {
		const res = await fetch(`${url}/rest/settings`, { signal: AbortSignal.timeout(5000) });
		return Boolean((await res.json()).data?.userManagement?.showSetupOnFirstLoad);
	} catch {
		return undefined; // unknown: say both
	}
}

/** What to do now, printed once n8n is ready. */
function nextSteps({ url, credential, sandbox, firstRun, queue }) {
	// Label column, then text; continuation lines line up under the text.
	const row = (label, ...lines) => `  ${label.padEnd(12)}${lines.join(`\n${' '.repeat(14)}`)}`;
	const account = queue
		? [
				'Create the owner account (any name, email and password). In queue mode the database is',
				'temporary: every `AWAZ_N8N_MODE=queue npm start` is a first run.',
			]
		: firstRun === true
			? [
					'First run: the editor asks you to create the owner account (any name, email and',
					'password). It is kept in .n8n-local/user; sign in with it next time.',
				]
			: firstRun === false
				? ['Sign in with the owner account you created on the first run (kept in .n8n-local/user).']
				: ['Create the owner account (first run) or sign in with it (kept in .n8n-local/user).'];
	const awaz = sandbox
		? [
				`The Awaz sandbox, an in-memory stand-in for the Awaz API, on ${sandbox.url}`,
				`(API key "${SANDBOX_API_KEY}"). Nothing reaches the real Awaz; each request it gets`,
				'is printed below as one JSON line.',
			]
		: [
				'The REAL Awaz API (https://api.awaz.ai), with the key in AWAZ_API_KEY:',
				'scheduling a call places a real phone call.',
			];
	const schedule = sandbox
		? [
				'Choose Call → Schedule: Agent "Sales Assistant" and From Phone "+11111111111" (from the',
				'lists), Contact Name "Jane Doe", Phone Number "+14155550124"; then "Execute step". The last digit',
				'picks what happens (4-7 answer, 0 busy, 1 voicemail, 2 fails; kit/sandbox/README.md); Call → Get shows it.',
			]
		: [
				'Choose Call → Schedule: an agent and a phone from the lists, a contact and a number you',
				'may call; then "Execute step".',
			];
	const trigger = [
		'The "Awaz Trigger" subscribes its URL at Awaz when you click "Execute step" (listening for a test event) or',
		'publish the workflow.',
		...(sandbox
			? [
					'To fake a call event, POST one to the Test URL shown in the node:',
					`  curl -X POST -H 'content-type: application/json' \\`,
					`    -d '{"status":"completed","agent":"65ff9abe3fdcbe533d3be143"}' <Test URL>`,
				]
			: ['Awaz can only deliver events to a URL it can reach; this n8n listens on 127.0.0.1.']),
	];
	const step = (n, lines) => `   ${n}. ${lines.join(`\n${' '.repeat(6)}`)}`;
	return [
		'',
		'  n8n is running with n8n-nodes-awaz from this checkout (dist/).',
		'',
		row('Editor', `${url}/`),
		row('Account', ...account),
		...(queue
			? [
					row(
						'Queue mode',
						`main (editor) on ${url}, production webhooks on the webhook process ${queue.webhookUrl},`,
						`${queue.workers.length} workers (${queue.workers.map((w) => w.name).join(', ')}) run every execution. PostgreSQL :${queue.services.postgres.port}`,
						`and Redis :${queue.services.redis.port} on 127.0.0.1, data in ${queue.services.dir} (removed on Ctrl-C).`,
					),
				]
			: []),
		row('Awaz', ...awaz),
		row('Credential', `"${credential.name}" is set up already; Awaz nodes pick it.`),
		'',
		'  Try it:',
		step(1, ['Create a workflow and add the "Awaz" node (search for "Awaz").']),
		step(2, schedule),
		step(3, trigger),
		step(4, ['For an AI Agent, add "Awaz Tool" as one of its tools.']),
		'',
		'  Changed the code? `npm run build`, then Ctrl-C here and `npm start` again.',
		`  Ctrl-C stops n8n${sandbox ? ' and the sandbox' : ''}.`,
		'',
	].join('\n');
}

async function main() {
	const port = Number(process.env.N8N_PORT || 5678);
	await assertPortFree(port);
	const runtime = await provision();

	// AWAZ_N8N_MODE=queue: main + 2 workers + 1 webhook process on PostgreSQL and Redis (queue.mjs).
	const queue = process.env.AWAZ_N8N_MODE === 'queue';
	const userFolder = join(PROJECT_ROOT, '.n8n-local', queue ? 'queue' : 'user');
	await mkdir(userFolder, { recursive: true });
	const n8n = queue
		? await prepareQueueStack({ userFolder, port, runtime, log: say })
		: await prepareN8n({ userFolder, port, runtime });
	const editorUrl = n8n.editorUrl ?? n8n.url;

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
		credential = {
			id: LIVE_CREDENTIAL_ID,
			name: 'Awaz',
			type: 'awazApi',
			data: { apiKey: process.env.AWAZ_API_KEY, baseUrl: 'https://api.awaz.ai' },
		};
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
	console.log(
		nextSteps({
			url: editorUrl,
			credential,
			sandbox,
			firstRun: await needsOwnerSetup(editorUrl),
			queue: queue ? n8n : undefined,
		}),
	);
	// n8n dying on its own (crash, killed) should not leave the sandbox running.
	const { code, signal } = await n8n.whenExited();
	if (!stopping) {
		console.error(
			`n8n exited unexpectedly (${signal ?? code}); last lines of ${n8n.logFile}:\n${await n8n.tail(40)}`,
		);
		await stopAll(1);
	}
}

main().catch((error) => {
	console.error(error.message);
	process.exit(1);
});
