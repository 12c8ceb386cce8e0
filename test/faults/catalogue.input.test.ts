/**
 * Fault catalogue, part 1: bad input. Every rule of helpers/validation.ts (and the subscription
 * statuses) on the second or third item of a batch. With On Error → Stop the whole batch is
 * refused before the first request (0 requests); with Continue On Fail the bad item becomes an
 * error item and only the good ones are sent.
 */
import type { FaultCase } from './harness';
import {
	ADD_CREDITS,
	ADD_MINUTES,
	CREATE_CONTACT,
	FAST,
	GET_CALL,
	SCHEDULE,
	SUBSCRIBE,
	UNSUBSCRIBE,
	byInputItem,
	callIdItems,
	captureLogs,
	catalogue,
	contactItems,
	createdCalls,
	hookItems,
	leakCheck,
	run,
	scheduleItems,
	topUpItems,
	withBed,
} from './harness';

captureLogs();

const NOTHING_SENT = /^Nothing was sent to Awaz for this item\.$/;

/** A bad value in one item: the message names the field and the item, nothing is sent for it. */
const badInput = (
	name: string,
	params: FaultCase['params'],
	items: FaultCase['items'],
	item: number,
	message: RegExp,
): FaultCase => ({
	name,
	params,
	items,
	fails: { item, message, description: NOTHING_SENT },
	attempts: 0,
	single: true,
});

const cases: FaultCase[] = [
	badInput(
		'schedule: phone number not in E.164',
		SCHEDULE,
		scheduleItems({ 1: { phone: 'call me maybe' } }),
		1,
		/^The "Phone Number" field "call me maybe" is not a phone number in international E\.164 format.*\[item 1\]$/,
	),
	badInput(
		'schedule: phone number missing its + and country code',
		SCHEDULE,
		scheduleItems({ 2: { phone: '0415 555 0123' } }),
		2,
		/^The "Phone Number" field "0415 555 0123" is not a phone number in international E\.164 format.*like \+14155550123 \[item 2\]$/,
	),
	badInput(
		'schedule: empty phone number',
		SCHEDULE,
		scheduleItems({ 1: { phone: '' } }),
		1,
		/^The "Phone Number" field is empty; give a phone number like \+14155550123 \[item 1\]$/,
	),
	badInput(
		'schedule: empty contact name',
		SCHEDULE,
		scheduleItems({ 1: { name: '   ' } }),
		1,
		/^The "Contact Name" field is empty \[item 1\]$/,
	),
	badInput(
		'schedule: empty agent id',
		SCHEDULE,
		scheduleItems({ 1: { agent: '' } }),
		1,
		/^The "Agent" field is empty; give an id \[item 1\]$/,
	),
	badInput(
		'schedule: empty from-phone id',
		SCHEDULE,
		scheduleItems({ 2: { from: '' } }),
		2,
		/^The "From Phone" field is empty; give an id \[item 2\]$/,
	),
	badInput(
		'schedule: a date that does not exist (30 February)',
		SCHEDULE,
		scheduleItems({ 1: { datetime: '2030-02-30T10:00:00Z' } }),
		1,
		/^The "Date and Time" field "2030-02-30T10:00:00Z" is not an ISO 8601 date and time, like 2025-06-01T14:30:00\+02:00; leave it empty to call now \[item 1\]$/,
	),
	badInput(
		'schedule: a datetime in words',
		SCHEDULE,
		scheduleItems({ 1: { datetime: 'tomorrow at noon' } }),
		1,
		/^The "Date and Time" field "tomorrow at noon" is not an ISO 8601 date and time.*\[item 1\]$/,
	),
	badInput(
		'call get: empty call id',
		GET_CALL,
		callIdItems({ 1: { id: '' } }),
		1,
		/^The "Call" field is empty; give an id \[item 1\]$/,
	),
	{
		...badInput(
			'call get many: a limit of 0 from an expression',
			{ resource: 'call', operation: 'getAll', returnAll: false, limit: '={{ $json.limit }}' },
			[{ limit: 5 }, { limit: 0 }, { limit: 5 }],
			1,
			/^The "Limit" field "0" is not a whole number of 1 or more \[item 1\]$/,
		),
		single: false,
		check: ({ result, variant }) => {
			if (variant === 'continue') {
				expect(byInputItem(result.output, 3).map((group) => group.length)).toEqual([5, 1, 5]);
			}
		},
	},
	badInput(
		'contact create: empty name',
		CREATE_CONTACT,
		contactItems({ 1: { name: '' } }),
		1,
		/^The "Name" field is empty \[item 1\]$/,
	),
	badInput(
		'contact create: bad phone',
		CREATE_CONTACT,
		contactItems({ 2: { phone: '+0' } }),
		2,
		/^The "Phone Number" field "\+0" is not a phone number in international E\.164 format.*\[item 2\]$/,
	),
	badInput(
		'contact create: bad email',
		CREATE_CONTACT,
		contactItems({ 1: { email: 'jane.at.example.com' } }),
		1,
		/^The "Email" field "jane\.at\.example\.com" is not an email address \[item 1\]$/,
	),
	badInput(
		'workspace add credits: 0 credits',
		ADD_CREDITS,
		topUpItems({ 1: { amount: 0 } }),
		1,
		/^The "Credits" field "0" is not a positive number \[item 1\]$/,
	),
	badInput(
		'workspace add credits: credits that are not a number',
		ADD_CREDITS,
		topUpItems({ 2: { amount: 'lots' } }),
		2,
		/^The "Credits" field "lots" is not a positive number \[item 2\]$/,
	),
	badInput(
		'workspace add minutes: negative minutes',
		ADD_MINUTES,
		topUpItems({ 1: { amount: -5 } }),
		1,
		/^The "Minutes" field "-5" is not a positive number \[item 1\]$/,
	),
	badInput(
		'workspace add minutes: bad company email',
		ADD_MINUTES,
		topUpItems({ 2: { email: 'workspace@' } }),
		2,
		/^The "Company Email" field "workspace@" is not an email address \[item 2\]$/,
	),
	badInput(
		'subscription create: hook URL that is not http(s)',
		SUBSCRIBE,
		hookItems({ 1: { hookUrl: 'ftp://example.com/awaz-events' } }),
		1,
		/^The "Hook URL" field "ftp:\/\/example\.com\/awaz-events" is not an absolute http\(s\) URL, like https:\/\/example\.com\/awaz-events \[item 1\]$/,
	),
	badInput(
		'subscription create: relative hook URL',
		SUBSCRIBE,
		hookItems({ 2: { hookUrl: '/awaz-events' } }),
		2,
		/^The "Hook URL" field "\/awaz-events" is not an absolute http\(s\) URL.*\[item 2\]$/,
	),
	badInput(
		'subscription create: empty statuses',
		SUBSCRIBE,
		hookItems({ 1: { statuses: [] } }),
		1,
		/^The "Statuses" field is empty; choose at least one status \[item 1\]$/,
	),
	badInput(
		'subscription create: a status Awaz does not know',
		SUBSCRIBE,
		hookItems({ 1: { statuses: ['completed', 'ringing'] } }),
		1,
		/^The "Statuses" field has "ringing", which Awaz does not know; use outcome, pickup, busy, completed, voicemail, failed, canceled \[item 1\]$/,
	),
	{
		...badInput(
			'subscription delete: empty hook URL',
			UNSUBSCRIBE,
			hookItems({ 1: { hookUrl: '' } }),
			1,
			/^The "Hook URL" field "" is not an absolute http\(s\) URL.*\[item 1\]$/,
		),
		// The good items' subscriptions exist, so that Continue On Fail can delete them.
		setup: (sb) => {
			for (const { hookUrl } of hookItems()) {
				sb.state.hooks.push({ hookUrl: String(hookUrl), agents: [], status: ['completed'] });
			}
		},
	},
];

