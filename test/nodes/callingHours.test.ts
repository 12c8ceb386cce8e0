/**
 * Calling Hours on Call → Schedule and Call → Schedule and Wait for Outcome, through n8n's engine
 * against the sandbox: what Awaz receives for each number, and what each output item says. The
 * workflow's zone is Europe/Berlin (kit/runner/engine.js).
 */
import type { IDataObject } from 'n8n-workflow';

import { awazNode, runNode } from '../../kit/runner';
import type { Entity, Sandbox } from './helpers';
import { AGENT_ID, expectOutput, locator, PHONE_ID, scheduleNode, useSandbox } from './helpers';

const t = useSandbox({ lifecycle: { timeScale: 0.02 } });

/** The calls the run created, as the sandbox holds them now. */
const created = (sb: Sandbox): Entity[] => sb.state.calls.slice(sb.fixtures.calls.length);

/** Tuesday 15 January 2030, 14:00 UTC: 09:00 in New York, 15:00 in Berlin, 23:00 in Tokyo. */
const INSTANT = '2030-01-15T14:00:00Z';
/** INSTANT as the Date and Time field's check writes it, and so as it is sent when not moved. */
const AS_GIVEN = '2030-01-15T14:00:00+00:00';
const WINDOW = { earliest: '10:00', latest: '17:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] };

const LEADS = [
	{ name: 'Ann', phone: '+12125550104' },
	{ name: 'Ben', phone: '+4930123456' },
	{ name: 'Chi', phone: '+81312345678' },
	{ name: 'Dan', phone: '+5521987654321' },
];

/** Schedule over items with `name` and `phone`, at INSTANT, with Calling Hours `window`. */
const scheduleLeads = (
	window: IDataObject | undefined,
	parameters: IDataObject = {},
	settings = {},
) =>
	scheduleNode(
		{
			name: '={{ $json.name }}',
			phone: '={{ $json.phone }}',
			datetime: INSTANT,
			...(window ? { callingHours: { window } } : {}),
			...parameters,
		},
		settings,
	);

const body = (lead: { name: string; phone: string }, datetime: string) => ({
	agent: AGENT_ID,
	from: PHONE_ID,
	name: lead.name,
	phone: lead.phone,
	datetime,
});

describe('Call → Schedule with Calling Hours', () => {
	it('checks one instant in each contact’s zone: calls outside move to the window’s next start there, with that offset', async () => {
		const { output, error } = await runNode(t.env, scheduleLeads(WINDOW), LEADS);

		expect(error).toBeUndefined();
		const sent = ['2030-01-15T10:00:00-05:00', AS_GIVEN, '2030-01-16T10:00:00+09:00', AS_GIVEN];
		expect(t.sb.requests.map((request) => request.body)).toEqual(
			LEADS.map((lead, index) => body(lead, sent[index])),
		);
		const zones = ['America/New_York', 'Europe/Berlin', 'Asia/Tokyo', 'America/Sao_Paulo'];
		expectOutput(
			output,
			created(t.sb).map((call, index) => [
				{
					...call,
					callingHours: {
						timeZones: [zones[index]],
						timeZonesFrom: 'phone number',
						requested: AS_GIVEN,
						scheduled: sent[index],
						moved: sent[index] !== AS_GIVEN,
					},
				},
				index,
			]),
		);
	});

	it('not set: the Date and Time is sent as given and the output is Awaz’s answer alone', async () => {
		const { output } = await runNode(t.env, scheduleLeads(undefined), LEADS);

		expect(t.sb.requests.map((request) => request.body)).toEqual(
			LEADS.map((lead) => body(lead, AS_GIVEN)),
		);
		expectOutput(
			output,
			created(t.sb).map((call, index) => [call, index]),
		);
	});

	it('a multi-zone number is called when the window holds in all its zones (Alaska: Adak and Anchorage)', async () => {
		const lead = { name: 'Eve', phone: '+19075550104' };

		const { output } = await runNode(t.env, scheduleLeads(WINDOW), [lead]);

		expect(t.sb.requests.map((request) => request.body)).toEqual([
			body(lead, '2030-01-15T10:00:00-10:00'),
		]);
		expect(output[0].json.callingHours).toEqual({
			timeZones: ['America/Adak', 'America/Anchorage'],
			timeZonesFrom: 'phone number',
			requested: AS_GIVEN,
			scheduled: '2030-01-15T10:00:00-10:00',
			moved: true,
		});
	});

	it.each([
		[
			{ ...WINDOW, earliest: '25:00' },
			'The "Calling Hours → Earliest" field "25:00" is not a time of day as HH:MM (24-hour), like 09:00 or 21:30 [item 1]',
		],
		[
			{ ...WINDOW, latest: '9am' },
			'The "Calling Hours → Latest" field "9am" is not a time of day as HH:MM (24-hour), like 09:00 or 21:30 [item 1]',
		],
		[
			{ ...WINDOW, days: [] },
			'The "Calling Hours → Days" field has no day chosen; choose at least one day [item 1]',
		],
		[
			{ ...WINDOW, timeZone: 'Europe/Atlantis' },
			'The "Calling Hours → Time Zone" field "Europe/Atlantis" is not an IANA time zone name, like America/New_York or Europe/Berlin; leave it empty to use each phone number\'s zone [item 1]',
		],
		[
			{ ...WINDOW, latest: '10:00' },
			'The "Calling Hours → Latest" field is the same as Earliest (10:00): the window would be empty or the whole day; give a different time, or remove Calling Hours to call at any time [item 1]',
		],
		[
			{ ...WINDOW, outside: 'fail' },
			'The "Calling Hours" field does not allow a call at 2030-01-15T14:00:00+00:00: it is outside 10:00–17:00 on Mon, Tue, Wed, Thu, Fri in America/New_York (America/New_York) [item 1]',
		],
		[
			WINDOW,
			'The "Calling Hours" field has no time zone for +80012345678: its prefix is not in the time-zone data. Set Time Zone, or Unknown Numbers to "Use the Workflow\'s Time Zone" [item 1]',
			'+80012345678',
		],
		[
			WINDOW,
			expect.stringMatching(
				/^The "Calling Hours" field has no time within the next 14 days that is inside 10:00–17:00 on Mon, Tue, Wed, Thu, Fri in all 42 time zones of \+18005550104 \(America\/Adak, .*, Pacific\/Saipan\); nothing was sent\. .* \[item 1\]$/,
			),
			'+18005550104',
		],
	])(
		'item 1 with %j fails before anything is sent: %s',
		async (window: IDataObject, message: unknown, phone = LEADS[0].phone) => {
			// Each field of the window from the item, as a sheet of leads with their own hours would.
			const node = scheduleLeads({
				earliest: '={{ $json.window.earliest }}',
				latest: '={{ $json.window.latest }}',
				days: '={{ $json.window.days }}',
				timeZone: "={{ $json.window.timeZone ?? '' }}",
				outside: "={{ $json.window.outside ?? 'move' }}",
			});
			const items = [
				{ ...LEADS[1], window: WINDOW },
				{ ...LEADS[0], phone, window },
			];

			const { error } = await runNode(t.env, node, items);

			expect(error?.message).toEqual(message);
			expect(error?.description).toBe('Nothing was sent to Awaz for this item.');
			expect(t.sb.requests).toEqual([]);
		},
	);

	it('with Continue On Fail, an item outside the window (Outside: Fail the Item) gives an error item, the others their calls', async () => {
		const { output } = await runNode(
			t.env,
			scheduleLeads({ ...WINDOW, outside: 'fail' }, {}, { continueOnFail: true }),
			[LEADS[1], LEADS[2]],
		);

		expect(t.sb.requests.map((request) => request.body)).toEqual([body(LEADS[1], AS_GIVEN)]);
		expectOutput(output, [
			[
				{
					...created(t.sb)[0],
					callingHours: {
						timeZones: ['Europe/Berlin'],
						timeZonesFrom: 'phone number',
						requested: AS_GIVEN,
						scheduled: AS_GIVEN,
						moved: false,
					},
				},
				0,
			],
			[
				{
					error:
						'The "Calling Hours" field does not allow a call at 2030-01-15T14:00:00+00:00: it is outside 10:00–17:00 on Mon, Tue, Wed, Thu, Fri in Asia/Tokyo (Asia/Tokyo) [item 1]',
				},
				1,
			],
		]);
	});

	it("an unknown number uses the workflow's zone only when Unknown Numbers says so", async () => {
		const lead = { name: 'Fay', phone: '+80012345678' };

		const { output } = await runNode(
			t.env,
			scheduleLeads({ ...WINDOW, earliest: '16:00', unknownNumbers: 'workflowZone' }),
			[lead],
		);

		// 15:00 in Berlin, the workflow's zone: moved to 16:00 there.
		expect(t.sb.requests.map((request) => request.body)).toEqual([
			body(lead, '2030-01-15T16:00:00+01:00'),
		]);
		expect(output[0].json.callingHours).toMatchObject({
			timeZones: ['Europe/Berlin'],
			timeZonesFrom: 'workflow time zone (the number has no zone in the data)',
		});
	});

	it('Time Zone applies one zone to every number', async () => {
		await runNode(t.env, scheduleLeads({ ...WINDOW, timeZone: 'Asia/Tokyo' }), LEADS.slice(0, 2));

		expect(t.sb.requests.map((request) => request.body.datetime)).toEqual([
			'2030-01-16T10:00:00+09:00',
			'2030-01-16T10:00:00+09:00',
		]);
	});
});

describe('Call → Schedule and Wait for Outcome with Calling Hours', () => {
	/** HH:MM in UTC, `minutes` from now (rounded down to the minute). */
	const utcClock = (minutes: number) =>
		new Date(Date.now() + minutes * 60_000).toISOString().slice(11, 16);
	const everyDay = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
	const scheduleAndWait = (window: IDataObject, parameters: IDataObject = {}) =>
		awazNode({
			resource: 'call',
			operation: 'scheduleAndWait',
			agentId: locator(AGENT_ID),
			fromPhoneId: locator(PHONE_ID),
			name: 'Ann',
			phone: '+12125550100',
			callingHours: { window },
			...parameters,
		});

	it('the three-hour hold counts from the moved time: a call moved 4 hours ahead is refused before it is sent', async () => {
		const window = {
			earliest: utcClock(240),
			latest: utcClock(300),
			days: everyDay,
			timeZone: 'UTC',
		};

		const { error } = await runNode(t.env, scheduleAndWait(window, { maxWait: 30 }));

		expect(error?.message).toMatch(
			/^The "Max Wait \(Minutes\)" field "30" and the 2[34]\d\.\d+ min until the call is due .* is more than the 180 minutes .* \[item 0\]$/,
		);
		expect(t.sb.requests).toEqual([]);
	});

	it('Max Wait counts from the moved time: a call moved to the next minute is waited for past 3 s from now', async () => {
		// The window opens at the next whole minute (UTC) and stays open an hour.
		const window = { earliest: utcClock(1), latest: utcClock(61), days: everyDay, timeZone: 'UTC' };

		const { output, error } = await runNode(t.env, scheduleAndWait(window, { maxWait: 0.05 }));

		// Busy 0.06 s after it is due: within 3 s of the moved time, long after 3 s from now.
		expect(error).toBeUndefined();
		const [call] = created(t.sb);
		const scheduled = String(t.sb.requests[0].body.datetime);
		expect(scheduled).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT${window.earliest}:00\\+00:00$`));
		expect(output.map((item) => item.json)).toEqual([
			{
				...call,
				callingHours: {
					timeZones: ['UTC'],
					timeZonesFrom: 'Time Zone',
					requested: expect.any(String),
					scheduled,
					moved: true,
				},
			},
		]);
		expect(call.status).toBe('busy');
	}, 120_000);
});

describe('Calling Hours under Retry On Fail', () => {
	it('a call handed back on the retry keeps the report of the try that placed it', async () => {
		// Date and Time empty ("now"), a window open at every hour: nothing moves, and each try's
		// "now" is the time asked for. Item 1 is refused once, so only it is placed on the retry.
		t.sb.inject({ kind: 'status', status: 400, method: 'POST', after: 1, times: 1 });
		const always = {
			earliest: '00:00',
			latest: '23:59',
			days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
		};

		const { output, error } = await runNode(
			t.env,
			scheduleLeads(
				always,
				{ datetime: '' },
				{ retryOnFail: true, maxTries: 2, waitBetweenTries: 1000 },
			),
			LEADS.slice(0, 2),
		);

		expect(error).toBeUndefined();
		const [first, retried] = t.sb.requests.filter((request) => request.status === 201);
		const [ann, ben] = output.map((item) => item.json.callingHours as IDataObject);
		expect(ann.requested).toBe(first.body.datetime);
		expect(ben.requested).toBe(retried.body.datetime);
		expect(ann.requested).not.toBe(ben.requested);
	});
});
