/**
 * The node checks every item's fields before it sends anything: a bad value fails with a message
 * naming the field and the item, and nothing reaches Awaz, not even for the items before it.
 */
import type { IDataObject } from 'n8n-workflow';

import type { RunResult } from '../../kit/runner';
import { awazNode, runNode } from '../../kit/runner';
import {
	AGENT_ID,
	COMPANY_EMAIL,
	expectOutput,
	locator,
	PHONE_ID,
	useSandbox,
	scheduleNode,
} from './helpers';

const t = useSandbox();

const schedule = scheduleNode;
const createContact = (parameters: IDataObject = {}) =>
	awazNode({
		resource: 'contact',
		operation: 'create',
		name: 'Jane Doe',
		phone: '+14155550123',
		...parameters,
	});
const getCall = (callId: IDataObject) => awazNode({ resource: 'call', operation: 'get', callId });
const subscribe = (parameters: IDataObject) =>
	awazNode({
		resource: 'subscription',
		operation: 'create',
		hookUrl: 'https://example.com/hook',
		...parameters,
	});
const unsubscribe = (hookUrl: string) =>
	awazNode({ resource: 'subscription', operation: 'delete', hookUrl });
const addCredits = (parameters: IDataObject) =>
	awazNode({
		resource: 'workspace',
		operation: 'addCredits',
		companyEmail: COMPANY_EMAIL,
		credits: 10,
		...parameters,
	});
const addMinutes = (parameters: IDataObject) =>
	awazNode({
		resource: 'workspace',
		operation: 'addMinutes',
		companyEmail: COMPANY_EMAIL,
		minutes: 10,
		...parameters,
	});
const getManyCalls = (parameters: IDataObject) =>
	awazNode({ resource: 'call', operation: 'getAll', returnAll: false, ...parameters });

/** The run failed on `field` of item `item`, and no request at all reached Awaz. */
function expectRejected(result: RunResult, field: string, item: number, problem?: string | RegExp) {
	expect(result.output).toEqual([]);
	expect(result.error).toBeDefined();
	const message = result.error!.message;
	expect(message).toContain(`The "${field}" field`);
	expect(message).toContain(`[item ${item}]`);
	if (problem) expect(message).toMatch(problem);
	expect(result.error!.context?.itemIndex).toBe(item);
	expect(t.sb.requests).toEqual([]);
}

const V = '={{ $json.v }}';

/**
 * Each case runs two items, a good value first and the bad one second: the bad item is named,
 * and the good one is not sent either.
 */
