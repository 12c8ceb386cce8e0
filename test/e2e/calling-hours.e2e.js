'use strict';
/**
 * Calling Hours in a real n8n: workflows/call-schedule-calling-hours.json (Webhook → Split Out →
 * Awaz: Call → Schedule with Calling Hours 10:00–17:00, Monday to Friday, the contact's zone from
 * the number) schedules four numbers from four countries at one instant, Tuesday 15 January 2030
 * 14:00 UTC: 09:00 in New York (moved to 10:00 there), 15:00 in Berlin (kept), 23:00 in Tokyo
 * (moved to Wednesday 10:00 there) and 11:00 in Rio de Janeiro (kept).
 */
const {
	AGENT_ID,
	PHONE_ID,
	activateWebhookWorkflows,
	e2eEnv,
	expectRequests,
	nodeOutput,
	runWebhookWorkflow,
} = require('./helpers');

const WORKFLOW = { id: 'awazE2eCallHours', path: 'awaz-e2e/call-schedule-calling-hours' };
/** The workflow's Date and Time, as the node sends it when a call stays where it is. */
const AS_GIVEN = '2030-01-15T14:00:00+00:00';
const LEADS = [
	{
		name: 'Ann',
		phone: '+12125550104',
		zone: 'America/New_York',
		sent: '2030-01-15T10:00:00-05:00',
	},
	{ name: 'Ben', phone: '+4930123456', zone: 'Europe/Berlin', sent: AS_GIVEN },
	{ name: 'Chi', phone: '+81312345678', zone: 'Asia/Tokyo', sent: '2030-01-16T10:00:00+09:00' },
	{ name: 'Dan', phone: '+5521987654321', zone: 'America/Sao_Paulo', sent: AS_GIVEN },
];

let sandbox;
beforeAll(async () => {
	({ sandbox } = await e2eEnv());
	await activateWebhookWorkflows([WORKFLOW]);
});
beforeEach(() => sandbox.reset());

test('four countries at one instant: Awaz receives each call at the window’s start in its own zone, or as given', async () => {
	const calls = LEADS.map(({ name, phone }) => ({ name, phone }));
	const before = sandbox.state.calls.length;

	const { response, execution } = await runWebhookWorkflow(WORKFLOW, { calls });

	expectRequests(
		sandbox,
		LEADS.map((lead) => ({
			method: 'POST',
			path: '/v1/calls',
			body: {
				agent: AGENT_ID,
				name: lead.name,
				phone: lead.phone,
				from: PHONE_ID,
				datetime: lead.sent,
			},
		})),
	);
	const created = sandbox.state.calls.slice(before);
	const expected = LEADS.map((lead, index) => ({
		...created[index],
		callingHours: {
			timeZones: [lead.zone],
			timeZonesFrom: 'phone number',
			requested: AS_GIVEN,
			scheduled: lead.sent,
			moved: lead.sent !== AS_GIVEN,
		},
	}));
	expect(created.map((call) => call.datetime)).toEqual([
		'2030-01-15T15:00:00.000Z',
		'2030-01-15T14:00:00.000Z',
		'2030-01-16T01:00:00.000Z',
		'2030-01-15T14:00:00.000Z',
	]);
	expect(response.status).toBe(200);
	expect(response.json).toEqual(expected);
	expect(execution.status).toBe('success');
	expect(nodeOutput(execution, 'Awaz')).toEqual(
		expected.map((json, item) => ({ json, pairedItem: { item } })),
	);
});
