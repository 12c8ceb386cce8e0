/**
 * The Awaz Trigger driven the way n8n's WebhookService and webhook server drive it (n8n 2.41:
 * webhook.service.js, webhook-helpers.js, middlewares/body-parser.js): activation and deactivation
 * through HookContext, deliveries through WebhookContext, on the project's engine (project.ts).
 */
import { HookContext, ExecutionLifecycleHooks, WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowActivateMode,
} from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { awazTriggerNode } from '../fixtures';
import { AWAZ_TRIGGER_NODE, BASE_URL } from './engine';
import type { Environment } from './project';
import { n8n } from './project';

/** The webhook id n8n gave the trigger node when it was added to the workflow. */
const WEBHOOK_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

/** A workflow holding one Awaz Trigger, for driving its lifecycle and webhook by hand. */
function triggerWorkflow(env: Environment, parameters: IDataObject) {
	const node = awazTriggerNode(parameters, WEBHOOK_ID);
	const workflow = n8n.newWorkflow(env, { id: 'trigger-workflow', nodes: [node], active: true });
	const additionalData = n8n.additionalData(
		env,
		new ExecutionLifecycleHooks('trigger', 'x', {} as never),
	);
	return { workflow, node, additionalData };
}

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
export function triggerLifecycle(
	env: Environment,
	parameters: IDataObject,
	options: TriggerOptions = {},
) {
	const { workflow, node, additionalData } = triggerWorkflow(env, parameters);
	if (options.staticData) workflow.overrideStaticData(options.staticData);
	const base = options.baseUrl ?? BASE_URL;
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
	const context = (
		contextMode: 'trigger' | 'manual' | 'internal',
		contextActivation: WorkflowActivateMode,
	) => new HookContext(workflow, node, additionalData, contextMode, contextActivation, webhookData);
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
