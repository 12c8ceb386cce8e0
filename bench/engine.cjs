'use strict';
/**
 * The bench's in-process n8n: n8n-core's WorkflowExecute running workflows made of our built
 * package's nodes and n8n-nodes-base's HTTP Request (and Split Out) node, all on ONE engine: the
 * n8n-core / n8n-workflow of the provisioned n8n install (the copies a real n8n 2.41.1 uses).
 *
 * Our package's `require('n8n-workflow')` is redirected to the install's copy, as in a real n8n
 * (where the package sits under ~/.n8n/nodes and has no n8n-workflow of its own). Must run on the
 * install's Node 24 (n8n-nodes-base needs it).
 *
 * Same ideas as test/runner/index.ts (which stays on the project's own n8n-core for jest), plus:
 * several credential types (awazApi, httpHeaderAuth), multi-node workflows, several executions at
 * once.
 */
const Module = require('node:module');
const path = require('node:path');

/**
 * The package to load: the project itself, or (BENCH_PACKAGE_DIR) a patched copy of its build that
 * `node bench/run.mjs --what-if` makes to measure a proposed change without touching nodes/.
 */
const PACKAGE_DIR = process.env.BENCH_PACKAGE_DIR || path.resolve(__dirname, '..');
const PROJECT_DIR = path.resolve(__dirname, '..');
const PACKAGE_NAME = 'n8n-nodes-awaz';

/** @param {string} n8nDir the provisioned install's n8n folder (with node_modules) */
function loadEngine(n8nDir) {
	const resolveFromN8n = (request) => require.resolve(request, { paths: [n8nDir] });
	const redirected = /^(n8n-workflow|n8n-core)(\/|$)/;
	const ownDist = path.join(PACKAGE_DIR, 'dist') + path.sep;
	const originalResolve = Module._resolveFilename;
	Module._resolveFilename = function (request, parent, ...rest) {
		if (redirected.test(request) && parent?.filename?.startsWith(ownDist)) return resolveFromN8n(request);
		return originalResolve.call(this, request, parent, ...rest);
	};

	const core = require(resolveFromN8n('n8n-core'));
	const workflowLib = require(resolveFromN8n('n8n-workflow'));
	const nodesBase = path.dirname(resolveFromN8n('n8n-nodes-base/package.json'));
	const { HttpRequest } = require(path.join(nodesBase, 'dist/nodes/HttpRequest/HttpRequest.node.js'));
	const { SplitOut } = require(path.join(nodesBase, 'dist/nodes/Transform/SplitOut/SplitOut.node.js'));
	const { HttpHeaderAuth } = require(path.join(nodesBase, 'dist/credentials/HttpHeaderAuth.credentials.js'));
	const versions = {
		n8nCore: require(resolveFromN8n('n8n-core/package.json')).version,
		n8nWorkflow: require(resolveFromN8n('n8n-workflow/package.json')).version,
		n8nNodesBase: require(path.join(nodesBase, 'package.json')).version,
	};
	return { core, workflowLib, HttpRequest, SplitOut, HttpHeaderAuth, versions };
}

/**
 * Builds the node types and credential types both sides use.
 * @param {ReturnType<typeof loadEngine>} engine
 */
async function environment(engine) {
	const { core, workflowLib } = engine;
	const loader = new core.PackageDirectoryLoader(PACKAGE_DIR);
	await loader.loadAll();
	// One engine: a NodeApiError from our package must be the install's class too (WorkflowExecute
	// and the error mapping check instanceof). The project's own copy must never have been loaded.
	const projectCopy = path.join(PROJECT_DIR, 'node_modules', 'n8n-workflow') + path.sep;
	if (Object.keys(require.cache).some((file) => file.startsWith(projectCopy))) {
		throw new Error('our package loaded the project\'s n8n-workflow instead of the engine\'s');
	}
	const foreign = {
		'n8n-nodes-base.httpRequest': new engine.HttpRequest(),
		'n8n-nodes-base.splitOut': new engine.SplitOut(),
	};
	const byName = (type) => {
		if (foreign[type]) return foreign[type];
		const short = type.startsWith(`${PACKAGE_NAME}.`) ? type.slice(PACKAGE_NAME.length + 1) : type;
		const loaded = loader.nodeTypes[short];
		if (!loaded) throw new Error(`Unknown node type ${type}`);
		return loaded.type;
	};
	const nodeTypes = {
		getByName: byName,
		getByNameAndVersion: (type, version) => {
			const nodeType = byName(type);
			return 'nodeVersions' in nodeType ? nodeType.getNodeType(version) : nodeType;
		},
		getKnownTypes: () => ({}),
	};
	const credentialTypes = { awazApi: loader.credentialTypes.awazApi.type, httpHeaderAuth: new engine.HttpHeaderAuth() };
	return { engine, loader, nodeTypes, credentialTypes };
}

