'use strict';
/**
 * n8n's engine in-process: n8n-core's WorkflowExecute running workflows made of the built package's
 * nodes (and any other node types given), the way n8n does, minus the database and the UI. n8n's
 * NodeTestHarness is not published, so this is the small part of it we need: load the package as
 * n8n loads an installed community package, hand out credentials with their real `authenticate`,
 * execute, and hand back the output.
 *
 * Plain CommonJS that takes the n8n-core and n8n-workflow modules to run on, so that one copy
 * serves the jest tests (the project's own n8n-core, through index.ts) and the bench (a provisioned
 * n8n install's, on that install's Node: bench/install.cjs).
 */
const path = require('node:path');

const { credentialsHelper } = require('./credentials');

const PACKAGE_DIR = path.resolve(__dirname, '../..');
const PACKAGE_NAME = /** @type {const} */ ('n8n-nodes-awaz');
const AWAZ_NODE = /** @type {const} */ (`${PACKAGE_NAME}.awaz`);
const AWAZ_TRIGGER_NODE = /** @type {const} */ (`${PACKAGE_NAME}.awazTrigger`);

/**
 * @typedef {import('n8n-workflow').ICredentialDataDecryptedObject} ICredentialDataDecryptedObject
 * @typedef {import('n8n-workflow').ICredentialType} ICredentialType
 * @typedef {import('n8n-workflow').IDataObject} IDataObject
 * @typedef {import('n8n-workflow').INode} INode
 * @typedef {Record<string, ICredentialDataDecryptedObject>} CredentialData
 *
 * @typedef {object} EngineEnvironment
 * @property {import('n8n-core').PackageDirectoryLoader} loader
 * @property {import('n8n-workflow').INodeTypes} nodeTypes
 * @property {Record<string, ICredentialType>} credentialTypes
 * @property {CredentialData} credentials decrypted credential data per credential type
 *
 * @typedef {object} EnvironmentOptions
 * @property {CredentialData} [credentials]
 * @property {Record<string, import('n8n-workflow').INodeType | import('n8n-workflow').IVersionedNodeType>} [nodeTypes]
 *   node types from elsewhere, by full name (e.g. 'n8n-nodes-base.httpRequest')
 * @property {Record<string, ICredentialType>} [credentialTypes]
 *
 * @typedef {object} WorkflowRun
 * @property {INode[]} nodes
 * @property {IDataObject[]} [items]
 * @property {CredentialData} [credentials]
 * @property {import('n8n-workflow').WorkflowExecuteMode} [mode]
 * @property {AbortSignal} [signal] aborting it stops the execution, as the editor's Stop button does
 *
 * @typedef {object} WorkflowResult
 * @property {import('n8n-workflow').IRun} run
 * @property {import('n8n-workflow').INodeExecutionData[]} output
 *   the last node's items on its first output, or [] when it produced none
 * @property {{ message: string, description?: string | null, context?: IDataObject,
 *   httpCode?: string | null }} [error] the error that stopped the workflow, if any
 *
 * @typedef {object} InProcessN8n
 * @property {() => Promise<import('n8n-core').PackageDirectoryLoader>} loadPackage
 * @property {(options?: EnvironmentOptions) => Promise<EngineEnvironment>} environment
 * @property {(env: EngineEnvironment, hooks: import('n8n-core').ExecutionLifecycleHooks,
 *   credentials?: CredentialData) => import('n8n-workflow').IWorkflowExecuteAdditionalData} additionalData
 * @property {(env: EngineEnvironment, workflow: { id: string, nodes: INode[], active?: boolean })
 *   => import('n8n-workflow').Workflow} newWorkflow
 * @property {(env: EngineEnvironment, run: WorkflowRun) => Promise<WorkflowResult>} runWorkflow
 */
/** Where the engine's n8n pretends to listen: the base of the webhook URLs nodes see. */
const BASE_URL = 'http://127.0.0.1:5678';
/** Workflows run in a zone with an offset, so that a node that ignores the workflow's timezone shows. */
const TIMEZONE = 'Europe/Berlin';

/** Connections that feed each node's main output into the next node. */
function chained(nodes) {
	const connections = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return connections;
}

/**
 * The engine over the given modules.
 * @param {{ core: typeof import('n8n-core'), workflow: typeof import('n8n-workflow') }} modules
 * @returns {InProcessN8n}
 */
