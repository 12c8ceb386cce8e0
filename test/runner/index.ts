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
	IVersionedNodeType,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
} from 'n8n-workflow';
import { createRunExecutionData, ICredentialsHelper, NodeHelpers, Workflow } from 'n8n-workflow';
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
export function resolveWithCredentials(
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
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: workflow.getNode(node.name)!,
					data: { main: [items.map((json) => ({ json }))] },
					source: null,
				},
			],
		},
	});
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

// ---------------------------------------------------------------------------------------------
// Trigger lifecycle and webhook deliveries, the way n8n's WebhookService and webhook server
// drive them (n8n 2.41: webhook.service.js, webhook-helpers.js, middlewares/body-parser.js).
// ---------------------------------------------------------------------------------------------

export interface TriggerOptions {
	/** "Listen for test event": n8n marks the webhook as a test one and uses the webhook-test URL. */
	isTest?: boolean;
	/** Instead of http://127.0.0.1:5678, e.g. a loopback receiver's address. */
	baseUrl?: string;
	/** Static data saved by an earlier activation (n8n keeps it in its database as JSON). */
	staticData?: IDataObject;
}

/** The IWebhookData n8n builds for a node's webhook (WebhookService.getNodeWebhooks). */
function webhookDataOf(
	workflow: Workflow,
	node: INode,
	additionalData: IWorkflowExecuteAdditionalData,
	isTest: boolean,
): IWebhookData {
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const [webhookDescription] = nodeType.description.webhooks ?? [];
	if (!webhookDescription) throw new Error(`${node.type} has no webhook`);
	return {
		httpMethod: webhookDescription.httpMethod as IWebhookData['httpMethod'],
		node: node.name,
		path: NodeHelpers.getNodeWebhookPath(workflow.id, node, String(webhookDescription.path)),
		webhookDescription,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		...(isTest ? { isTest: true } : {}),
	};
}

/**
 * One Awaz Trigger in one workflow, driven as n8n drives it: `activate` is
 * WebhookService.createWebhookIfNotExists (checkExists, then create when it returned false) and
 * `deactivate` is deleteWebhook (delete, mode 'internal'). Contexts share the workflow, so its
 * static data carries over from one call to the next as it does in n8n.
 */
export function triggerLifecycle(env: Environment, parameters: IDataObject, options: TriggerOptions = {}) {
	const { workflow, node, additionalData } = triggerWorkflow(env, parameters);
	if (options.staticData) workflow.overrideStaticData(options.staticData);
	const base = options.baseUrl ?? WEBHOOK_BASE_URL;
	Object.assign(additionalData, {
		webhookBaseUrl: `${base}/webhook`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
	});
	const isTest = options.isTest === true;
	const webhookData = webhookDataOf(workflow, node, additionalData, isTest);
	const mode = isTest ? 'manual' : 'trigger';
	const activation: WorkflowActivateMode = isTest ? 'manual' : 'activate';
	const nodeType = env.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const methods = nodeType.webhookMethods?.default;
	if (!methods) throw new Error(`${node.type} has no webhookMethods.default`);
	const context = (contextMode: 'trigger' | 'manual' | 'internal', contextActivation: WorkflowActivateMode) =>
		new HookContext(workflow, node, additionalData, contextMode, contextActivation, webhookData);
	return {
		workflow,
		node,
		additionalData,
		webhookData,
		/** The URL the trigger's lifecycle methods see from getNodeWebhookUrl('default'). */
		url: `${isTest ? additionalData.webhookTestBaseUrl : additionalData.webhookBaseUrl}/${webhookData.path}`,
		nodeStaticData: () => workflow.getStaticData('node', node),
		checkExists: async () => await methods.checkExists.call(context(mode, activation)),
		create: async () => await methods.create.call(context(mode, activation)),
		delete: async () => await methods.delete.call(context('internal', 'update')),
		/** What n8n does on activation (or on "Listen for test event"); true when create ran. */
		async activate(): Promise<boolean> {
			if (await methods.checkExists.call(context(mode, activation))) return false;
			await methods.create.call(context(mode, activation));
			return true;
		},
		async deactivate(): Promise<boolean> {
			return await methods.delete.call(context('internal', 'update'));
		},
	};
}