const invalidValues: Array<{
	rule: string;
	node: () => ReturnType<typeof awazNode>;
	good: string | number;
	bad: string | number;
	field: string;
	problem: string | RegExp;
}> = [
	{
		rule: 'phone with letters (Schedule)',
		node: () => schedule({ phone: V }),
		good: '+14155550123',
		bad: '+1415555ABCD',
		field: 'Phone Number',
		problem: '"+1415555ABCD" is not a phone number in international E.164 format',
	},
	{
		rule: 'phone too short (Schedule)',
		node: () => schedule({ phone: V }),
		good: '+14155550123',
		bad: '+12345',
		field: 'Phone Number',
		problem: 'E.164',
	},
	{
		rule: 'phone without + (Schedule)',
		node: () => schedule({ phone: V }),
		good: '+14155550123',
		bad: '14155550123',
		field: 'Phone Number',
		problem: '"14155550123" is not a phone number',
	},
	{
		rule: 'empty phone (Schedule)',
		node: () => schedule({ phone: V }),
		good: '+14155550123',
		bad: '',
		field: 'Phone Number',
		problem: 'is empty',
	},
	{
		rule: 'phone with letters (Contact)',
		node: () => createContact({ phone: V }),
		good: '+14155550123',
		bad: 'call me',
		field: 'Phone Number',
		problem: '"call me" is not a phone number',
	},
	{
		rule: 'phone too short (Contact)',
		node: () => createContact({ phone: V }),
		good: '+14155550123',
		bad: '+1 555',
		field: 'Phone Number',
		problem: 'E.164',
	},
	{
		rule: 'phone without + (Contact)',
		node: () => createContact({ phone: V }),
		good: '+14155550123',
		bad: '0044 20 7123 4567',
		field: 'Phone Number',
		problem: 'E.164',
	},
	{
		rule: 'empty agent id',
		node: () => schedule({ agentId: locator(V, 'id') }),
		good: AGENT_ID,
		bad: '',
		field: 'Agent',
		problem: 'is empty; give an id',
	},
	{
		rule: 'empty from-phone id',
		node: () => schedule({ fromPhoneId: locator(V, 'id') }),
		good: PHONE_ID,
		bad: '  ',
		field: 'From Phone',
		problem: 'is empty',
	},
	{
		rule: 'empty call id',
		node: () => getCall(locator(V, 'id')),
		good: '670000000000000000010001',
		bad: '',
		field: 'Call',
		problem: 'is empty',
	},
	{
		rule: 'empty contact name (Schedule)',
		node: () => schedule({ name: V }),
		good: 'Jane',
		bad: '',
		field: 'Contact Name',
		problem: 'is empty',
	},
	{
		rule: 'empty name (Contact)',
		node: () => createContact({ name: V }),
		good: 'Jane',
		bad: ' ',
		field: 'Name',
		problem: 'is empty',
	},
	{
		rule: 'datetime in words',
		node: () => schedule({ datetime: V }),
		good: '2025-06-01T14:30:00Z',
		bad: 'tomorrow',
		field: 'Date and Time',
		problem: '"tomorrow" is not an ISO 8601 date and time',
	},
	{
		rule: 'datetime on a day that does not exist',
		node: () => schedule({ datetime: V }),
		good: '2025-06-01T14:30:00Z',
		bad: '2024-02-30T10:00:00Z',
		field: 'Date and Time',
		problem: '"2024-02-30T10:00:00Z" is not an ISO 8601',
	},
	{
		rule: 'datetime at an hour that does not exist',
		node: () => schedule({ datetime: V }),
		good: '2025-06-01T14:30:00Z',
		bad: '2025-06-01T25:00:00Z',
		field: 'Date and Time',
		problem: 'ISO 8601',
	},
	{
		rule: 'zero credits',
		node: () => addCredits({ credits: V }),
		good: 5,
		bad: 0,
		field: 'Credits',
		problem: '"0" is not a positive number',
	},
	{
		rule: 'negative credits',
		node: () => addCredits({ credits: V }),
		good: 5,
		bad: -5,
		field: 'Credits',
		problem: '"-5" is not a positive number',
	},
	{
		rule: 'credits that are not a number',
		node: () => addCredits({ credits: V }),
		good: 5,
		bad: 'abc',
		field: 'Credits',
		problem: '"abc" is not a positive number',
	},
	{
		rule: 'negative minutes',
		node: () => addMinutes({ minutes: V }),
		good: 5,
		bad: -5,
		field: 'Minutes',
		problem: 'is not a positive number',
	},
	{
		rule: 'minutes that are not a number',
		node: () => addMinutes({ minutes: V }),
		good: 5,
		bad: 'ten',
		field: 'Minutes',
		problem: '"ten" is not a positive number',
	},
	{
		rule: 'hook URL that is not http(s) (Create)',
		node: () => subscribe({ hookUrl: V }),
		good: 'https://example.com/a',
		bad: 'ftp://x',
		field: 'Hook URL',
		problem: '"ftp://x" is not an absolute http(s) URL',
	},
	{
		rule: 'hook URL that is not a URL (Create)',
		node: () => subscribe({ hookUrl: V }),
		good: 'https://example.com/a',
		bad: 'not a url',
		field: 'Hook URL',
		problem: '"not a url" is not an absolute http(s) URL',
	},
	{
		rule: 'hook URL that is not http(s) (Delete)',
		node: () => unsubscribe(V),
		good: 'https://example.com/a',
		bad: 'ftp://x',
		field: 'Hook URL',
		problem: 'http(s) URL',
	},
	{
		rule: 'hook URL that is not a URL (Delete)',
		node: () => unsubscribe(V),
		good: 'https://example.com/a',
		bad: 'not a url',
		field: 'Hook URL',
		problem: 'http(s) URL',
	},
	{
		rule: 'bad contact email',
		node: () => createContact({ additionalFields: { email: V } }),
		good: 'jane@example.com',
		bad: 'jane@',
		field: 'Email',
		problem: '"jane@" is not an email address',
	},
	{
		rule: 'bad company email (Add Credits)',
		node: () => addCredits({ companyEmail: V }),
		good: COMPANY_EMAIL,
		bad: 'not-an-email',
		field: 'Company Email',
		problem: '"not-an-email" is not an email address',
	},
	{
		rule: 'empty company email (Add Minutes)',
		node: () => addMinutes({ companyEmail: V }),
		good: COMPANY_EMAIL,
		bad: '',
		field: 'Company Email',
		problem: 'is not an email address',
	},
	{
		rule: 'no statuses',
		node: () => subscribe({ statuses: V }),
		good: 'pickup',
		bad: '',
		field: 'Statuses',
		problem: 'choose at least one status',
	},
	{
		rule: 'a status Awaz does not know',
		node: () => subscribe({ statuses: V }),
		good: 'pickup',
		bad: 'pickup, ringing',
		field: 'Statuses',
		problem: '"ringing", which Awaz does not know',
	},
	{
		rule: 'a limit that is not a number',
		node: () => getManyCalls({ limit: V }),
		good: 5,
		bad: 'abc',
		field: 'Limit',
		problem: '"abc" is not a whole number of 1 or more',
	},
	{
		rule: 'a limit of zero',
		node: () => getManyCalls({ limit: V }),
		good: 5,
		bad: 0,
		field: 'Limit',
		problem: '"0" is not a whole number',
	},
	{
		rule: 'a fractional limit',
		node: () => getManyCalls({ limit: V }),
		good: 5,
		bad: 2.5,
		field: 'Limit',
		problem: '"2.5" is not a whole number',
	},
	{
		rule: 'a negative limit',
		node: () => awazNode({ resource: 'agent', operation: 'getAll', returnAll: false, limit: V }),
		good: 5,
		bad: -1,
		field: 'Limit',
		problem: '"-1" is not a whole number',
	},
];