function inProcessN8n({ core, workflow: workflowLib }) {
	let loaderPromise;
	let executionCounter = 0;

	/** The built package, loaded once, as n8n loads an installed community package. */
	async function loadPackage() {
		loaderPromise ??= (async () => {
			const loader = new core.PackageDirectoryLoader(PACKAGE_DIR);
			await loader.loadAll();
			return loader;
		})();
		return await loaderPromise;
	}

	function nodeTypesOf(loader, otherNodeTypes) {
		const byName = (type) => {
			if (otherNodeTypes[type]) return otherNodeTypes[type];
			const shortName = type.startsWith(`${PACKAGE_NAME}.`)
				? type.slice(PACKAGE_NAME.length + 1)
				: type;
			const loaded = loader.nodeTypes[shortName];
			if (!loaded) throw new Error(`Unknown node type ${type}`);
			return loaded.type;
		};
		return {
			getByName: byName,
			getByNameAndVersion: (type, version) => {
				const nodeType = byName(type);
				return 'nodeVersions' in nodeType ? nodeType.getNodeType(version) : nodeType;
			},
			getKnownTypes: () => ({}),
		};
	}

	/**
	 * Everything executions share: the package's node and credential types, plus `nodeTypes` and
	 * `credentialTypes` from elsewhere (by full name), and the credential data per type.
	 */
	async function environment({ credentials = {}, nodeTypes = {}, credentialTypes = {} } = {}) {
		const loader = await loadPackage();
		const ownCredentialTypes = Object.fromEntries(
			Object.entries(loader.credentialTypes).map(([name, loaded]) => [name, loaded.type]),
		);
		return {
			loader,
			nodeTypes: nodeTypesOf(loader, nodeTypes),
			credentialTypes: { ...ownCredentialTypes, ...credentialTypes },
			credentials,
		};
	}

	/** What n8n hands an execution besides the workflow; `credentials` replaces the environment's. */
	function additionalData(env, hooks, credentials = env.credentials) {
		return {
			hooks,
			credentialsHelper: credentialsHelper(workflowLib, env.credentialTypes, credentials),
			executeWorkflow: async () => {
				throw new Error('not used');
			},
			restApiUrl: `${BASE_URL}/rest`,
			instanceBaseUrl: `${BASE_URL}/`,
			formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
			webhookBaseUrl: `${BASE_URL}/webhook`,
			webhookWaitingBaseUrl: `${BASE_URL}/webhook-waiting`,
			webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
			currentNodeParameters: undefined,
			executionTimeoutTimestamp: undefined,
			userId: 'in-process-user',
			variables: {},
			logAiEvent: () => {},
			getRunExecutionData: async () => undefined,
		};
	}

	/** A workflow of `nodes`, each connected to the one before. */
	function newWorkflow(env, { id, nodes, active = false }) {
		return new workflowLib.Workflow({
			id,
			name: id,
			nodes,
			connections: chained(nodes),
			nodeTypes: env.nodeTypes,
			active,
			settings: { timezone: TIMEZONE },
		});
	}

	/**
	 * Runs one execution: `nodes[0]` gets `items` as its input, each further node is connected to
	 * the one before. Resolves with the last node's items on its first output ([] when none) and the
	 * error that stopped the workflow, if any. Aborting `signal` stops the execution as the editor's
	 * Stop button does.
	 */
	async function runWorkflow(env, { nodes, items = [{}], credentials, mode = 'manual', signal }) {
		const id = `execution-${++executionCounter}`;
		const workflow = newWorkflow(env, { id: `workflow-${id}`, nodes });
		const hooks = new core.ExecutionLifecycleHooks(mode, id, {
			id: workflow.id,
			name: workflow.name,
			nodes,
			connections: chained(nodes),
			active: false,
			settings: {},
			isArchived: false,
			createdAt: new Date(),
			updatedAt: new Date(),
		});
		const finished = new Promise((resolve) =>
			hooks.addHandler('workflowExecuteAfter', (run) => resolve(run)),
		);
		const runExecutionData = workflowLib.createRunExecutionData({
			executionData: {
				nodeExecutionStack: [
					{
						node: workflow.getNode(nodes[0].name),
						data: { main: [items.map((json) => ({ json }))] },
						source: null,
					},
				],
			},
		});
		const execute = new core.WorkflowExecute(
			additionalData(env, hooks, credentials),
			mode,
			runExecutionData,
		);
		const execution = execute.processRunExecutionData(workflow);
		signal?.addEventListener('abort', () => execution.cancel(), { once: true });
		await execution;
		const run = await finished;
		const nodeRuns = run.data.resultData.runData[nodes[nodes.length - 1].name] ?? [];
		const output = nodeRuns[nodeRuns.length - 1]?.data?.main?.[0] ?? [];
		return { run, output, error: run.data.resultData.error };
	}

	return { loadPackage, environment, additionalData, newWorkflow, runWorkflow };
}

module.exports = {
	inProcessN8n,
	PACKAGE_DIR,
	PACKAGE_NAME,
	AWAZ_NODE,
	AWAZ_TRIGGER_NODE,
	BASE_URL,
};
