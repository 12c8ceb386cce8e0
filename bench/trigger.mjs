// Benchmark (throughput): the Awaz Trigger against n8n's own Webhook node, in one real
// n8n (the provisioned runtime, scripts/n8n/provision.mjs), fresh user folder under .n8n-local/.
//
//   npm run build && node bench/trigger.mjs [--events=200] [--concurrency=20] [--timeout=900] [--keep]
//     [--verify-only | --no-verify]
//
// Per round: a burst of N call events POSTed with C in flight (Node's fetch, 127.0.0.1) to one
// active workflow's production webhook; measured: every answer 2xx, response latency p50/p95, and
// the time from the first send until n8n has recorded all N executions (polled through the REST
// API), then each execution's trigger item is read back to check every event's marker appears
// exactly once. Rounds alternate Webhook, Awaz, Webhook, Awaz (each on its own, fresh workflow),
// after one unmeasured warm-up burst per kind. Then (unless --no-verify; alone with --verify-only)
// one round with Verify With Awaz on against the sandbox at Awaz's documented limit (100 requests
// a minute): every event's call exists in the sandbox, so each costs one GET; measured as above,
// plus the requests the sandbox received during the round, by status. Progress to stderr, the
// markdown report to stdout.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT, prepareN8n } from '../scripts/n8n/instance.mjs';
import { provision } from '../scripts/n8n/provision.mjs';
import { sandboxCredential, startAwazSandbox } from '../scripts/n8n/sandbox.mjs';
import { args, commandLine } from './common.mjs';

const { AGENT_ID, PHONE_ID } = createRequire(import.meta.url)('../kit/fixtures');

const EVENTS = Number(args.events ?? 200);
const CONCURRENCY = Number(args.concurrency ?? 20);
const TIMEOUT_S = Number(args.timeout ?? 900);
const WARMUP_EVENTS = 20;
const RECORD_WAIT_MS = 120_000; // bound on "all executions recorded"
const REQUEST_TIMEOUT_MS = 30_000;
/** Awaz's documented rate limit, which the verify round runs at. */
const AWAZ_LIMIT = { limit: 100, windowMs: 60_000 };
/** The verify round: a delivery may wait for the next rate-limit window, so longer bounds. */
const VERIFY_REQUEST_TIMEOUT_MS = 150_000;
const VERIFY_RECORD_WAIT_MS = 300_000;
/**
 * The trigger answers 503 (Retry-After: 60) when no request is free within the 20 s a webhook may
 * wait: the verify round's sender then sends that event again, as Awaz would if it redelivers.
 */
const VERIFY_REDELIVERIES = 3;
const CREDENTIAL = { id: 'awazSandboxCred1', name: 'Awaz sandbox' };

const log = (...m) => console.error('[bench:trigger]', ...m);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- workflows

