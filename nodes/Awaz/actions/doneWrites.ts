import type { IDataObject } from 'n8n-workflow';

import { callIdOf, normalStatus } from '../../shared/callStatuses';

/** An item whose write Awaz carried out before another item stopped the node. */
export interface DoneWrite {
	itemIndex: number;
	/** What Awaz answered the write. */
	answer: IDataObject;
	/** The item's final output, when it got that far (a call's outcome after the wait). */
	final?: IDataObject;
}

/** How many done items an error lists by name; the rest are counted. */
const LISTED = 20;

/** The ID in an answer, as Awaz spells it for a call or anything else. */
export const idOfAnswer = (answer: IDataObject): string | undefined =>
	callIdOf(answer) || undefined;

/**
 * The part of a stopping error that says what was already done in Awaz, and what running the
 * workflow again would do: without it, "Nothing was changed" invites a re-run that calls everyone
 * a second time. Undefined when nothing was done.
 */
export function doneWritesNote(done: DoneWrite[], placesCalls: boolean): string | undefined {
	if (done.length === 0) return undefined;
	const named = done.slice(0, LISTED).map(({ itemIndex, answer, final }) => {
		const id = idOfAnswer(answer);
		const status = normalStatus((final ?? answer).status);
		const what = placesCalls ? (id ? `call ${id}` : 'a call') : id ? `ID ${id}` : '';
		return `item ${itemIndex}${what ? ` → ${what}` : ''}${status ? ` (${status})` : ''}`;
	});
	const more = done.length > LISTED ? `, and ${done.length - LISTED} more` : '';
	const list = `${named.join(', ')}${more}`;
	if (placesCalls) {
		return `Already placed before this error, and placed again if the workflow is run again: ${list}. To avoid calling them twice, turn on Continue On Fail (Settings → On Error → Continue), which gives every item its result, or get these calls' outcomes with Call → Wait for Outcome and their IDs.`;
	}
	return `Already done in Awaz before this error, and done again if the workflow is run again: ${list}. To avoid that, run the workflow again only for the items that failed, or turn on Continue On Fail (Settings → On Error → Continue), which gives every item its result.`;
}
