import { agentOperations } from './agent';
import { callOperations } from './call';
import { contactOperations } from './contact';
import { contactListOperations } from './contactList';
import { phoneOperations } from './phone';
import { subscriptionOperations } from './subscription';
import { workspaceOperations } from './workspace';
import type { AwazResource } from './node.type';
import type { AwazOperation, ResourceOperations } from './operation';

/** Every operation of the Awaz node, by resource and operation value: the router's only lookup. */
export const awazOperations: { [R in AwazResource]: ResourceOperations<R> } = {
	agent: agentOperations,
	call: callOperations,
	contact: contactOperations,
	contactList: contactListOperations,
	phone: phoneOperations,
	subscription: subscriptionOperations,
	workspace: workspaceOperations,
};

/** The operation for a resource and operation value as n8n hands them over, if there is one. */
export function findOperation(resource: string, operation: string): AwazOperation | undefined {
	if (!Object.prototype.hasOwnProperty.call(awazOperations, resource)) return undefined;
	const operations = awazOperations[resource as AwazResource] as Record<string, AwazOperation>;
	return Object.prototype.hasOwnProperty.call(operations, operation)
		? operations[operation]
		: undefined;
}