const uuid = (n) => `b4e00000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const noOp = (n) => ({
	parameters: {},
	id: uuid(1000 + n),
	name: 'No Operation',
	type: 'n8n-nodes-base.noOp',
	typeVersion: 1,
	position: [220, 0],
});
const workflow = (id, name, trigger, n) => ({
	id,
	name,
	nodes: [trigger, noOp(n)],
	connections: { [trigger.name]: { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
	pinData: {},
	active: false,
});

/**
 * kind 'webhook': n8n's Webhook node (POST, respond immediately); 'awaz': the Awaz Trigger;
 * 'webhookCred' (--control): the Webhook node with the Awaz credential attached, which it does not
 * use, so that n8n's per-execution credential checks run as for the Awaz Trigger; 'awazVerify':
 * the Awaz Trigger with Options → Verify With Awaz.
 */
function makeWorkflow(kind, i) {
	const n = { webhook: 0, awaz: 100, webhookCred: 200, awazVerify: 300 }[kind] + i; // node/webhook ids unique per workflow
	const id =
		`benchTrig${{ awaz: 'Awaz', webhook: 'Hook', webhookCred: 'Cred', awazVerify: 'Vrfy' }[kind]}${String(n).padStart(3, '0')}`.slice(
			0,
			16,
		); // 16 chars
	if (kind === 'webhook' || kind === 'webhookCred') {
		const path = `bench-trigger-${kind}-${i}`;
		const trigger = {
			parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
			id: uuid(n),
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2.1,
			position: [0, 0],
			webhookId: uuid(2000 + n),
			...(kind === 'webhookCred' ? { credentials: { awazApi: CREDENTIAL } } : {}),
		};
		return {
			kind,
			id,
			path,
			triggerName: 'Webhook',
			json: workflow(id, `bench: Webhook → No Operation (${n})`, trigger, n),
			markerOf: (item) => item.body?.marker,
		};
	}
	const webhookId = uuid(3000 + n);
	const trigger = {
		parameters: {
			statuses: ['completed', 'voicemail'],
			agentIds: [AGENT_ID],
			...(kind === 'awazVerify' ? { options: { verifyEvents: true } } : {}),
		},
		id: uuid(n),
		name: 'Awaz Trigger',
		type: 'n8n-nodes-awaz.awazTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		credentials: { awazApi: CREDENTIAL },
	};
	return {
		kind,
		id,
		path: `${webhookId}/webhook`,
		triggerName: 'Awaz Trigger',
		json: workflow(id, `bench: Awaz Trigger → No Operation (${n})`, trigger, n),
		markerOf: (item) => item.marker,
	};
}

/** A call event as in test/e2e/trigger.e2e.js, matching the trigger's statuses and agent, with a unique marker. */
const event = (marker, i) => ({
	id: `6700000000000000${String(i).padStart(8, '0')}`,
	marker,
	status: i % 2 ? 'voicemail' : 'completed',
	agent: AGENT_ID,
	from: PHONE_ID,
	contact: { name: 'Zoë Ñúñez', phone: '+34911222333', email: null },
	datetime: '2024-12-20T09:00:00.000Z',
	duration: 73.5,
	extracted_variables: {
		interested: true,
		callback: null,
		notes: ['asked for pricing', 'wants a demo'],
	},
});

// ---------------------------------------------------------------- measuring

const pct = (sorted, p) =>
	sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** CPU time (ms) of a process (user + system), from /proc; undefined where there is none. */
function cpuMs(pid) {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in ticks (USER_HZ 100)
	} catch {
		return undefined;
	}
}

/**
 * POSTs every body to url, `concurrency` in flight; per-body status and latency of its last send.
 * With `redeliveries`, a body answered 503 is sent again after the answer's Retry-After (as a
 * sender that redelivers would), at most that many times; `redelivered` counts its resends.
 */
async function burst(
	url,
	bodies,
	concurrency,
	{ timeoutMs = REQUEST_TIMEOUT_MS, redeliveries = 0 } = {},
) {
	const results = new Array(bodies.length);
	const queue = bodies.map((_, i) => ({ i, notBefore: 0, resends: 0 }));
	let open = bodies.length;
	async function send(i) {
		const start = performance.now();
		try {
			const res = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(bodies[i]),
				signal: AbortSignal.timeout(timeoutMs),
			});
			await res.arrayBuffer();
			const retryAfterS = Number(res.headers.get('retry-after'));
			return { status: res.status, ms: performance.now() - start, retryAfterS };
		} catch (error) {
			return { status: 0, error: error.message, ms: performance.now() - start };
		}
	}
	async function worker() {
		while (open > 0) {
			const job = queue.shift();
			if (!job) {
				await sleep(100);
				continue;
			}
			await sleep(Math.max(0, job.notBefore - Date.now()));
			const { retryAfterS, ...result } = await send(job.i);
			if (result.status === 503 && job.resends < redeliveries) {
				const pauseMs = (Number.isFinite(retryAfterS) && retryAfterS > 0 ? retryAfterS : 60) * 1000;
				queue.push({ i: job.i, notBefore: Date.now() + pauseMs, resends: job.resends + 1 });
				continue;
			}
			results[job.i] = { ...result, redelivered: job.resends };
			open--;
		}
	}
	await Promise.all(Array.from({ length: concurrency }, worker));
	return results;
}

/** Executions of a workflow: count (the API's) and, with `all`, every summary (cursor pages of 100). */
async function executions(n8n, workflowId, { all = false } = {}) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	let page = await n8n.rest('GET', `/executions?filter=${filter}&limit=100`);
	const count = page.count;
	if (!all) return { count };
	const list = [...page.results];
	while (page.nextCursor) {
		page = await n8n.rest(
			'GET',
			`/executions?filter=${filter}&limit=100&cursor=${encodeURIComponent(page.nextCursor)}`,
		);
		list.push(...page.results);
	}
	return { count, list };
}

const FINISHED = (s) => !['new', 'running', 'waiting'].includes(s);

async function runRound(
	n8n,
	wf,
	label,
	n,
	{
		bodies: given,
		timeoutMs = REQUEST_TIMEOUT_MS,
		recordWaitMs = RECORD_WAIT_MS,
		redeliveries = 0,
	} = {},
) {
	const url = `${n8n.url}/webhook/${wf.path}`;
	const markers = Array.from({ length: n }, (_, i) => `${label}-${i}`);
	const bodies = given ?? markers.map((m, i) => event(m, i));
	const cpu0 = cpuMs(n8n.pid);
	const t0 = Date.now();
	const p0 = performance.now();
	const answers = await burst(url, bodies, CONCURRENCY, { timeoutMs, redeliveries });
	const sendMs = performance.now() - p0;
	// Poll until n8n has recorded n finished executions (bounded).
	let recordedMs;
	let seen = 0;
	const deadline = Date.now() + recordWaitMs;
	while (Date.now() < deadline) {
		const { count } = await executions(n8n, wf.id);
		seen = count;
		if (count >= n) {
			const { list } = await executions(n8n, wf.id, { all: true });
			if (list.length >= n && list.every((e) => FINISHED(e.status))) {
				recordedMs = performance.now() - p0;
				break;
			}
		}
		await sleep(100);
	}
	const cpu1 = cpuMs(n8n.pid);
	const { list } = await executions(n8n, wf.id, { all: true });
	const lastStop = Math.max(...list.map((e) => Date.parse(e.stoppedAt ?? e.startedAt ?? 0)));
	// Each execution's trigger item: which marker it carries (10 reads in flight).
	const found = new Map();
	const unreadable = [];
	let idx = 0;
	await Promise.all(
		Array.from({ length: 10 }, async () => {
			while (idx < list.length) {
				const summary = list[idx++];
				try {
					const execution = await n8n.getExecution(summary.id);
					const items =
						execution.data.resultData.runData[wf.triggerName]?.[0]?.data?.main?.[0] ?? [];
					for (const { json } of items) {
						const marker = wf.markerOf(json);
						found.set(marker, (found.get(marker) ?? 0) + 1);
					}
					if (items.length !== 1) unreadable.push(`${summary.id}: ${items.length} items`);
				} catch (error) {
					unreadable.push(`${summary.id}: ${error.message}`);
				}
			}
		}),
	);
	const missing = markers.filter((m) => !found.has(m)).length;
	const doubled = markers.filter((m) => (found.get(m) ?? 0) > 1).length;
	const foreign = [...found.keys()].filter((m) => !markers.includes(m)).length;
	const lat = answers.map((a) => a.ms).sort((a, b) => a - b);
	const ok = answers.filter((a) => a.status >= 200 && a.status < 300).length;
	const statuses = [...new Set(answers.map((a) => a.status))].join(',');
	const failed = list.filter((e) => e.status !== 'success').length;
	return {
		label,
		kind: wf.kind,
		workflowId: wf.id,
		n,
		ok,
		statuses,
		errors: [...new Set(answers.filter((a) => a.error).map((a) => a.error))].slice(0, 3),
		sendMs,
		recordedMs, // undefined: not all recorded within the bound
		seen,
		lastStopMs: lastStop - t0,
		p50: pct(lat, 50),
		p95: pct(lat, 95),
		max: lat[lat.length - 1],
		executions: list.length,
		redelivered: answers.reduce((sum, answer) => sum + answer.redelivered, 0),
		notSuccess: failed,
		missing,
		doubled,
		foreign,
		unreadable,
		cpuMsPerExecution: cpu0 !== undefined && cpu1 !== undefined ? (cpu1 - cpu0) / n : undefined,
	};
}

/**
 * The Verify With Awaz round: the sandbox holds every event's call (by the trigger's agent, at the
 * event's status, carrying the event's marker), runs at Awaz's documented limit, and counts the
 * requests the round cost.
 */
async function runVerifyRound(n8n, sandbox, wf) {
	const label = 'verify';
	const bodies = Array.from({ length: EVENTS }, (_, i) => event(`${label}-${i}`, i));
	for (const body of bodies) sandbox.state.calls.push(structuredClone(body));
	sandbox.setRateLimit(AWAZ_LIMIT);
	sandbox.clearLog();
	const startedInWindowS = (Date.now() % AWAZ_LIMIT.windowMs) / 1000;
	log(
		`round ${label}: ${EVENTS} events, ${CONCURRENCY} in flight, ${AWAZ_LIMIT.limit} requests a minute`,
	);
	const result = await runRound(n8n, wf, label, EVENTS, {
		bodies,
		timeoutMs: VERIFY_REQUEST_TIMEOUT_MS,
		recordWaitMs: VERIFY_RECORD_WAIT_MS,
		redeliveries: VERIFY_REDELIVERIES,
	});
	const calls = sandbox.requests.filter(
		({ method, path }) => method === 'GET' && path.startsWith('/v1/calls/'),
	);
	const requestsByStatus = {};
	for (const { status } of calls) requestsByStatus[status] = (requestsByStatus[status] ?? 0) + 1;
	sandbox.setRateLimit({ limit: 100_000 });
	log(
		`  ${result.ok}/${result.n} 2xx, recorded ${s(result.recordedMs)}, missing ${result.missing}, doubled ${result.doubled}, ${sandbox.requests.length} requests (${JSON.stringify(requestsByStatus)})`,
	);
	return {
		...result,
		label,
		requests: sandbox.requests.length,
		calls: calls.length,
		requestsByStatus,
		startedInWindowS,
	};
}

// ---------------------------------------------------------------- report

const s = (ms) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
const msf = (ms) => (ms === undefined ? '—' : `${Math.round(ms)} ms`);
const mean = (xs) =>
	xs.some((x) => x === undefined) ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length;
const NAMES = {
	webhook: 'n8n Webhook node (POST, respond immediately) → No Operation',
	awaz: 'Awaz Trigger → No Operation',
	webhookCred: 'control: Webhook node + unused Awaz credential → No Operation',
	awazVerify: 'Awaz Trigger with Verify With Awaz → No Operation',
};

function report(rounds, verify, facts) {
	const lines = [];
	if (rounds.length > 0) lines.push(...comparison(rounds), '');
	if (verify) lines.push(...verifyReport(verify), '');
	lines.push(
		`Command: \`${facts.command}\``,
		'',
		`Machine: ${facts.nproc} CPUs (${facts.cpu}), ${facts.memGb} GB RAM, ${facts.os}; script on Node ${process.version}, n8n ${facts.n8nVersion} on Node ${facts.runtimeNode}. Started ${facts.started}, took ${facts.tookS} s.`,
	);
	return lines.join('\n');
}

