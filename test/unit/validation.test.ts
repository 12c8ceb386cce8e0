import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checks, readFields } from '../../nodes/Awaz/helpers/validation';

const NODE = {
	name: 'Awaz',
	type: 'n8n-nodes-awaz.awaz',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
} as unknown as INode;

/** Just enough of n8n's execute context for readFields: parameters of one item and a timezone. */
function contextWith(parameters: Record<string, unknown>, timezone = 'UTC'): IExecuteFunctions {
	return {
		getNode: () => NODE,
		getTimezone: () => timezone,
		getNodeParameter: (name: string, _itemIndex: number, fallback: unknown) =>
			name in parameters ? parameters[name] : fallback,
	} as unknown as IExecuteFunctions;
}

const datetime = (value: string, timezone: string) => checks.datetime(value, timezone);

describe('readFields', () => {
	it('returns the checked values keyed by parameter name, inner name for collection fields', () => {
		const ctx = contextWith({
			name: '  Jane Doe ',
			phone: '+1 (415) 555-0123',
			additionalFields: { email: 'jane@example.com' },
		});
		expect(
			readFields(ctx, 0, [
				{ parameter: 'name', label: 'Name', kind: 'text' },
				{ parameter: 'phone', label: 'Phone Number', kind: 'phone' },
				{ parameter: 'additionalFields.email', label: 'Email', kind: 'email', optional: true },
			]),
		).toEqual({ name: 'Jane Doe', phone: '+14155550123', email: 'jane@example.com' });
	});

	it('leaves an empty optional field out of the values', () => {
		const ctx = contextWith({ additionalFields: { email: '  ' } });
		expect(
			readFields(ctx, 0, [
				{ parameter: 'additionalFields.email', label: 'Email', kind: 'email', optional: true },
			]),
		).toEqual({});
	});

	it('names the field and the item in the error, and says nothing was sent', () => {
		const ctx = contextWith({ phone: '555-12' });
		let thrown: unknown;
		try {
			readFields(ctx, 3, [{ parameter: 'phone', label: 'Phone Number', kind: 'phone' }]);
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(NodeOperationError);
		expect((thrown as NodeOperationError).message).toMatch(
			/^The "Phone Number" field "555-12" is not a phone number in international E\.164 format.*\[item 3\]$/,
		);
		expect((thrown as NodeOperationError).description).toBe(
			'Nothing was sent to Awaz for this item.',
		);
	});

	it.each([
		['id', '  abc ', 'abc'],
		['positiveNumber', '2.5', 2.5],
		['positiveInteger', 7, 7],
		['httpUrl', 'https://example.com/hook', 'https://example.com/hook'],
	] as const)('accepts a good %s', (kind, value, expected) => {
		expect(checks[kind](value, 'UTC')).toEqual({ value: expected });
	});

	it.each([
		['id', ''],
		['text', '   '],
		['email', 'jane@'],
		['positiveNumber', ''],
		['positiveNumber', '0'],
		['positiveInteger', '1.5'],
		['positiveInteger', 'abc'],
		['httpUrl', 'ftp://example.com'],
		['httpUrl', '/relative'],
		['phone', '+0123456789'],
	] as const)('turns away a bad %s (%p)', (kind, value) => {
		expect(checks[kind](value, 'UTC')).toHaveProperty('problem');
	});
});

describe('the Date and Time check', () => {
	it('keeps a given offset and writes it with a colon', () => {
		expect(datetime('2025-06-01T14:30:00+0200', 'UTC')).toEqual({
			value: '2025-06-01T14:30:00+02:00',
		});
		expect(datetime('2025-06-01T14:30:00Z', 'Europe/Berlin')).toEqual({
			value: '2025-06-01T14:30:00+00:00',
		});
	});

	it('takes a time without an offset in the workflow timezone, on both sides of a DST change', () => {
		// Europe/Berlin moves from +01:00 to +02:00 at 02:00 on 2025-03-30.
		expect(datetime('2025-03-30T01:30:00', 'Europe/Berlin')).toEqual({
			value: '2025-03-30T01:30:00+01:00',
		});
		expect(datetime('2025-03-30T03:30:00', 'Europe/Berlin')).toEqual({
			value: '2025-03-30T03:30:00+02:00',
		});
		// New York moves back from -04:00 to -05:00 at 02:00 on 2025-11-02.
		expect(datetime('2025-11-01T12:00:00', 'America/New_York')).toEqual({
			value: '2025-11-01T12:00:00-04:00',
		});
		expect(datetime('2025-11-02T12:00:00', 'America/New_York')).toEqual({
			value: '2025-11-02T12:00:00-05:00',
		});
	});

	it('reads the edges of the year and a leap day', () => {
		expect(datetime('2024-12-31T23:59:59', 'Asia/Tokyo')).toEqual({
			value: '2024-12-31T23:59:59+09:00',
		});
		expect(datetime('2025-01-01T00:00:00', 'America/Los_Angeles')).toEqual({
			value: '2025-01-01T00:00:00-08:00',
		});
		expect(datetime('2024-02-29T00:00', 'UTC')).toEqual({ value: '2024-02-29T00:00:00+00:00' });
	});

	it.each([
		'2025-02-29T10:00:00',
		'2025-13-01',
		'2025-06-01T24:00:00',
		'2025-06-01T10:00:00+15:00',
		'tomorrow',
	])('turns away %p', (value) => {
		expect(datetime(value, 'UTC')).toHaveProperty('problem');
	});

	it('means now when empty, in the workflow timezone', () => {
		const result = datetime('', 'Asia/Kolkata') as { value: string };
		expect(result.value).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:30$/);
	});
});
