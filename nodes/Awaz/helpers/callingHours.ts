import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { PHONE_TIME_ZONES } from './phoneTimeZones.generated';
import { formatInZone, invalidField, zoneOffsetMinutes } from './validation';

/**
 * Calling Hours: a call is placed only at a time the person may be called, in their own time zone
 * (from their number, by libphonenumber's time-zone data, or one zone the user names). A number
 * with several zones is called only when the window holds in every one of them.
 */

/** Weekday values as the Days field stores them, in `Date.getUTCDay()` order (Sunday first). */
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const WEEKDAY_NAMES = [
	'Sunday',
	'Monday',
	'Tuesday',
	'Wednesday',
	'Thursday',
	'Friday',
	'Saturday',
];

/** How far ahead a moved call may go: two weeks covers any weekly window, with a DST change. */
const SEARCH_DAYS = 14;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * When calls may start: from `earliest` up to (not including) `latest`, in minutes after local
 * midnight, on the `days` (0 = Sunday). A window with `latest` before `earliest` wraps past
 * midnight and belongs to the day it starts on: Friday 22:00–02:00 includes Saturday 01:00.
 */
export interface CallingWindow {
	earliest: number;
	latest: number;
	days: ReadonlySet<number>;
}

export interface CallingHours extends CallingWindow {
	/** One IANA zone for every item; undefined: the zones of each item's phone number. */
	timeZone?: string;
	/** A number whose prefix has no zone in the data: fail the item, or use the workflow's zone. */
	unknownNumbers: 'fail' | 'workflowZone';
	/** A time outside the window: move the call to the window's next start, or fail the item. */
	outside: 'move' | 'fail';
}

const CALLING_HOURS = 'Calling Hours';

/** The Calling Hours option of the operations that place calls. */
export const callingHoursField: INodeProperties = {
	displayName: CALLING_HOURS,
	name: 'callingHours',
	type: 'fixedCollection',
	placeholder: 'Add Calling Hours',
	default: {},
	description:
		"Place each call only when the person may be called, in their own time zone: the Date and Time (or now) is checked against this window in the time zone of the phone number, and a call outside it is moved to the window's next start or fails its item. Not set: calls are placed as given.",
	options: [
		{
			displayName: 'Window',
			name: 'window',
			values: [
				{
					displayName: 'Days',
					name: 'days',
					type: 'multiOptions',
					default: ['mon', 'tue', 'wed', 'thu', 'fri'],
					description:
						"The days calls may be placed on, in the contact's time zone. A window that wraps past midnight belongs to the day it starts on.",
					options: [
						// n8n's lint wants the names in alphabetical order, not the week's.
						{ name: 'Friday', value: 'fri' },
						{ name: 'Monday', value: 'mon' },
						{ name: 'Saturday', value: 'sat' },
						{ name: 'Sunday', value: 'sun' },
						{ name: 'Thursday', value: 'thu' },
						{ name: 'Tuesday', value: 'tue' },
						{ name: 'Wednesday', value: 'wed' },
					],
				},
				{
					displayName: 'Earliest',
					name: 'earliest',
					type: 'string',
					default: '09:00',
					placeholder: 'e.g. 09:00',
					description:
						"The earliest time a call may start, as HH:MM (24-hour), in the contact's time zone",
				},
				{
					displayName: 'Latest',
					name: 'latest',
					type: 'string',
					default: '18:00',
					placeholder: 'e.g. 18:00',
					description:
						"Calls start before this time (HH:MM, 24-hour) in the contact's time zone. Earlier than Earliest: the window wraps past midnight.",
				},
				{
					displayName: 'Outside the Window',
					name: 'outside',
					type: 'options',
					default: 'move',
					description: 'What happens to a call whose Date and Time (or now) is outside the window',
					options: [
						{
							name: 'Move to the Next Allowed Time',
							value: 'move',
							description:
								"The call is scheduled at the window's next start, with that zone's offset",
						},
						{
							name: 'Fail the Item',
							value: 'fail',
							description: 'Nothing is sent for the item; its error names Calling Hours',
						},
					],
				},
				{
					displayName: 'Time Zone',
					name: 'timeZone',
					type: 'string',
					default: '',
					placeholder: 'e.g. America/New_York',
					description:
						"Leave empty to take each contact's time zone from their phone number. An IANA time zone name here applies to every item.",
				},
				{
					displayName: 'Unknown Numbers',
					name: 'unknownNumbers',
					type: 'options',
					default: 'fail',
					description: 'When Time Zone is empty and the time-zone data has no zone for a number',
					options: [
						{
							name: 'Fail the Item',
							value: 'fail',
							description: 'Nothing is sent for the item',
						},
						{
							name: "Use the Workflow's Time Zone",
							value: 'workflowZone',
							description: "Check the window in the workflow's time zone (Workflow Settings)",
						},
					],
				},
			],
		},
	],
};