/** The verify round: what it cost in requests, besides what every round measures. */
function verifyReport(r) {
	const byStatus = Object.entries(r.requestsByStatus)
		.map(([status, count]) => `${count} × ${status}`)
		.join(', ');
	return [
		`## Verify With Awaz: ${r.n} events, ${CONCURRENCY} in flight, sandbox at ${AWAZ_LIMIT.limit} requests / ${AWAZ_LIMIT.windowMs / 1000} s`,
		'',
		'| Workflow | 2xx | Sent again after 503 | All recorded | Sending done | p50 | p95 | max | Executions | missing / doubled | Requests to Awaz | GET /v1/calls/{id} by status |',
		'|---|---|---|---|---|---|---|---|---|---|---|---|',
		`| ${NAMES[r.kind]} | ${r.ok}/${r.n}${r.ok < r.n ? ` (${r.statuses})` : ''} | ${r.redelivered} | ${r.recordedMs === undefined ? `not within ${VERIFY_RECORD_WAIT_MS / 1000} s (${r.seen})` : s(r.recordedMs)} | ${s(r.sendMs)} | ${msf(r.p50)} | ${msf(r.p95)} | ${msf(r.max)} | ${r.executions}${r.notSuccess ? ` (${r.notSuccess} not success)` : ''} | ${r.missing} / ${r.doubled} | ${r.requests} (${r.calls} GET of a call, ${r.requests - r.calls} other) | ${byStatus} |`,
		'',
		`Every event is for a call the sandbox holds (by the trigger's agent, at the event's status), so each costs exactly one GET; more GETs are 404 re-reads or 429s. A delivery answered 503 (no request free within the 20 s a webhook may wait) is sent again after its Retry-After, up to ${VERIFY_REDELIVERIES} times ("Sent again"); its latency is that of its last send. The rate-limit window is fixed and aligned to the minute, so ${r.n} reads need at least ${Math.ceil(r.n / AWAZ_LIMIT.limit)} window(s): the time depends on where in the minute the round started (${r.startedInWindowS.toFixed(1)} s into its window here).`,
	];
}

