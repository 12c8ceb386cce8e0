/**
 * Every resource of the Awaz node with the values of its operations. Each resource's index types
 * its operations with this map, so an operation named here but not built is a compile error.
 */
export interface AwazOperationNames {
	agent: 'getAll';
	call: 'get' | 'getAll' | 'schedule' | 'scheduleAndWait' | 'waitForOutcome';
	contact: 'create';
	contactList: 'getAll';
	phone: 'getAll';
	subscription: 'create' | 'delete' | 'getAll';
	workspace: 'addCredits' | 'addMinutes';
}

export type AwazResource = keyof AwazOperationNames;
