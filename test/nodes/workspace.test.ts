import type { IDataObject } from 'n8n-workflow';

import { awazNode, runNode } from '../../kit/runner';
import { COMPANY_EMAIL, expectOutput, expectRequests, useSandbox } from './helpers';

const t = useSandbox();
const PATH = '/v1/companies/add/credits';
const COMPANY_ID = '670000000000000000000301';
const workspace = (operation: string, parameters: IDataObject) =>
	awazNode({ resource: 'workspace', operation, companyEmail: COMPANY_EMAIL, ...parameters });

describe('Workspace → Add Credits', () => {
	it('sends POST /v1/companies/add/credits with the company email and credits', async () => {
		const { output, error } = await runNode(t.env, workspace('addCredits', { credits: 10 }));

		expect(error).toBeUndefined();
		expectRequests(t.sb, [
			{ method: 'POST', path: PATH, body: { company: { email: COMPANY_EMAIL }, credits: 10 } },
		]);
		// The fixture workspace starts with 100 credits; Awaz answers with the new balance.
		expectOutput(output, [
			[{ company: { email: COMPANY_EMAIL, id: COMPANY_ID }, credits: 110 }, 0],
		]);
	});

	it('sends the company id from Additional Fields', async () => {
		const { output } = await runNode(
			t.env,
			workspace('addCredits', { credits: 5, additionalFields: { companyId: COMPANY_ID } }),
		);

		expectRequests(t.sb, [
			{
				method: 'POST',
				path: PATH,
				body: { company: { email: COMPANY_EMAIL, id: COMPANY_ID }, credits: 5 },
			},
		]);
		expectOutput(output, [
			[{ company: { email: COMPANY_EMAIL, id: COMPANY_ID }, credits: 105 }, 0],
		]);
	});

	it('sends credits that come from an expression as a number', async () => {
		await runNode(t.env, workspace('addCredits', { credits: '={{ $json.amount }}' }), [
			{ amount: '25' },
		]);

		expect(t.sb.requests[0].body).toEqual({ company: { email: COMPANY_EMAIL }, credits: 25 });
	});

	it('tops up once per input item, each output paired to its item', async () => {
		const { output } = await runNode(
			t.env,
			workspace('addCredits', { credits: '={{ $json.amount }}' }),
			[{ amount: 1 }, { amount: 2.5 }],
		);

		expectRequests(t.sb, [
			{ method: 'POST', path: PATH, body: { company: { email: COMPANY_EMAIL }, credits: 1 } },
			{ method: 'POST', path: PATH, body: { company: { email: COMPANY_EMAIL }, credits: 2.5 } },
		]);
		expectOutput(output, [
			[{ company: { email: COMPANY_EMAIL, id: COMPANY_ID }, credits: 101 }, 0],
			[{ company: { email: COMPANY_EMAIL, id: COMPANY_ID }, credits: 103.5 }, 1],
		]);
	});
});

describe('Workspace → Add Minutes', () => {
	it('sends the minutes to the same path, with a minutes field instead of credits', async () => {
		const { output, error } = await runNode(t.env, workspace('addMinutes', { minutes: 15 }));

		expect(error).toBeUndefined();
		expectRequests(t.sb, [
			{ method: 'POST', path: PATH, body: { company: { email: COMPANY_EMAIL }, minutes: 15 } },
		]);
		// The fixture workspace starts with 60 minutes.
		expectOutput(output, [[{ company: { email: COMPANY_EMAIL, id: COMPANY_ID }, minutes: 75 }, 0]]);
		expect(t.sb.state.companies[COMPANY_EMAIL]).toMatchObject({ credits: 100, minutes: 75 });
	});

	it('sends the company id from Additional Fields', async () => {
		await runNode(
			t.env,
			workspace('addMinutes', { minutes: 30, additionalFields: { companyId: COMPANY_ID } }),
		);

		expectRequests(t.sb, [
			{
				method: 'POST',
				path: PATH,
				body: { company: { email: COMPANY_EMAIL, id: COMPANY_ID }, minutes: 30 },
			},
		]);
	});

	it('tops up once per input item, each output paired to its item', async () => {
		const { output } = await runNode(
			t.env,
			workspace('addMinutes', { minutes: '={{ $json.minutes }}' }),
			[{ minutes: 10 }, { minutes: 20 }],
		);

		expectRequests(t.sb, [
			{ method: 'POST', path: PATH, body: { company: { email: COMPANY_EMAIL }, minutes: 10 } },
			{ method: 'POST', path: PATH, body: { company: { email: COMPANY_EMAIL }, minutes: 20 } },
		]);
		expectOutput(output, [
			[{ company: { email: COMPANY_EMAIL, id: COMPANY_ID }, minutes: 70 }, 0],
			[{ company: { email: COMPANY_EMAIL, id: COMPANY_ID }, minutes: 90 }, 1],
		]);
	});

	it('a company id that does not match the email is refused, not applied elsewhere', async () => {
		const { output, error } = await runNode(
			t.env,
			workspace('addMinutes', {
				minutes: 30,
				additionalFields: { companyId: '670000000000000000000999' },
			}),
		);

		expect(output).toEqual([]);
		expect(error?.message).toBe(
			`Awaz has no workspace with the email ${COMPANY_EMAIL} and the ID 670000000000000000000999`,
		);
		expect(error?.context?.itemIndex).toBe(0);
		expect(t.sb.state.companies[COMPANY_EMAIL]).toMatchObject({ minutes: 60 });
	});
});
