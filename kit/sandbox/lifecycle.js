'use strict';

/**
 * What happens to a call created by POST /v1/calls, chosen by the last digit of its phone number.
 * Pure data and functions; the timers live in server.js. See README.md, "Call lifecycle".
 */

/**
 * One step of a call's timeline: the status it moves to, `offsetMs` after the timeline starts
 * (at time scale 1; the sandbox multiplies it by the time scale).
 * @typedef {{ status: string, offsetMs: number }} Step
 */

const FIRST_MS = 3_000;
const TALK_MS = 20_000;
const OUTCOME_MS = 5_000;
const VOICEMAIL_MS = 10_000;
const QUEUED_MS = 3_000;

/** @param {number} startMs @returns {Step[]} pickup → completed → outcome from startMs on */
const answered = (startMs) => [
	{ status: 'pickup', offsetMs: startMs },
	{ status: 'completed', offsetMs: startMs + TALK_MS },
	{ status: 'outcome', offsetMs: startMs + TALK_MS + OUTCOME_MS },
];

/** @type {Readonly<Record<string, readonly Step[]>>} by the last digit of the phone number */
const TIMELINES = Object.freeze({
	0: [{ status: 'busy', offsetMs: FIRST_MS }],
	1: [{ status: 'voicemail', offsetMs: VOICEMAIL_MS }],
	2: [{ status: 'failed', offsetMs: FIRST_MS }],
	3: [{ status: 'canceled', offsetMs: FIRST_MS }],
	4: answered(FIRST_MS),
	5: answered(FIRST_MS),
	6: answered(FIRST_MS),
	7: answered(FIRST_MS),
	// 'queued' is not one of the seven documented statuses: clients must tolerate unknown ones.
	8: [{ status: 'queued', offsetMs: FIRST_MS }, ...answered(FIRST_MS + QUEUED_MS)],
	9: [], // never dialled: stays 'scheduled'
});

/** @param {string} phone @returns {string} its last digit ('' when it has none) */
const lastDigit = (phone) => /(\d)\D*$/.exec(String(phone))?.[1] ?? '';

/**
 * The steps a call with this phone number goes through, in order.
 * @param {string} phone
 * @returns {Step[]}
 */
function timelineFor(phone) {
	return (TIMELINES[lastDigit(phone)] ?? []).map((step) => ({ ...step }));
}

/**
 * The extracted variables a call's outcome carries: `interested` is false for digits 5 and 7,
 * `callback_requested` true for 6 and 7.
 * @param {{ contact: { name: string, phone: string } }} call
 * @returns {{ interested: boolean, callback_requested: boolean, summary: string }}
 */
function outcomeVariables(call) {
	const digit = lastDigit(call.contact.phone);
	const interested = digit !== '5' && digit !== '7';
	const callbackRequested = digit === '6' || digit === '7';
	const summary =
		`Spoke with ${call.contact.name}: ${interested ? 'interested' : 'not interested'}` +
		(callbackRequested ? ', asked to be called back.' : '.');
	return { interested, callback_requested: callbackRequested, summary };
}

module.exports = { TIMELINES, timelineFor, outcomeVariables, lastDigit };