/** Options whose Timeout comes from the item, as an expression may give it. */
const TIMEOUT_FROM_ITEM = { ...FAST, timeout: '={{ $json.timeout }}' };
const WAIT_FROM_ITEM = { ...FAST, maxRateLimitWait: '={{ $json.wait }}' };
const withTimeouts = (bad: Record<number, string | number>) =>
	scheduleItems().map((item, index) => ({ ...item, timeout: index in bad ? bad[index] : 1 }));

/**
 * Values an expression gives that are not what the field takes: each of these once reached Awaz
 * and placed a real call ("[object Object]", "Bob,Smith", midnight, NaN as "no limit").
 */
const notAValueCases: FaultCase[] = [
	badInput(
		'schedule: contact name from an expression that gives an object',
		SCHEDULE,
		scheduleItems({ 1: { name: { first: 'Bob', last: 'Smith' } } }),
		1,
		/^The "Contact Name" field is an object, not a single value; point the expression at one field, like \{\{ \$json\.contact\.name \}\} \[item 1\]$/,
	),
	badInput(
		'schedule: contact name from an expression that gives a list',
		SCHEDULE,
		scheduleItems({ 2: { name: ['Bob', 'Smith'] } }),
		2,
		/^The "Contact Name" field is a list, not a single value.* \[item 2\]$/,
	),
	badInput(
		'schedule: phone number from an expression that gives an object',
		SCHEDULE,
		scheduleItems({ 1: { phone: { mobile: '+14155550101' } } }),
		1,
		/^The "Phone Number" field is an object, not a single value.* \[item 1\]$/,
	),
	badInput(
		'schedule: a yes/no where a name belongs',
		SCHEDULE,
		scheduleItems({ 1: { name: true } }),
		1,
		/^The "Contact Name" field is the boolean true, not a single value.* \[item 1\]$/,
	),
	badInput(
		'schedule: a date with no time of day (a sheet date column)',
		SCHEDULE,
		scheduleItems({ 1: { datetime: '2030-06-01' } }),
		1,
		/^The "Date and Time" field "2030-06-01" has no time of day; give the time too, like 2030-06-01T14:30:00\+02:00 \[item 1\]$/,
	),
	badInput(
		'schedule: a date with an offset but no time of day',
		SCHEDULE,
		scheduleItems({ 2: { datetime: '2030-06-01Z' } }),
		2,
		/^The "Date and Time" field "2030-06-01Z" has no time of day.* \[item 2\]$/,
	),
	badInput(
		'workspace add credits: hexadecimal credits (0x10 is not 16 here)',
		ADD_CREDITS,
		topUpItems({ 1: { amount: '0x10' } }),
		1,
		/^The "Credits" field "0x10" is not a positive number \[item 1\]$/,
	),
	badInput(
		'workspace add minutes: minutes in exponent notation',
		ADD_MINUTES,
		topUpItems({ 2: { amount: '1e3' } }),
		2,
		/^The "Minutes" field "1e3" is not a positive number \[item 2\]$/,
	),
	badInput(
		'call get: an id made of dots (the URL would drop it and read the list)',
		GET_CALL,
		callIdItems({ 1: { id: '..' } }),
		1,
		/^The "Call" field "\.\." is not an id \[item 1\]$/,
	),
	badInput(
		'options: a Timeout that is not a number (NaN once meant no limit)',
		{ ...SCHEDULE, options: TIMEOUT_FROM_ITEM },
		withTimeouts({ 1: 'NaN' }),
		1,
		/^The "Timeout" field "NaN" is not a number of seconds above 0 and at most 3600 \[item 1\]$/,
	),
	badInput(
		'options: a Timeout past 2^31 ms (a timer that fires at once)',
		{ ...SCHEDULE, options: TIMEOUT_FROM_ITEM },
		withTimeouts({ 2: 3_000_000 }),
		2,
		/^The "Timeout" field "3000000" is not a number of seconds above 0 and at most 3600 \[item 2\]$/,
	),
	badInput(
		'options: a negative Max Wait for Rate Limit',
		{ ...SCHEDULE, options: WAIT_FROM_ITEM },
		scheduleItems().map((item, index) => ({ ...item, wait: index === 1 ? -1 : 3 })),
		1,
		/^The "Max Wait for Rate Limit" field "-1" is not a number of seconds from 0 to 86400 \[item 1\]$/,
	),
];

