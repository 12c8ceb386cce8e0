/**
 * The in-process engine (engine.js) on the project's own n8n-core and n8n-workflow, with one Awaz
 * API credential: what the jest tests run workflows and node contexts on.
 */
import * as core from 'n8n-core';
import { ExecutionLifecycleHooks, LoadOptionsContext } from 'n8n-core';
import type { IDataObject, INode } from 'n8n-workflow';
import * as workflowModule from 'n8n-workflow';

import { awazNode } from '../fixtures';
import type { EngineEnvironment, WorkflowResult } from './engine';
import { inProcessN8n } from './engine';

export const n8n = inProcessN8n({ core, workflow: workflowModule });

export interface AwazCredentials {
	apiKey: string;
	baseUrl: string;
}

export type Environment = EngineEnvironment & { credentials: { awazApi: AwazCredentials } };

export async function environment(credentials: AwazCredentials): Promise<Environment> {
	return (await n8n.environment({ credentials: { awazApi: { ...credentials } } })) as Environment;
}

export type RunResult = WorkflowResult;

/** Executes one node on the given input items, as the first node of a manual execution. */
export async function runNode(
	env: Environment,
	node: INode,
	items: IDataObject[] = [{}],
): Promise<RunResult> {
	return await n8n.runWorkflow(env, { nodes: [node], items });
}

/** A context like the one n8n gives a node's dropdowns (listSearch / loadOptions). */
export function loadOptionsContext(env: Environment, parameters: IDataObject = {}) {
	const node = awazNode(parameters);
	const workflow = n8n.newWorkflow(env, { id: 'options-workflow', nodes: [node] });
	const hooks = new ExecutionLifecycleHooks('manual', 'x', {} as never);
	return new LoadOptionsContext(workflow, node, n8n.additionalData(env, hooks), 'parameters');
}
