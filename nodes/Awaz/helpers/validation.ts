import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Each kind of value the API takes, as a check that returns the value to send or says what is
 * wrong with it. Operations declare their fields with these kinds; nothing else validates.
 */
type Check = (value: unknown, timezone: string) => { value: unknown } | { problem: string };

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ISO_DATETIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function text(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'object' && 'toISO' in (value as object)) {
		// A Luxon DateTime from an expression such as {{ $now.plus(1, 'hour') }}.
		return String((value as { toISO: () => string }).toISO());
	}
	return String(value).trim();
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

/** Minutes east of UTC in `timezone` at the instant `utcMs`. */
function zoneOffsetMinutes(timezone: string, utcMs: number): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone: timezone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(utcMs));
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
	const [, y, mo, d, h = '00', mi = '00', s = '00', , zone] = match;
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
	| 'httpUrl';

/** A number typed or computed as text counts; an empty value is not zero. */
function asNumber(value: unknown): number {
	if (typeof value === 'number') return value;
	const raw = text(value);
	return raw === '' ? NaN : Number(raw);
}

export const checks: Record<FieldKind, Check> = {
	id: (value) => (text(value) ? { value: text(value) } : { problem: 'is empty; give an id' }),

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
		`The "${label}" field ${problem} [item ${itemIndex}]`,
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
	const timezone = ctx.getTimezone();
	const values: IDataObject = {};
	for (const field of fields) {
		const raw = readRaw(ctx, itemIndex, field.parameter);
		const key = field.parameter.split('.').pop()!;
		if (field.optional && text(raw) === '') continue;
		const result = checks[field.kind](raw, timezone);
		if ('problem' in result) throw invalidField(ctx, itemIndex, field.label, result.problem);
		values[key] = result.value as IDataObject[string];
	}
	return values as T;
}