/**
 * An ICredentialsHelper over fixed data per credential type, applying each type's generic
 * `authenticate` block with n8n's expression engine as n8n's CredentialsHelper does.
 */
function credentialsHelper(env, data) {
	const { workflowLib } = env.engine;
	class BenchCredentialsHelper extends workflowLib.ICredentialsHelper {
		getParentTypes() {
			return [];
		}
		async authenticate(credentials, typeName, requestOptions, workflow, node) {
			const { authenticate } = env.credentialTypes[typeName] ?? {};
			if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
			if (!authenticate || authenticate.type !== 'generic') return requestOptions;
			const resolve = (value) =>
				typeof value === 'string' && value.startsWith('=')
					? workflow.expression.getParameterValue(value, null, 0, 0, node.name, [], 'internal', {
							$credentials: credentials,
						})
					: value;
			const options = { ...requestOptions };
			for (const [target, entries] of Object.entries(authenticate.properties)) {
				options[target] = { ...(options[target] ?? {}) };
				for (const [key, value] of Object.entries(entries)) options[target][resolve(key)] = resolve(value);
			}
			return options;
		}
		async preAuthentication() {
			return undefined;
		}
		async runPreAuthentication() {
			return undefined;
		}
		getCredentialsProperties(type) {
			return env.credentialTypes[type].properties;
		}
		async getDecrypted(_additionalData, _nodeCredentials, type) {
			if (!data[type]) throw new Error(`No bench credentials of type ${type}`);
			return { ...data[type] };
		}
		async getCredentials() {
			throw new Error('not used');
		}
		async updateCredentials() {}
		async updateCredentialsOauthTokenData() {}
		getOAuth2Options() {
			return undefined;
		}
		isCredentialUsableByNode() {
			return true;
		}
	}
	return new BenchCredentialsHelper();
}

function additionalDataFor(env, hooks, credentials) {
	return {
		hooks,
		credentialsHelper: credentialsHelper(env, credentials),
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'bench-user',
		variables: {},
		logAiEvent: () => {},
		getRunExecutionData: async () => undefined,
	};
}

let executionCounter = 0;

/**
 * Runs one workflow as a manual execution: `nodes[0]` gets `items` as input, each further node is
 * connected to the one before. Resolves with the last node's output and the error, if any.
 * @param {{ nodes: object[], items: object[], credentials: Record<string, object>, mode?: string }} spec
 */
async function runWorkflow(env, { nodes, items, credentials, mode = 'manual' }) {
	const { core, workflowLib } = env.engine;
	const id = `bench-${++executionCounter}`;
	const connections = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	const workflow = new workflowLib.Workflow({
		id: `wf-${id}`,
		name: id,
		nodes,
		connections,
		nodeTypes: env.nodeTypes,
		active: false,
		settings: { timezone: 'UTC' },
	});
	const hooks = new core.ExecutionLifecycleHooks(mode, id, {
		id: `wf-${id}`,
		name: id,
		nodes,
		connections,
		active: false,
		settings: {},
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	});
	const finished = new Promise((resolve) => hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)));
	const runExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [
				{ node: workflow.getNode(nodes[0].name), data: { main: [items.map((json) => ({ json }))] }, source: null },
			],
		},
	};
	const execute = new core.WorkflowExecute(additionalDataFor(env, hooks, credentials), mode, runExecutionData);
	await execute.processRunExecutionData(workflow);
	const run = await finished;
	const last = nodes[nodes.length - 1].name;
	const nodeRuns = run.data.resultData.runData[last] ?? [];
	const output = nodeRuns[nodeRuns.length - 1]?.data?.main?.[0] ?? [];
	const error = run.data.resultData.error;
	return { run, output, error: error ? { message: error.message, httpCode: error.httpCode } : undefined };
}

module.exports = { loadEngine, environment, runWorkflow, PACKAGE_DIR, PACKAGE_NAME };
