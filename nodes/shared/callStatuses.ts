import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';

/** The call statuses Awaz can send events for, in the API's order, with when each is sent. */
export const CALL_STATUS_OPTIONS: INodePropertyOptions[] = [
	{
		name: 'Outcome',
		value: 'outcome',
		description: 'The call ended and its outcome (summary and extracted variables) is ready',
	},
	{ name: 'Pickup', value: 'pickup', description: 'The contact answered the call' },
	{ name: 'Busy', value: 'busy', description: 'The line was busy' },
	{ name: 'Completed', value: 'completed', description: 'The call finished normally' },
	{ name: 'Voicemail', value: 'voicemail', description: 'The call reached voicemail' },
	{
		name: 'Failed',
		value: 'failed',
		description: 'The call could not be placed or dropped with an error',
	},
	{
		name: 'Canceled',
		value: 'canceled',
		description: 'The scheduled call was canceled before it was placed',
	},
];

export const CALL_STATUSES = CALL_STATUS_OPTIONS.map((option) => option.value as string);

/** A multi-select's value, or a comma-separated list typed as an expression. */
export function asList(value: unknown): string[] {
	const list = Array.isArray(value) ? value : String(value ?? '').split(',');
	return list.map((entry) => String(entry).trim()).filter(Boolean);
}

/** A multi-select of call statuses as a list, or what is wrong with it (empty, or a status Awaz does not know). */
export function callStatusList(statuses: unknown): { status: string[] } | { problem: string } {
	const status = asList(statuses);
	if (status.length === 0) return { problem: 'is empty; choose at least one status' };
	const unknown = status.filter((entry) => !CALL_STATUSES.includes(entry));
	if (unknown.length) {
		return {
			problem: `has ${unknown.map((entry) => `"${entry}"`).join(', ')}, which Awaz does not know; use ${CALL_STATUSES.join(', ')}`,
		};
	}
	return { status };
}

/**
 * A status as Awaz or a caller spelled it, in the one form every comparison uses: trimmed and
 * lower case (`"Outcome "` is `outcome`). Anything that is not text has no status.
 */
export function normalStatus(status: unknown): string | undefined {
	if (typeof status !== 'string') return undefined;
	const normal = status.trim().toLowerCase();
	return normal === '' ? undefined : normal;
}

/** Pickup, then Completed, then Outcome: a call seen at a later one has passed the earlier ones. */
const ANSWERED_PATH = ['pickup', 'completed', 'outcome'];

/**
 * Whether a call whose status is `status` has reached (or passed) `target`: the same status, or a
 * later step of an answered call (a call at Completed or Outcome has passed Pickup, and one at
 * Outcome Completed), since a read or an event sees only the status of that moment. Both compare
 * as `normalStatus`; an unknown status has passed nothing but itself.
 */
export function hasPassed(status: unknown, target: unknown): boolean {
	const now = normalStatus(status);
	const wanted = normalStatus(target);
	if (now === undefined || wanted === undefined) return false;
	if (now === wanted) return true;
	const step = ANSWERED_PATH.indexOf(now);
	const wantedStep = ANSWERED_PATH.indexOf(wanted);
	return step > 0 && wantedStep >= 0 && wantedStep < step;
}

/**
 * The id in Awaz's answer to Schedule (or Get). Only the call list's shape is documented (`id`);
 * the other spellings such APIs use are taken too rather than failing a call that was placed.
 */
export function callIdOf(answer: IDataObject): string {
	const nested = answer.call as IDataObject | undefined;
	const id = answer.id ?? answer._id ?? answer.callId ?? answer.call_id ?? nested?.id;
	return typeof id === 'string' || typeof id === 'number' ? String(id).trim() : '';
}
