import type { IDataObject } from 'n8n-workflow';

import { awazNode, runNode } from '../../kit/runner';
import { expectOutput, expectRequests, makeObjectId, useSandbox } from './helpers';

const t = useSandbox();
const create = (parameters: IDataObject = {}) =>
	awazNode({
		resource: 'contact',
		operation: 'create',
		name: 'Jane Doe',
		phone: '+14155550123',
		...parameters,
	});

describe('Contact → Create', () => {
	it('sends POST /v1/contacts with name and phone only when no email is given', async () => {
		const { output, error } = await runNode(t.env, create());

		expect(error).toBeUndefined();
		expectRequests(t.sb, [
			{ method: 'POST', path: '/v1/contacts', body: { name: 'Jane Doe', phone: '+14155550123' } },
		]);
		expect(Object.keys(t.sb.requests[0].body as IDataObject)).toEqual(['name', 'phone']);
		expectOutput(output, [
			[{ id: makeObjectId(0x100001), name: 'Jane Doe', phone: '+14155550123', email: null }, 0],
		]);
		expect(t.sb.state.contacts).toEqual([output[0].json]);
	});

	it('sends the email from Additional Fields', async () => {
		const { output } = await runNode(
			t.env,
			create({ additionalFields: { email: 'jane@example.com' } }),
		);

		expectRequests(t.sb, [
			{
				method: 'POST',
				path: '/v1/contacts',
				body: { name: 'Jane Doe', phone: '+14155550123', email: 'jane@example.com' },
			},
		]);
		expectOutput(output, [
			[
				{
					id: makeObjectId(0x100001),
					name: 'Jane Doe',
					phone: '+14155550123',
					email: 'jane@example.com',
				},
				0,
			],
		]);
	});

	it('leaves an empty email out rather than sending ""', async () => {
		await runNode(t.env, create({ additionalFields: { email: '' } }));

		expect(t.sb.requests[0].body).toEqual({ name: 'Jane Doe', phone: '+14155550123' });
	});

	it('trims the spaces around the name and email', async () => {
		await runNode(
			t.env,
			create({ name: '  Jane Doe ', additionalFields: { email: ' jane@example.com ' } }),
		);

		expect(t.sb.requests[0].body).toEqual({
			name: 'Jane Doe',
			phone: '+14155550123',
			email: 'jane@example.com',
		});
	});

	it('creates one contact per input item, each output paired to its item', async () => {
		const people = [
			{ name: 'Ana', phone: '+34911222333', email: 'ana@example.es' },
			{ name: 'Ben', phone: '+442071234567', email: '' },
			{ name: 'Chloé', phone: '+33142685300', email: 'chloe@example.fr' },
		];

		const { output } = await runNode(
			t.env,
			create({
				name: '={{ $json.name }}',
				phone: '={{ $json.phone }}',
				additionalFields: { email: '={{ $json.email }}' },
			}),
			people,
		);

		expectRequests(
			t.sb,
			people.map(({ name, phone, email }) => ({
				method: 'POST',
				path: '/v1/contacts',
				body: email ? { name, phone, email } : { name, phone },
			})),
		);
		expectOutput(
			output,
			t.sb.state.contacts.map((contact, item) => [contact, item]),
		);
		expect(output.map((item) => item.json.name)).toEqual(['Ana', 'Ben', 'Chloé']);
	});
});
