/** Types for credentials.js (plain CommonJS, shared with the bench). */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsHelper,
	ICredentialType,
	INode,
	Workflow,
} from 'n8n-workflow';
import type * as WorkflowModule from 'n8n-workflow';

export declare function resolveWithCredentials(
	workflow: Workflow,
	node: INode,
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
): unknown;

export declare function credentialsHelper(
	workflowLib: typeof WorkflowModule,
	credentialTypes: Record<string, ICredentialType>,
	dataByType: Record<string, ICredentialDataDecryptedObject>,
): ICredentialsHelper;
