/**
 * Runs workflows through n8n's own engine (n8n-core's WorkflowExecute) with the built package,
 * the way n8n does, minus the database and the UI. n8n's NodeTestHarness is not published, so this
 * is the small part of it we need: load the package, apply the credential's real `authenticate`
 * block, execute, and hand back each node's output.
 */
import path from 'node:path';

import {
	ExecutionLifecycleHooks,
	HookContext,
	LoadOptionsContext,
	PackageDirectoryLoader,
	WebhookContext,
} from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
} from 'n8n-workflow';
import { ICredentialsHelper, Workflow } from 'n8n-workflow';
import { WorkflowExecute } from 'n8n-core';

export const PACKAGE_DIR = path.resolve(__dirname, '../..');
export const PACKAGE_NAME = 'n8n-nodes-awaz';
export const AWAZ_NODE = `${PACKAGE_NAME}.awaz`;
export const AWAZ_TRIGGER_NODE = `${PACKAGE_NAME}.awazTrigger`;
export const WEBHOOK_BASE_URL = 'http://127.0.0.1:5678';

export interface AwazCredentials {
	apiKey: string;
	baseUrl: string;
}

let loaderPromise: Promise<PackageDirectoryLoader> | undefined;

/** The built package, loaded once per test file as n8n loads an installed community package. */
export async function loadPackage(): Promise<PackageDirectoryLoader> {
	loaderPromise ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_DIR);
		await loader.loadAll();
		return loader;
	})();
	return await loaderPromise;
}

function nodeTypesOf(loader: PackageDirectoryLoader): INodeTypes {
	const byName = (type: string) => {
		const shortName = type.startsWith(`${PACKAGE_NAME}.`) ? type.slice(PACKAGE_NAME.length + 1) : type;
		const loaded = loader.nodeTypes[shortName];
		if (!loaded) throw new Error(`Unknown node type ${type}`);
		return loaded.type as INodeType | IVersionedNodeType;
	};
	return {
		getByName: byName,
		getByNameAndVersion: (type: string, version?: number) => {
			const nodeType = byName(type);
			return 'nodeVersions' in nodeType ? nodeType.getNodeType(version) : nodeType;
		},
		getKnownTypes: () => ({}),
	};
}

export function credentialTypeOf(loader: PackageDirectoryLoader, name: string): ICredentialType {
	const loaded = loader.credentialTypes[name];
	if (!loaded) throw new Error(`Unknown credential type ${name}`);
	return loaded.type;
}