/** The Webhook node against the Awaz Trigger, round by round and on average. */
function comparison(rounds) {
	const lines = [];
	lines.push(`## Trigger throughput: ${EVENTS} events, ${CONCURRENCY} in flight, one n8n`, '');
	lines.push(
		'| Round | Workflow | 2xx | All recorded | Last execution stopped | Sending done | p50 | p95 | max | Executions | missing / doubled | n8n CPU / execution |',
	);
	lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
	for (const r of rounds) {
		lines.push(
			`| ${r.label} | ${NAMES[r.kind]} | ${r.ok}/${r.n}${r.ok < r.n ? ` (${r.statuses})` : ''} | ${r.recordedMs === undefined ? `not within ${RECORD_WAIT_MS / 1000} s (${r.seen})` : s(r.recordedMs)} | ${s(r.lastStopMs)} | ${s(r.sendMs)} | ${msf(r.p50)} | ${msf(r.p95)} | ${msf(r.max)} | ${r.executions}${r.notSuccess ? ` (${r.notSuccess} not success)` : ''} | ${r.missing} / ${r.doubled}${r.foreign ? ` (+${r.foreign} foreign)` : ''} | ${r.cpuMsPerExecution === undefined ? '—' : `${r.cpuMsPerExecution.toFixed(1)} ms`} |`,
		);
	}
	const agg = {};
	const kinds = [
		'webhook',
		'awaz',
		...(rounds.some((r) => r.kind === 'webhookCred') ? ['webhookCred'] : []),
	];
	for (const kind of kinds) {
		const rs = rounds.filter((r) => r.kind === kind);
		agg[kind] = Object.fromEntries(
			['recordedMs', 'p50', 'p95', 'cpuMsPerExecution'].map((k) => [k, mean(rs.map((r) => r[k]))]),
		);
	}
	const ratio = (k) =>
		agg.awaz[k] && agg.webhook[k] ? (agg.awaz[k] / agg.webhook[k]).toFixed(2) + '×' : '—';
	lines.push(
		'',
		'| Mean of the measured rounds | All recorded | p50 | p95 | n8n CPU / execution |',
		'|---|---|---|---|---|',
	);
	for (const kind of kinds) {
		const a = agg[kind];
		lines.push(
			`| ${NAMES[kind]} | ${s(a.recordedMs)} | ${msf(a.p50)} | ${msf(a.p95)} | ${a.cpuMsPerExecution === undefined ? '—' : `${a.cpuMsPerExecution.toFixed(1)} ms`} |`,
		);
	}
	lines.push(
		`| **Ratio Awaz Trigger / Webhook** (goal ≤ 1.1×) | **${ratio('recordedMs')}** | ${ratio('p50')} | ${ratio('p95')} | ${ratio('cpuMsPerExecution')} |`,
	);
	const allGood = rounds.every(
		(r) =>
			r.ok === r.n &&
			r.recordedMs !== undefined &&
			r.missing === 0 &&
			r.doubled === 0 &&
			r.notSuccess === 0,
	);
	const r = agg.awaz.recordedMs / agg.webhook.recordedMs;
	lines.push(
		'',
		`Goal (all ${EVENTS} answered 2xx and recorded exactly once, time until all recorded ≤ 1.1× the Webhook node's): **${allGood && r <= 1.1 ? 'met' : 'NOT met'}**${allGood ? '' : ' (some round lost, doubled or failed events, see above)'}.`,
		'',
		'"All recorded" = first send → the executions API lists all executions as finished (polled every ~100 ms). "Last execution stopped" = first send → the latest `stoppedAt` n8n stored. Latency = one POST until its answer was read. "n8n CPU / execution" = the n8n main process\'s user+system CPU over the round (sending, executing, and the polling of the executions API) ÷ events.',
	);
	return lines;
}