describe.each(invalidValues)('rejects $rule', ({ node, good, bad, field, problem }) => {
	it('names the field and the item, and sends nothing for any item', async () => {
		const result = await runNode(t.env, node(), [{ v: good }, { v: bad }]);

		expectRejected(result, field, 1, problem);
	});
});

describe('values given directly, not by expression', () => {
	it('a bad phone on the only item names item 0', async () => {
		expectRejected(
			await runNode(t.env, createContact({ phone: '555-0123' })),
			'Phone Number',
			0,
			'"555-0123"',
		);
	});

	it('credits of 0 are refused', async () => {
		expectRejected(await runNode(t.env, addCredits({ credits: 0 })), 'Credits', 0, '"0"');
	});
});

describe('required fields left empty in the node itself', () => {
	// n8n checks required parameters before the node runs: these never reach the node's own checks.
	it.each([
		['Agent', () => schedule({ agentId: locator('') })],
		['From Phone', () => schedule({ fromPhoneId: locator('', 'id') })],
		['Call', () => getCall(locator(''))],
		['Statuses', () => subscribe({ statuses: [] })],
	])('n8n refuses to run without a %s, and nothing is sent', async (field, node) => {
		await expect(runNode(t.env, node())).rejects.toThrow(`Parameter "${field}" is required`);
		expect(t.sb.requests).toEqual([]);
	});
});

describe('numbers from expressions', () => {
	it('a limit given as text is read as a number', async () => {
		const { output } = await runNode(t.env, getManyCalls({ limit: V }), [{ v: '3' }]);

		expect(output).toHaveLength(3);
		expect(t.sb.requests).toHaveLength(1);
	});
});

describe('phone numbers', () => {
	it.each([
		['+1 (415) 555-0123', '+14155550123'],
		['+44 20.7123.4567', '+442071234567'],
		['  +4930/1234567 ', '+49301234567'],
	])('"%s" is sent as %s', async (typed, sent) => {
		const { error } = await runNode(t.env, schedule({ phone: typed }));

		expect(error).toBeUndefined();
		expect((t.sb.requests[0].body as IDataObject).phone).toBe(sent);
	});

	it('contacts get the same normalisation', async () => {
		await runNode(t.env, createContact({ phone: '+1 (415) 555-0123' }));

		expect((t.sb.requests[0].body as IDataObject).phone).toBe('+14155550123');
	});
});

