/**
 * What a sender of a delivery sees from the Awaz Trigger, headers included: the answer the node
 * wrote itself, or the one n8n writes for it (the webhook's `responseData` with its
 * `responseHeaders`, evaluated the way n8n's webhook helpers evaluate them).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Environment } from '../../kit/runner';
import {
	AWAZ_TRIGGER_NODE,
	n8nRequest,
	RecordedResponse,
	triggerLifecycle,
	webhookContext,
} from '../../kit/runner';

export interface SeenAnswer {
	status: number;
	contentType?: string;
	/** Every header of the answer, names in lower case. */
	headers: Record<string, string>;
	body: string;
	/** The items of the execution n8n starts, when it starts one. */
	execution?: INodeExecutionData[][];
}

/** The headers n8n puts on its own answer for the trigger: the webhook's `responseHeaders`. */
function n8nAnswerHeaders(env: Environment, parameters: IDataObject): Record<string, string> {
	const { workflow, node } = triggerLifecycle(env, parameters);
	const [description] = env.nodeTypes.getByNameAndVersion(AWAZ_TRIGGER_NODE, 1).description
		.webhooks!;
	if (description.responseHeaders === undefined) return {};
	const evaluated = workflow.expression.getComplexParameterValue(
		node,
		description.responseHeaders,
		'trigger',
		{},
	) as { entries?: Array<{ name: string; value: string }> } | undefined;
	return Object.fromEntries(
		(evaluated?.entries ?? []).map(({ name, value }) => [name.toLowerCase(), value]),
	);
}

/** Delivers `rawBody` with `contentType` (null: none) and returns the answer as a sender sees it. */
export async function answerTo(
	env: Environment,
	rawBody: string,
	parameters: IDataObject,
	contentType: string | null = 'application/json',
): Promise<SeenAnswer> {
	const request = n8nRequest(rawBody, contentType);
	if ('rejected' in request) throw new Error('n8n itself refuses this body (422)');
	const response = new RecordedResponse();
	const context = webhookContext(env, parameters, request, response);
	const result = await env.nodeTypes
		.getByNameAndVersion(AWAZ_TRIGGER_NODE, 1)
		.webhook!.call(context);
	if (result.noWebhookResponse) {
		const headers = Object.fromEntries(
			Object.entries(response.headers).map(([name, value]) => [name.toLowerCase(), value]),
		);
		return {
			status: response.statusCode ?? 0,
			contentType: headers['content-type'],
			headers,
			body: response.body ?? '',
			execution: result.workflowData,
		};
	}
	// n8n's own answer: `responseData` when it starts the workflow, else `webhookResponse` (Express
	// sends a string without a preset content type as text/html).
	const headers = {
		'content-type': 'text/html; charset=utf-8',
		...n8nAnswerHeaders(env, parameters),
	};
	const [description] = env.nodeTypes.getByNameAndVersion(AWAZ_TRIGGER_NODE, 1).description
		.webhooks!;
	const body = result.workflowData ? description.responseData : result.webhookResponse;
	return {
		status: 200,
		contentType: headers['content-type'],
		headers,
		body: typeof body === 'string' ? body : JSON.stringify(body),
		execution: result.workflowData,
	};
}
