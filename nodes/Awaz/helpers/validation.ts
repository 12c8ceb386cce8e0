import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { invalidFieldMessage } from '../../shared/fields';

/**
 * Each kind of value the API takes, as a check that returns the value to send or says what is
 * wrong with it. Operations declare their fields with these kinds; nothing else validates.
 */
type Check = (value: unknown, timezone: string) => { value: unknown } | { problem: string };

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** A date with no time of day (with or without an offset). */
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}\s*(Z|[+-]\d{2}(:?\d{2})?)?$/i;
const ISO_DATETIME =
	/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** A Luxon DateTime (from an expression such as {{ $now.plus(1, 'hour') }}) or a JavaScript Date. */
function isDateTime(value: unknown): value is { toISO: () => string } | Date {
	return (
		value instanceof Date ||
		(typeof value === 'object' &&
			value !== null &&
			typeof (value as { toISO?: unknown }).toISO === 'function')
	);
}

function text(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
	if (isDateTime(value)) return String((value as { toISO: () => string }).toISO());
	return String(value).trim();
}

/**
 * Why a value an expression gave is not one to send, when it is an object, a list or a yes/no:
 * sent as text it would become "[object Object]" or "Bob,Smith", and a real call would be placed
 * with it. Text and numbers are values; a date and time is one where a date is wanted.
 */
function notAValue(value: unknown, kind: FieldKind): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string' || typeof value === 'number') return undefined;
	if (kind === 'datetime' && isDateTime(value)) return undefined;
	const what = Array.isArray(value)
		? 'a list'
		: typeof value === 'object'
			? 'an object'
			: typeof value === 'boolean'
				? `the boolean ${String(value)}`
				: `a ${typeof value}`;
	return `is ${what}, not a single value; point the expression at one field, like {{ $json.contact.name }}`;
}

function quoted(value: unknown): string {
	const shown = text(value);
	return shown.length > 60 ? `"${shown.slice(0, 57)}..."` : `"${shown}"`;
}

const pad = (n: number, width = 2) => String(Math.trunc(Math.abs(n))).padStart(width, '0');

function formatOffset(minutes: number): string {
	const sign = minutes < 0 ? '-' : '+';
	return `${sign}${pad(Math.abs(minutes) / 60)}:${pad(Math.abs(minutes) % 60)}`;
}

/** One formatter per zone: Calling Hours reads a zone's offset thousands of times per item. */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC in `timezone` at the instant `utcMs`. */
export function zoneOffsetMinutes(timezone: string, utcMs: number): number {
	let format = zoneFormats.get(timezone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone: timezone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		zoneFormats.set(timezone, format);
	}
	const parts = format.formatToParts(new Date(utcMs));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const asUtc = Date.UTC(
		get('year'),
		get('month') - 1,
		get('day'),
		get('hour'),
		get('minute'),
		get('second'),
	);
	return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/** `utcMs` written as local time in `timezone`, with that zone's offset. */
export function formatInZone(utcMs: number, timezone: string): string {
	const offset = zoneOffsetMinutes(timezone, utcMs);
	const local = new Date(utcMs + offset * 60000);
	return (
		`${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
		`T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
		formatOffset(offset)
	);
}

function parseDatetime(raw: string, timezone: string): string | undefined {
	const match = ISO_DATETIME.exec(raw);
	if (!match) return undefined;
	const [, y, mo, d, h, mi, s = '00', , zone] = match;
	const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)];
	const wallClockMs = Date.UTC(
		fields[0],
		fields[1] - 1,
		fields[2],
		fields[3],
		fields[4],
		fields[5],
	);
	const check = new Date(wallClockMs);
	// Date.UTC rolls 2024-02-30 over to March: a real date survives the round trip.
	if (
		check.getUTCMonth() !== fields[1] - 1 ||
		check.getUTCDate() !== fields[2] ||
		fields[3] > 23 ||
		fields[4] > 59 ||
		fields[5] > 59
	) {
		return undefined;
	}
	let offset: number;
	if (!zone) {
		// No offset given: the time is meant in the workflow's timezone, as n8n's date fields are.
		const guess = zoneOffsetMinutes(timezone, wallClockMs);
		offset = zoneOffsetMinutes(timezone, wallClockMs - guess * 60000);
	} else if (zone.toUpperCase() === 'Z') {
		offset = 0;
	} else {
		const digits = zone.replace(':', '');
		const hours = Number(digits.slice(1, 3));
		const minutes = digits.length > 3 ? Number(digits.slice(3, 5)) : 0;
		if (hours > 14 || minutes > 59) return undefined;
		offset = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
	}
	return `${y}-${mo}-${d}T${pad(fields[3])}:${pad(fields[4])}:${pad(fields[5])}${formatOffset(offset)}`;
}

export type FieldKind =
	| 'id'
	| 'text'
	| 'phone'
	| 'email'
	| 'datetime'
	| 'positiveNumber'
	| 'positiveInteger'
	| 'httpUrl'
	| 'timeoutSeconds'
	| 'waitSeconds';

/** The longest Timeout: an hour (a longer one overflows timers and holds an execution for days). */
export const MAX_TIMEOUT_SECONDS = 3600;
/** The longest Max Wait for Rate Limit and Max Wait When Busy: a day. */
export const MAX_WAIT_SECONDS = 86_400;

/** Plain decimal notation: 10, 2.5, .5 (not 0x10, 1e3, Infinity or 0b1, which Number() takes). */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** A number typed or computed as decimal text counts; an empty value is not zero. */
function asNumber(value: unknown): number {
	if (typeof value === 'number') return value;
	const raw = text(value);
	return DECIMAL.test(raw) ? Number(raw) : NaN;
}