describe('date and time of a scheduled call', () => {
	const sentDatetime = async (datetime: string | undefined) => {
		const { error } = await runNode(t.env, schedule({ datetime }));
		expect(error).toBeUndefined();
		return (t.sb.requests[0].body as IDataObject).datetime;
	};

	it.each([
		[
			'a time without offset, in winter, is Berlin time (+01:00)',
			'2025-01-15T09:30:00',
			'2025-01-15T09:30:00+01:00',
		],
		[
			'a time without offset, in summer, is Berlin time (+02:00)',
			'2025-07-15T09:30:00',
			'2025-07-15T09:30:00+02:00',
		],
		[
			'a time with a space and no seconds is read the same way',
			'2025-01-15 09:30',
			'2025-01-15T09:30:00+01:00',
		],
		['Z is sent as +00:00', '2025-01-15T09:30:00Z', '2025-01-15T09:30:00+00:00'],
		['an explicit offset is kept', '2025-01-15T09:30:00+05:30', '2025-01-15T09:30:00+05:30'],
		['a negative offset is kept', '2025-01-15T09:30:00-08:00', '2025-01-15T09:30:00-08:00'],
		[
			'the collection\'s short "-00" offset is understood',
			'2024-01-01T00:00:00-00',
			'2024-01-01T00:00:00+00:00',
		],
	])('%s', async (_title, typed, sent) => {
		expect(await sentDatetime(typed)).toBe(sent);
	});

	it('a Luxon DateTime from an expression is sent in its own zone', async () => {
		expect(
			await sentDatetime(
				"={{ DateTime.fromISO('2025-03-01T10:00:00', { zone: 'America/New_York' }) }}",
			),
		).toBe('2025-03-01T10:00:00-05:00');
	});

	/** Berlin's offset at an instant, as "+01:00" or "+02:00". */
	const berlinOffset = (at: Date) =>
		new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', timeZoneName: 'longOffset' })
			.formatToParts(at)
			.find((part) => part.type === 'timeZoneName')!
			.value.replace('GMT', '');

	it.each([
		['empty', ''],
		['left out', undefined],
	])('%s means now, sent as Berlin time with its offset', async (_title, datetime) => {
		const sent = String(await sentDatetime(datetime));

		expect(sent).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
		expect(Math.abs(Date.parse(sent) - Date.now())).toBeLessThan(60_000);
		expect(sent.slice(-6)).toBe(berlinOffset(new Date(sent)));
	});
});

describe('all items are checked before the first request', () => {
	const people = [
		{ name: 'Ana', phone: '+34911222333' },
		{ name: 'Ben', phone: 'not a number' },
		{ name: 'Chloé', phone: '+33142685300' },
	];
	const scheduleFromItems = (continueOnFail: boolean) =>
		awazNode(
			{
				resource: 'call',
				operation: 'schedule',
				agentId: locator(AGENT_ID),
				fromPhoneId: locator(PHONE_ID),
				name: '={{ $json.name }}',
				phone: '={{ $json.phone }}',
				datetime: '2025-06-01T14:30:00+02:00',
			},
			{ continueOnFail },
		);

	it('with Continue On Fail, the bad item becomes an error item and the others are sent', async () => {
		const { output, error } = await runNode(t.env, scheduleFromItems(true), people);

		expect(error).toBeUndefined();
		expect(t.sb.requests.map((request) => (request.body as IDataObject).name)).toEqual([
			'Ana',
			'Chloé',
		]);
		expect(output).toHaveLength(3);
		expectOutput(output, [
			[t.sb.state.calls[57], 0],
			[{ error: expect.stringContaining('"Phone Number" field "not a number"') }, 1],
			[t.sb.state.calls[58], 2],
		]);
		expect(output[1].json.error).toContain('[item 1]');
	});

	it('without Continue On Fail, a bad third item means no call is scheduled at all', async () => {
		const result = await runNode(t.env, scheduleFromItems(false), [
			people[0],
			people[2],
			people[1],
		]);

		expectRejected(result, 'Phone Number', 2, '"not a number"');
		expect(t.sb.state.calls).toHaveLength(57);
	});

	it('without Continue On Fail, the first bad item is the one reported', async () => {
		const result = await runNode(t.env, createContact({ phone: '={{ $json.phone }}' }), [
			{ phone: '+14155550123' },
			{ phone: 'x' },
			{ phone: 'y' },
		]);

		expectRejected(result, 'Phone Number', 1, '"x"');
	});
});