// ---------------------------------------------------------------------------------------------
// The contact's zones, from the number

let zonesByPrefix: Map<string, string[]> | undefined;
let longestPrefix = 0;

/**
 * The IANA zones of an E.164 number by the longest prefix in libphonenumber's time-zone data:
 * one zone, several (a multi-zone country, or a number that is not tied to a place, such as a US
 * toll-free one), or undefined when the data has none.
 */
export function timeZonesOfNumber(e164: string): string[] | undefined {
	if (!zonesByPrefix) {
		zonesByPrefix = new Map();
		for (const [zones, prefixes] of Object.entries(PHONE_TIME_ZONES.zonesByPrefix)) {
			const list = zones.split('&').filter((zone) => zone !== 'Etc/Unknown');
			for (const prefix of prefixes.split(' ')) {
				zonesByPrefix.set(prefix, list);
				longestPrefix = Math.max(longestPrefix, prefix.length);
			}
		}
	}
	const digits = e164.replace(/^\+/, '');
	for (let length = Math.min(longestPrefix, digits.length); length > 0; length--) {
		const zones = zonesByPrefix.get(digits.slice(0, length));
		if (zones) return zones.length > 0 ? zones : undefined;
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// The window

/** Whether a call may start at `atMs` in `zone`. */
export function isInWindow(window: CallingWindow, zone: string, atMs: number): boolean {
	const local = new Date(atMs + zoneOffsetMinutes(zone, atMs) * MINUTE_MS);
	const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
	const day = local.getUTCDay();
	if (window.earliest < window.latest) {
		return minute >= window.earliest && minute < window.latest && window.days.has(day);
	}
	// Wrapping past midnight: the part after midnight belongs to the day before.
	return (
		(minute >= window.earliest && window.days.has(day)) ||
		(minute < window.latest && window.days.has((day + 6) % 7))
	);
}

/**
 * The instants from `fromMs` on where a zone's window may open: each day's Earliest (with the
 * offset before and after a change that day, so both readings of a repeated hour are there), and
 * each change of the zone's offset (a window whose start falls in a skipped hour opens when the
 * clock jumps).
 */
function openings(window: CallingWindow, zone: string, fromMs: number, untilMs: number): number[] {
	const found: number[] = [];
	const firstDay = Math.floor((fromMs + zoneOffsetMinutes(zone, fromMs) * MINUTE_MS) / DAY_MS) - 1;
	for (let day = firstDay; day <= firstDay + SEARCH_DAYS + 2; day++) {
		const wallClockMs = day * DAY_MS + window.earliest * MINUTE_MS;
		for (const probeMs of [wallClockMs - 14 * 3_600_000, wallClockMs + 12 * 3_600_000]) {
			found.push(wallClockMs - zoneOffsetMinutes(zone, probeMs) * MINUTE_MS);
		}
	}
	const stepMs = DAY_MS / 2;
	let atMs = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS;
	for (; atMs < untilMs; atMs += stepMs) {
		const before = zoneOffsetMinutes(zone, atMs);
		if (zoneOffsetMinutes(zone, atMs + stepMs) === before) continue;
		// Offsets change on a whole minute: narrow to the first minute with the new offset.
		let [low, high] = [atMs, atMs + stepMs];
		while (high - low > MINUTE_MS) {
			const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
			if (zoneOffsetMinutes(zone, middle) === before) low = middle;
			else high = middle;
		}
		found.push(high);
	}
	return found.filter((openingMs) => openingMs >= fromMs && openingMs < untilMs);
}

/**
 * The first instant at or after `fromMs` inside the window in every one of `zones`, with the zone
 * whose window opened then; undefined when there is none within two weeks.
 */
export function firstTimeInWindow(
	window: CallingWindow,
	zones: string[],
	fromMs: number,
): { atMs: number; zone: string } | undefined {
	const untilMs = fromMs + SEARCH_DAYS * DAY_MS;
	const candidates = [{ atMs: fromMs, zone: zones[0] }];
	for (const zone of zones) {
		for (const atMs of openings(window, zone, fromMs, untilMs)) candidates.push({ atMs, zone });
	}
	candidates.sort((a, b) => a.atMs - b.atMs);
	return candidates.find(({ atMs }) => zones.every((zone) => isInWindow(window, zone, atMs)));
}

// ---------------------------------------------------------------------------------------------
// Reading the option, and placing one call

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The item's Calling Hours, checked; undefined when the option is not set. */
export function readCallingHours(
	ctx: IExecuteFunctions,
	itemIndex: number,
): CallingHours | undefined {
	const { window } = ctx.getNodeParameter('callingHours', itemIndex, {}) as {
		window?: IDataObject;
	};
	if (!window || typeof window !== 'object') return undefined;
	const fail = (field: string, problem: string) =>
		invalidField(ctx, itemIndex, `${CALLING_HOURS} → ${field}`, problem);

	const minutesOf = (field: string, value: unknown) => {
		const match = HH_MM.exec(String(value ?? '').trim());
		if (!match) {
			throw fail(
				field,
				`"${String(value ?? '')}" is not a time of day as HH:MM (24-hour), like 09:00 or 21:30`,
			);
		}
		return Number(match[1]) * 60 + Number(match[2]);
	};
	const earliest = minutesOf('Earliest', window.earliest ?? '09:00');
	const latest = minutesOf('Latest', window.latest ?? '18:00');
	if (earliest === latest) {
		throw fail(
			'Latest',
			`is the same as Earliest (${String(window.earliest)}): the window would be empty or the whole day; give a different time, or remove Calling Hours to call at any time`,
		);
	}

	const dayValues = window.days ?? ['mon', 'tue', 'wed', 'thu', 'fri'];
	const days = new Set<number>();
	for (const value of Array.isArray(dayValues) ? dayValues : String(dayValues).split(',')) {
		const day = WEEKDAYS.indexOf(String(value).trim().toLowerCase() as (typeof WEEKDAYS)[number]);
		if (day < 0)
			throw fail('Days', `has "${String(value)}", which is not one of ${WEEKDAYS.join(', ')}`);
		days.add(day);
	}
	if (days.size === 0) throw fail('Days', 'has no day chosen; choose at least one day');

	const zoneName = String(window.timeZone ?? '').trim();
	let timeZone: string | undefined;
	if (zoneName) {
		try {
			timeZone = new Intl.DateTimeFormat('en-US', { timeZone: zoneName }).resolvedOptions()
				.timeZone;
		} catch {
			throw fail(
				'Time Zone',
				`"${zoneName}" is not an IANA time zone name, like America/New_York or Europe/Berlin; leave it empty to use each phone number's zone`,
			);
		}
	}
	const outside = window.outside ?? 'move';
	if (outside !== 'move' && outside !== 'fail')
		throw fail('Outside the Window', `"${String(outside)}" is not move or fail`);
	const unknownNumbers = window.unknownNumbers ?? 'fail';
	if (unknownNumbers !== 'fail' && unknownNumbers !== 'workflowZone') {
		throw fail('Unknown Numbers', `"${String(unknownNumbers)}" is not fail or workflowZone`);
	}
	return { earliest, latest, days, timeZone, outside, unknownNumbers };
}

/** What Calling Hours did to one call, as its output item shows it. */
export interface CallingHoursOutcome {
	/** The Date and Time to send: as given when it was inside the window, else the moved time. */
	datetime: string;
	/** When the call is due (epoch ms): the moved time, or the Date and Time (now when past). */
	dueAtMs: number;
	/** For the output item: the zones, the time asked for, the time scheduled, whether it moved. */
	report: IDataObject;
}

const hhmm = (minutes: number) =>
	`${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

function describeWindow(hours: CallingHours): string {
	const days = WEEKDAYS.map((_, day) => (day + 1) % 7)
		.filter((day) => hours.days.has(day))
		.map((day) => WEEKDAY_NAMES[day].slice(0, 3));
	return `${hhmm(hours.earliest)}–${hhmm(hours.latest)} on ${days.join(', ')}`;
}

/**
 * Places one call within Calling Hours: `datetime` is the item's checked Date and Time (now when it
 * was empty), `nowMs` the time of the plan. A time in the past counts as now. Throws an item error
 * naming Calling Hours when the call may not be placed.
 */
export function placeInCallingHours(
	ctx: IExecuteFunctions,
	itemIndex: number,
	hours: CallingHours,
	phone: string,
	datetime: string,
	nowMs: number,
): CallingHoursOutcome {
	let zones: string[];
	let zonesFrom: string;
	if (hours.timeZone) {
		zones = [hours.timeZone];
		zonesFrom = 'Time Zone';
	} else {
		const fromNumber = timeZonesOfNumber(phone);
		if (fromNumber) {
			zones = fromNumber;
			zonesFrom = 'phone number';
		} else if (hours.unknownNumbers === 'workflowZone') {
			zones = [ctx.getTimezone()];
			zonesFrom = 'workflow time zone (the number has no zone in the data)';
		} else {
			throw invalidField(
				ctx,
				itemIndex,
				CALLING_HOURS,
				`has no time zone for ${phone}: its prefix is not in the time-zone data. Set Time Zone, or Unknown Numbers to "Use the Workflow's Time Zone"`,
			);
		}
	}
	const askedMs = Math.max(nowMs, Date.parse(datetime));
	const inWindow = zones.every((zone) => isInWindow(hours, zone, askedMs));
	const where =
		zones.length === 1 ? `in ${zones[0]}` : `in all ${zones.length} time zones of ${phone}`;
	if (!inWindow && hours.outside === 'fail') {
		throw invalidField(
			ctx,
			itemIndex,
			CALLING_HOURS,
			`does not allow a call at ${datetime}${askedMs > Date.parse(datetime) ? ' (in the past, so now)' : ''}: it is outside ${describeWindow(hours)} ${where} (${zones.join(', ')})`,
		);
	}
	const found = inWindow
		? { atMs: askedMs, zone: zones[0] }
		: firstTimeInWindow(hours, zones, askedMs);
	if (!found) {
		throw invalidField(
			ctx,
			itemIndex,
			CALLING_HOURS,
			`has no time within the next ${SEARCH_DAYS} days that is inside ${describeWindow(hours)} ${where} (${zones.join(', ')}); nothing was sent. Set Time Zone to the contact's zone, or widen the window`,
		);
	}
	const scheduled = inWindow ? datetime : formatInZone(found.atMs, found.zone);
	return {
		datetime: scheduled,
		dueAtMs: found.atMs,
		report: {
			timeZones: zones,
			timeZonesFrom: zonesFrom,
			requested: datetime,
			scheduled,
			moved: !inWindow,
		},
	};
}