// ---------------------------------------------------------------- main

async function main() {
	const started = new Date();
	const runtime = await provision({ quiet: true });
	const userFolder = join(
		PROJECT_ROOT,
		'.n8n-local',
		`bench-trigger-${started.toISOString().replace(/[:.]/g, '-')}-${process.pid}`,
	);
	await mkdir(userFolder, { recursive: true });
	let n8n;
	let sandbox;
	let failed = false;
	const overall = setTimeout(() => {
		log(`overall timeout of ${TIMEOUT_S} s reached`);
		cleanup(true).finally(() => process.exit(2));
	}, TIMEOUT_S * 1000);
	let cleaned = false;
	async function cleanup(failure) {
		if (cleaned) return;
		cleaned = true;
		if (failure && n8n)
			console.error(`--- last lines of ${n8n.logFile} ---\n${await n8n.tail(80)}`);
		await n8n?.stop().catch(() => {});
		await sandbox?.close().catch(() => {});
		if (args.keep) log(`user folder kept: ${userFolder}`);
		else await rm(userFolder, { recursive: true, force: true });
	}
	for (const signal of ['SIGINT', 'SIGTERM'])
		process.once(signal, () => cleanup(true).finally(() => process.exit(130)));

	try {
		sandbox = await startAwazSandbox();
		sandbox.setRateLimit({ limit: 100_000 });
		n8n = await prepareN8n({ userFolder, runtime });
		// Warm-up (unmeasured) workflows 0, then measured rounds alternating Webhook / Awaz.
		const cycle = args['verify-only']
			? []
			: args.control
				? ['webhook', 'awaz', 'webhookCred']
				: ['webhook', 'awaz'];
		const label = { webhook: 'Webhook', awaz: 'Awaz', webhookCred: 'control' };
		const verifying = args['no-verify'] ? undefined : makeWorkflow('awazVerify', 1);
		const plan = cycle.map((kind) => ({
			label: `warm-up ${label[kind]}`,
			wf: makeWorkflow(kind, 0),
			n: WARMUP_EVENTS,
			measured: false,
		}));
		for (let i = 1; i <= 2 * cycle.length; i++) {
			const kind = cycle[(i - 1) % cycle.length];
			plan.push({
				label: `${i} ${label[kind]}`,
				wf: makeWorkflow(kind, i),
				n: EVENTS,
				measured: true,
			});
		}
		await n8n.importCredentials([sandboxCredential(sandbox)]);
		const workflows = [...plan.map(({ wf }) => wf), ...(verifying ? [verifying] : [])];
		for (const wf of workflows) await n8n.importWorkflow(wf.json);
		log(`starting n8n on ${n8n.url} (user folder ${userFolder})`);
		await n8n.start();
		for (const wf of workflows) {
			await n8n.activateWorkflow(wf.id);
			try {
				await n8n.waitForWebhook(wf.path, { timeoutMs: 30_000 });
			} catch (error) {
				error.message += `\nn8n's activation error for ${wf.id}: ${JSON.stringify(await n8n.activationError(wf.id))}`;
				throw error;
			}
		}
		// Activation subscribes at the sandbox; n8n may serve the URL before that request is done.
		const subDeadline = Date.now() + 30_000;
		const expectedHooks = workflows.filter((wf) => wf.kind.startsWith('awaz')).length;
		while (sandbox.state.hooks.length < expectedHooks && Date.now() < subDeadline) await sleep(100);
		const subscribed = sandbox.state.hooks.length;
		if (subscribed !== expectedHooks)
			throw new Error(
				`expected ${expectedHooks} Awaz subscriptions at the sandbox, found ${subscribed} after 30 s`,
			);
		log(`all workflows active; ${subscribed} Awaz subscriptions at the sandbox`);

		const rounds = [];
		for (const step of plan) {
			log(`round ${step.label}: ${step.n} events, ${CONCURRENCY} in flight`);
			const result = await runRound(n8n, step.wf, step.label.replace(/\s+/g, '_'), step.n);
			result.label = step.label;
			log(
				`  ${result.ok}/${result.n} 2xx, recorded ${s(result.recordedMs)}, p50 ${msf(result.p50)}, p95 ${msf(result.p95)}, missing ${result.missing}, doubled ${result.doubled}${result.unreadable.length ? `, unreadable: ${result.unreadable.slice(0, 3).join('; ')}` : ''}${result.errors.length ? `, errors: ${result.errors.join('; ')}` : ''}`,
			);
			if (step.measured) rounds.push(result);
			await sleep(1000); // let n8n settle (execution saving, GC) between rounds
		}

		const verify = verifying && (await runVerifyRound(n8n, sandbox, verifying));

		let runtimeNode = '?';
		try {
			runtimeNode = execFileSync(runtime.nodeBin, ['-v'], { encoding: 'utf8' }).trim();
		} catch {
			// reported as '?'
		}
		const facts = {
			command: commandLine('trigger.mjs'),
			nproc: os.availableParallelism?.() ?? os.cpus().length,
			cpu: os.cpus()[0]?.model ?? '?',
			memGb: (os.totalmem() / 2 ** 30).toFixed(1),
			os: `${os.type()} ${os.release()}`,
			n8nVersion: '2.41.1',
			runtimeNode,
			started: started.toISOString(),
			tookS: Math.round((Date.now() - started) / 1000),
		};
		console.log(report(rounds, verify, facts));
		failed = [...rounds, ...(verify ? [verify] : [])].some(
			(r) => r.ok < r.n || r.recordedMs === undefined || r.missing || r.doubled,
		);
	} catch (error) {
		failed = true;
		console.error(error);
	} finally {
		clearTimeout(overall);
		await cleanup(failed);
	}
	process.exitCode = failed ? 1 : 0;
}

await main();