/** Resolves `={{$credentials.x}}` with n8n's own expression engine, as n8n's CredentialsHelper does. */
function resolveWithCredentials(
	workflow: Workflow,
	node: INode,
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return workflow.expression.getParameterValue(value, null, 0, 0, node.name, [], 'internal', {
		$credentials: credentials,
	} as IDataObject);
}

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly loader: PackageDirectoryLoader,
		private readonly credentials: AwazCredentials,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = credentialTypeOf(this.loader, typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!authenticate || authenticate.type !== 'generic') return requestOptions;
		const options = { ...requestOptions } as unknown as Record<string, IDataObject>;
		for (const [target, entries] of Object.entries(authenticate.properties)) {
			options[target] = { ...(options[target] ?? {}) };
			for (const [key, value] of Object.entries(entries as IDataObject)) {
				options[target][key] = resolveWithCredentials(workflow, node, value, credentials) as string;
			}
		}
		return options as unknown as IHttpRequestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	getCredentialsProperties() {
		return credentialTypeOf(this.loader, 'awazApi').properties;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		if (type !== 'awazApi') throw new Error(`No test credentials of type ${type}`);
		return { ...this.credentials };
	}

	async getCredentials(): Promise<never> {
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

export interface Environment {
	loader: PackageDirectoryLoader;
	nodeTypes: INodeTypes;
	credentials: AwazCredentials;
}

export async function environment(credentials: AwazCredentials): Promise<Environment> {
	const loader = await loadPackage();
	return { loader, nodeTypes: nodeTypesOf(loader), credentials };
}

function additionalDataFor(env: Environment, hooks: ExecutionLifecycleHooks) {
	return {
		hooks,
		credentialsHelper: new TestCredentialsHelper(env.loader, env.credentials),
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		webhookBaseUrl: `${WEBHOOK_BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${WEBHOOK_BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${WEBHOOK_BASE_URL}/webhook-test`,
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		variables: {},
		logAiEvent: () => {},
		getRunExecutionData: async () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
}

export const CREDENTIAL_REF = { awazApi: { id: 'cred-1', name: 'Awaz test' } };

export interface NodeSettings {
	continueOnFail?: boolean;
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	alwaysOutputData?: boolean;
}

export function awazNode(
	parameters: IDataObject,
	settings: NodeSettings = {},
	name = 'Awaz',
): INode {
	const { continueOnFail, ...rest } = settings;
	return {
		id: `${name}-id`,
		name,
		type: AWAZ_NODE,
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INode['parameters'],
		credentials: CREDENTIAL_REF,
		...(continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		...rest,
	};
}

export interface RunResult {
	run: IRun;
	/** The node's items on its first output, or [] when it produced none. */
	output: INodeExecutionData[];
	/** The error that stopped the workflow, if any. */
	error?: { message: string; description?: string | null; context?: IDataObject; httpCode?: string | null };
}

/** Executes one Awaz node on the given input items, as the first node of a manual execution. */
export async function runNode(
	env: Environment,
	node: INode,
	items: IDataObject[] = [{}],
): Promise<RunResult> {
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'test',
		nodes: [node],
		connections: {},
		nodeTypes: env.nodeTypes,
		active: false,
		settings: { timezone: 'Europe/Berlin' },
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', {
		id: 'test-workflow',
		name: 'test',
		nodes: [node],
		connections: {},
		active: false,
		settings: {},
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	const finished = new Promise<IRun>((resolve) => {
		hooks.addHandler('workflowExecuteAfter', (run) => resolve(run));
	});
	const runExecutionData: IRunExecutionData = {
		startData: {},
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [
				{
					node: workflow.getNode(node.name)!,
					data: { main: [items.map((json) => ({ json }))] },
					source: null,
				},
			],
		},
	} as IRunExecutionData;
	const execute = new WorkflowExecute(additionalDataFor(env, hooks), 'manual', runExecutionData);
	await execute.processRunExecutionData(workflow);
	const run = await finished;
	const nodeRuns = run.data.resultData.runData[node.name] ?? [];
	const last = nodeRuns[nodeRuns.length - 1];
	const error = run.data.resultData.error as RunResult['error'] | undefined;
	return { run, output: last?.data?.main?.[0] ?? [], error };
}

/** A workflow holding one Awaz Trigger, for driving its lifecycle and webhook by hand. */
export function triggerWorkflow(env: Environment, parameters: IDataObject, name = 'Awaz Trigger') {
	const node: INode = {
		id: 'trigger-id',
		name,
		type: AWAZ_TRIGGER_NODE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
		parameters: parameters as INode['parameters'],
		credentials: CREDENTIAL_REF,
	};
	const workflow = new Workflow({
		id: 'trigger-workflow',
		name: 'trigger',
		nodes: [node],
		connections: {},
		nodeTypes: env.nodeTypes,
		active: true,
		settings: {},
	});
	const additionalData = additionalDataFor(env, new ExecutionLifecycleHooks('trigger', 'x', {} as never));
	return { workflow, node, additionalData };
}

export function hookContext(
	env: Environment,
	parameters: IDataObject,
	mode: 'trigger' | 'manual' = 'trigger',
	activation: WorkflowActivateMode = 'activate',
	webhookData?: IWebhookData,
) {
	const { workflow, node, additionalData } = triggerWorkflow(env, parameters);
	return new HookContext(workflow, node, additionalData, mode, activation, webhookData);
}

export { HookContext, LoadOptionsContext, WebhookContext };

/** A context like the one n8n gives a node's dropdowns (listSearch / loadOptions). */
export function loadOptionsContext(env: Environment, parameters: IDataObject = {}) {
	const node = awazNode(parameters);
	const workflow = new Workflow({
		id: 'options-workflow',
		nodes: [node],
		connections: {},
		nodeTypes: env.nodeTypes,
		active: false,
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'x', {} as never);
	return new LoadOptionsContext(workflow, node, additionalDataFor(env, hooks), 'parameters');
}
