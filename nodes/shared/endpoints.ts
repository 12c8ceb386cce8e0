/** Every Awaz API path this package calls, spelled once. */
export const AGENTS_PATH = '/v1/agents';
export const PHONES_PATH = '/v1/phones';
export const CONTACTS_PATH = '/v1/contacts';
export const CONTACT_LISTS_PATH = '/v1/contact_lists';
export const CALLS_PATH = '/v1/calls';
/** Call-event subscriptions: list (GET), subscribe (POST), unsubscribe (DELETE `?hookUrl=`). */
export const CALL_HOOKS_PATH = '/v1/hooks/calls';
export const ADD_CREDITS_PATH = '/v1/companies/add/credits';
/**
 * The collection sends "Add workspace minutes" to the credits path with a `minutes` field. Kept
 * apart so that it can be corrected here alone if Awaz documents a path of its own.
 */
export const ADD_MINUTES_PATH = '/v1/companies/add/credits';

/** One call, by id. */
export function callPath(callId: string): string {
	return `${CALLS_PATH}/${encodeURIComponent(callId)}`;
}