catalogue('bad input', [...cases, ...notAValueCases]);

describe('pre-flight: every item is checked before the first request', () => {
	test('On Error → Stop, 3 calls to schedule, the 3rd invalid: error for item 2 and zero requests', async () => {
		await withBed({}, async ({ sb, env }) => {
			const result = await run(
				'pre-flight',
				env,
				SCHEDULE,
				scheduleItems({ 2: { phone: '12345' } }),
			);
			expect(result.error?.message).toMatch(
				/^The "Phone Number" field "12345" is not .* \[item 2\]$/,
			);
			expect(result.error?.description).toBe('Nothing was sent to Awaz for this item.');
			expect(result.error?.context?.itemIndex).toBe(2);
			// Items 0 and 1 were valid, but nobody was called: fixing item 2 and running again
			// calls nobody twice.
			expect(sb.requests).toHaveLength(0);
			expect(createdCalls(sb)).toHaveLength(0);
			expect(result.output).toEqual([]);
		});
	});

	test('the first bad item is the one reported when several are bad', async () => {
		await withBed({}, async ({ sb, env }) => {
			const result = await run(
				'pre-flight, two bad',
				env,
				SCHEDULE,
				scheduleItems({ 1: { name: '' }, 2: { phone: 'x' } }),
			);
			expect(result.error?.message).toBe('The "Contact Name" field is empty [item 1]');
			expect(result.error?.context?.itemIndex).toBe(1);
			expect(sb.requests).toHaveLength(0);
		});
	});

	test('Continue On Fail: two bad items become two error items; only the good one is sent', async () => {
		await withBed({}, async ({ sb, env }) => {
			const result = await run(
				'pre-flight, continue',
				env,
				SCHEDULE,
				scheduleItems({ 0: { agent: '' }, 2: { datetime: '31/12/2030' } }),
				{ continueOnFail: true },
			);
			expect(result.error).toBeUndefined();
			expect(result.output.map((entry) => entry.pairedItem)).toEqual([
				{ item: 0 },
				{ item: 1 },
				{ item: 2 },
			]);
			expect(result.output[0].json).toEqual({
				error: 'The "Agent" field is empty; give an id [item 0]',
			});
			expect(result.output[1].json).toMatchObject({ contact: { name: 'Person 1' } });
			expect(String(result.output[2].json.error)).toMatch(
				/^The "Date and Time" field "31\/12\/2030" .*\[item 2\]$/,
			);
			expect(sb.requests).toHaveLength(1);
			expect(createdCalls(sb)).toHaveLength(1);
		});
	});
});

leakCheck();