export const checks: Record<FieldKind, Check> = {
	id: (value) => {
		const id = text(value);
		if (!id) return { problem: 'is empty; give an id' };
		// A path segment of dots is dropped by URL normalisation: GET /v1/calls/.. reads the list.
		if (/^\.+$/.test(id)) return { problem: `${quoted(value)} is not an id` };
		return { value: id };
	},

	text: (value) => (text(value) ? { value: text(value) } : { problem: 'is empty' }),

	phone: (value) => {
		// People paste numbers as "+1 (415) 555-0123"; only the digits and the + matter.
		const normalised = text(value).replace(/[\s().\-/]/g, '');
		if (E164.test(normalised)) return { value: normalised };
		if (!normalised) return { problem: 'is empty; give a phone number like +14155550123' };
		return {
			problem: `${quoted(value)} is not a phone number in international E.164 format: a + followed by the country code and number, up to 15 digits, like +14155550123`,
		};
	},

	email: (value) =>
		EMAIL.test(text(value))
			? { value: text(value) }
			: { problem: `${quoted(value)} is not an email address` },

	datetime: (value, timezone) => {
		const raw = text(value);
		if (!raw) return { value: formatInZone(Date.now(), timezone) };
		if (DATE_ONLY.test(raw)) {
			// A sheet's date column: midnight is almost never the time meant for a phone call.
			return {
				problem: `${quoted(value)} has no time of day; give the time too, like ${raw.slice(0, 10)}T14:30:00+02:00`,
			};
		}
		const parsed = parseDatetime(raw, timezone);
		return parsed
			? { value: parsed }
			: {
					problem: `${quoted(value)} is not an ISO 8601 date and time, like 2025-06-01T14:30:00+02:00; leave it empty to call now`,
				};
	},

	positiveNumber: (value) => {
		const number = asNumber(value);
		return Number.isFinite(number) && number > 0
			? { value: number }
			: { problem: `${quoted(value)} is not a positive number` };
	},

	positiveInteger: (value) => {
		const number = asNumber(value);
		return Number.isInteger(number) && number > 0
			? { value: number }
			: { problem: `${quoted(value)} is not a whole number of 1 or more` };
	},

	timeoutSeconds: (value) => {
		const number = asNumber(value);
		return Number.isFinite(number) && number > 0 && number <= MAX_TIMEOUT_SECONDS
			? { value: number }
			: {
					problem: `${quoted(value)} is not a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}`,
				};
	},

	waitSeconds: (value) => {
		const number = asNumber(value);
		return Number.isFinite(number) && number >= 0 && number <= MAX_WAIT_SECONDS
			? { value: number }
			: { problem: `${quoted(value)} is not a number of seconds from 0 to ${MAX_WAIT_SECONDS}` };
	},

	httpUrl: (value) => {
		const raw = text(value);
		let url: URL | undefined;
		try {
			url = new URL(raw);
		} catch {
			url = undefined;
		}
		return url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname
			? { value: raw }
			: {
					problem: `${quoted(value)} is not an absolute http(s) URL, like https://example.com/awaz-events`,
				};
	},
};

export interface Field {
	/** The parameter's name in the node; `additionalFields.email` reads inside a collection. */
	parameter: string;
	/** The name the user sees in the node's form. */
	label: string;
	kind: FieldKind;
	/** Optional fields that are empty are left out of the request. */
	optional?: boolean;
}

function readRaw(ctx: IExecuteFunctions, itemIndex: number, parameter: string): unknown {
	const [name, inner] = parameter.split('.');
	if (inner !== undefined) {
		const collection = ctx.getNodeParameter(name, itemIndex, {}) as IDataObject;
		return collection[inner];
	}
	return ctx.getNodeParameter(name, itemIndex, '', { extractValue: true });
}

export function invalidField(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	problem: string,
): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`${invalidFieldMessage(label, problem)} [item ${itemIndex}]`,
		{
			itemIndex,
			description: 'Nothing was sent to Awaz for this item.',
		},
	);
}

/**
 * Reads and checks the fields of one item. Returns the values to send, keyed by parameter name
 * (the part after the dot for collection fields); throws a NodeOperationError naming the field and
 * the item before anything is sent.
 */
export function readFields<T extends IDataObject>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fields: Field[],
): T {
	const values: IDataObject = {};
	for (const field of fields) {
		const raw = readRaw(ctx, itemIndex, field.parameter);
		const key = field.parameter.split('.').pop()!;
		const notValue = notAValue(raw, field.kind);
		if (notValue) throw invalidField(ctx, itemIndex, field.label, notValue);
		if (field.optional && text(raw) === '') continue;
		// Only a date needs the workflow's timezone.
		const result = checks[field.kind](raw, field.kind === 'datetime' ? ctx.getTimezone() : 'UTC');
		if ('problem' in result) throw invalidField(ctx, itemIndex, field.label, result.problem);
		values[key] = result.value as IDataObject[string];
	}
	return values as T;
}

/**
 * The Options of one item (Timeout, Max Wait for Rate Limit, Max Wait When Busy), checked like
 * fields: a value from an expression that is not a number in range fails the item before anything
 * is sent, instead of meaning "no limit" (NaN) or firing at once (a timer past 2^31 ms).
 */
export function readTransportSettings(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Partial<Record<'timeout' | 'maxRateLimitWait' | 'maxBusyWait', number>> {
	return readFields(ctx, itemIndex, [
		{ parameter: 'options.timeout', label: 'Timeout', kind: 'timeoutSeconds', optional: true },
		{
			parameter: 'options.maxRateLimitWait',
			label: 'Max Wait for Rate Limit',
			kind: 'waitSeconds',
			optional: true,
		},
		{
			parameter: 'options.maxBusyWait',
			label: 'Max Wait When Busy',
			kind: 'waitSeconds',
			optional: true,
		},
	]);
}