/** The request as n8n hands it to a node's webhook(): raw bytes kept, the body parsed by type. */
export interface DeliveredRequest {
	method: string;
	headers: Record<string, string>;
	contentType?: string;
	rawBody: Buffer;
	body?: unknown;
	params: IDataObject;
	query: IDataObject;
}

/**
 * Builds the request n8n's webhook route passes on (n8n's parseBody for a version-1 node):
 * application/json is parsed (a parse failure is n8n's 422, returned as `rejected`), text/plain
 * becomes a string, any other content type (or none) leaves only the raw bytes.
 */
export function n8nRequest(
	rawBody: string,
	contentType: string | null = 'application/json',
): DeliveredRequest | { rejected: 422 } {
	const raw = Buffer.from(rawBody, 'utf8');
	const type = contentType?.split(';')[0].trim().toLowerCase();
	const request: DeliveredRequest = {
		method: 'POST',
		headers: contentType === null ? {} : { 'content-type': contentType },
		contentType: type,
		rawBody: raw,
		params: {},
		query: {},
	};
	if (raw.length === 0) return request;
	if (type === 'application/json') {
		try {
			request.body = JSON.parse(rawBody.replace(/^\uFEFF/, ''));
		} catch {
			return { rejected: 422 };
		}
	} else if (type === 'text/plain') {
		request.body = rawBody;
	}
	return request;
}

/** A stand-in for the response object: records what a node writes to it directly. */
export class RecordedResponse {
	statusCode?: number;
	headers: Record<string, string> = {};
	body?: string;

	writeHead(status: number, headers: Record<string, string> = {}) {
		this.statusCode = status;
		this.headers = { ...this.headers, ...headers };
		return this;
	}

	end(body?: string) {
		this.body = body ?? '';
		return this;
	}
}

/** The WebhookContext n8n gives a trigger's webhook() for one delivered request. */
export function webhookContext(
	env: Environment,
	parameters: IDataObject,
	request: DeliveredRequest,
	response: unknown = new RecordedResponse(),
	options: TriggerOptions = {},
) {
	const lifecycle = triggerLifecycle(env, parameters, options);
	const additionalData = {
		...lifecycle.additionalData,
		httpRequest: request,
		httpResponse: response,
	} as unknown as IWorkflowExecuteAdditionalData;
	return new WebhookContext(
		lifecycle.workflow,
		lifecycle.node,
		additionalData,
		options.isTest ? 'manual' : 'trigger',
		lifecycle.webhookData,
		[],
		null,
	);
}

/** What n8n's webhook server answers after a node's webhook() returned (executeWebhook). */
export interface WebhookOutcome {
	/** Whether n8n would start an execution, and with which items. */
	execution?: INodeExecutionData[][];
	status: number;
	body: string;
	/** webhook() wrote the response itself (`noWebhookResponse`). */
	writtenByNode: boolean;
}

/**
 * Runs the trigger's webhook() on one request and answers the way n8n does for a webhook with
 * responseMode 'onReceived': the node's own response when it wrote one, `webhookResponse` with
 * 200 when it started nothing, else the webhook description's `responseData` with 200.
 */
export async function deliverToTrigger(
	env: Environment,
	parameters: IDataObject,
	rawBody: string,
	contentType: string | null = 'application/json',
	options: TriggerOptions = {},
): Promise<WebhookOutcome> {
	const request = n8nRequest(rawBody, contentType);
	if ('rejected' in request) {
		return { status: 422, body: 'Failed to parse request body', writtenByNode: false };
	}
	const response = new RecordedResponse();
	const context = webhookContext(env, parameters, request, response, options);
	const nodeType = env.nodeTypes.getByNameAndVersion(AWAZ_TRIGGER_NODE, 1);
	const result = await nodeType.webhook!.call(context);
	if (result.noWebhookResponse) {
		return { status: response.statusCode ?? 0, body: response.body ?? '', writtenByNode: true };
	}
	const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
	if (result.workflowData === undefined) {
		return {
			status: 200,
			body: text(result.webhookResponse ?? { message: 'Webhook call received' }),
			writtenByNode: false,
		};
	}
	const description = nodeType.description.webhooks?.[0];
	return {
		execution: result.workflowData,
		status: 200,
		body: text(description?.responseData ?? 'firstEntryJson'),
		writtenByNode: false,
	};
}
