/** Types for engine.js (plain CommonJS, shared with the bench). */
import type { ExecutionLifecycleHooks, PackageDirectoryLoader } from 'n8n-core';
import type * as CoreModule from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import type * as WorkflowModule from 'n8n-workflow';

export declare const PACKAGE_DIR: string;
export declare const PACKAGE_NAME: 'n8n-nodes-awaz';
export declare const AWAZ_NODE: 'n8n-nodes-awaz.awaz';
export declare const AWAZ_TRIGGER_NODE: 'n8n-nodes-awaz.awazTrigger';
export declare const BASE_URL: string;

export type CredentialData = Record<string, ICredentialDataDecryptedObject>;

export interface EngineEnvironment {
	loader: PackageDirectoryLoader;
	nodeTypes: INodeTypes;
	credentialTypes: Record<string, ICredentialType>;
	/** Decrypted credential data per credential type. */
	credentials: CredentialData;
}

export interface EnvironmentOptions {
	credentials?: CredentialData;
	/** Node types from elsewhere, by full name (e.g. 'n8n-nodes-base.httpRequest'). */
	nodeTypes?: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes?: Record<string, ICredentialType>;
}

export interface WorkflowRun {
	nodes: INode[];
	items?: IDataObject[];
	credentials?: CredentialData;
	mode?: WorkflowExecuteMode;
	/** Aborting it stops the execution, as the editor's Stop button does. */
	signal?: AbortSignal;
}

export interface WorkflowResult {
	run: IRun;
	/** The last node's items on its first output, or [] when it produced none. */
	output: INodeExecutionData[];
	/** The error that stopped the workflow, if any (a NodeApiError or NodeOperationError). */
	error?: {
		message: string;
		description?: string | null;
		context?: IDataObject;
		httpCode?: string | null;
	};
}

export interface InProcessN8n {
	loadPackage(): Promise<PackageDirectoryLoader>;
	environment(options?: EnvironmentOptions): Promise<EngineEnvironment>;
	additionalData(
		env: EngineEnvironment,
		hooks: ExecutionLifecycleHooks,
		credentials?: CredentialData,
	): IWorkflowExecuteAdditionalData;
	newWorkflow(
		env: EngineEnvironment,
		workflow: { id: string; nodes: INode[]; active?: boolean },
	): Workflow;
	runWorkflow(env: EngineEnvironment, run: WorkflowRun): Promise<WorkflowResult>;
}

export declare function inProcessN8n(modules: {
	core: typeof CoreModule;
	workflow: typeof WorkflowModule;
}): InProcessN8n;
