'use strict';

/**
 * Deterministic seed data for the Awaz sandbox. Every id is a 24-character lowercase hex string
 * (a MongoDB ObjectId, like the real API's), so the same options always give the same data.
 */

/** The seven call statuses a hook can subscribe to, in the collection's order. */
const STATUSES = Object.freeze([
	'outcome',
	'pickup',
	'busy',
	'completed',
	'voicemail',
	'failed',
	'canceled',
]);

/**
 * Id namespaces for makeObjectId, so seeded and created entities can never collide.
 * Calls and their contacts get 0xffff ids each, which bounds callCount.
 */
const ID_BASE = Object.freeze({
	agent: 0x100,
	contactList: 0x200,
	company: 0x300,
	call: 0x10000,
	callContact: 0x20000,
	created: 0x100000,
});
const MAX_CALL_COUNT = 0xffff;

/**
 * A deterministic ObjectId: '6700' followed by n in 20 hex digits, e.g. makeObjectId(1) is
 * '670000000000000000000001'.
 * @param {number} n non-negative safe integer
 * @returns {string}
 */
function makeObjectId(n) {
	if (!Number.isSafeInteger(n) || n < 0)
		throw new RangeError(`makeObjectId: ${n} is not a non-negative integer`);
	return '6700' + n.toString(16).padStart(20, '0');
}

/**
 * @typedef {{ id: string, number: string }} Phone
 * @typedef {{ id: string, name: string, language: string, voice: string, created_at: string }} Agent
 * @typedef {{ id: string, name: string, contacts_count: number }} ContactList
 * @typedef {{ id: string, name: string, phone: string, email: string | null }} Contact
 * @typedef {{ id: string, agent: string, from: string, contact: Contact, status: string,
 *   datetime: string, extracted_variables: Record<string, unknown> }} Call
 * @typedef {{ id: string, email: string, name: string, credits: number, minutes: number }} Company
 * @typedef {{ hookUrl: string, agents: string[], status: string[] }} Hook
 * @typedef {{ agents: Agent[], phones: Phone[], contactLists: ContactList[], calls: Call[],
 *   contacts: Contact[], hooks: Hook[], companies: Record<string, Company> }} SandboxData
 */

/** The first phone and agent are the ones in the Postman collection, so its examples work as-is. */
const PHONES = [
	{ id: '661d7fb88bcadcf1d86fd8b0', number: '+11111111111' },
	{ id: '66247463179840c558c9dd93', number: '+12222222222' },
];

const AGENTS = [
	{
		id: '65ff9abe3fdcbe533d3be143',
		name: 'Sales Assistant',
		language: 'en-US',
		voice: 'Rachel',
		created_at: '2024-03-24T03:03:58.000Z',
	},
	{
		id: makeObjectId(ID_BASE.agent + 2),
		name: 'Support Agent',
		language: 'en-GB',
		voice: 'George',
		created_at: '2024-05-02T10:15:00.000Z',
	},
	// Non-ASCII on purpose: exercises UTF-8 end to end (Content-Length in bytes, not characters).
	{
		id: makeObjectId(ID_BASE.agent + 3),
		name: 'Recepción Clínica',
		language: 'es-ES',
		voice: 'Lucía',
		created_at: '2024-07-19T08:30:00.000Z',
	},
];

const CONTACT_LISTS = [
	{ id: makeObjectId(ID_BASE.contactList + 1), name: 'December Leads', contacts_count: 42 },
	{ id: makeObjectId(ID_BASE.contactList + 2), name: 'Existing Customers', contacts_count: 15 },
];

const COMPANIES = [
	{
		id: makeObjectId(ID_BASE.company + 1),
		email: 'workspace@example.com',
		name: 'Example Workspace',
		credits: 100,
		minutes: 60,
	},
];

/** The newest seeded call; each following one is an hour older, so seeded order is newest first. */
const NEWEST_CALL_TIME = Date.UTC(2024, 11, 20, 12, 0, 0);
const HOUR_MS = 3600 * 1000;

/**
 * @param {number} index 0-based position in the seeded list
 * @returns {Call}
 */
function seededCall(index) {
	const seq = String(index + 1).padStart(3, '0');
	const name = `Contact ${seq}`;
	const status = STATUSES[index % STATUSES.length];
	// Only calls that reached someone have extracted variables; the rest show the empty object
	// the collection's example shows.
	const reached = status === 'completed' || status === 'outcome';
	return {
		id: makeObjectId(ID_BASE.call + index + 1),
		agent: AGENTS[index % AGENTS.length].id,
		from: PHONES[index % PHONES.length].id,
		contact: {
			id: makeObjectId(ID_BASE.callContact + index + 1),
			name,
			phone: '+1555000' + String(index + 1).padStart(4, '0'),
			email: `contact${seq}@example.com`,
		},
		status,
		datetime: new Date(NEWEST_CALL_TIME - index * HOUR_MS).toISOString(),
		extracted_variables: reached
			? { interested: index % 2 === 0, summary: `Spoke with ${name}.` }
			: {},
	};
}

/**
 * @template T
 * @param {T} value
 * @returns {T}
 */
function deepFreeze(value) {
	if (value && typeof value === 'object') {
		Object.values(value).forEach(deepFreeze);
		Object.freeze(value);
	}
	return value;
}

/**
 * Builds the seed data. The result is frozen; callers clone it (structuredClone) for live state.
 * @param {{ callCount?: number }} [options]
 * @returns {Readonly<SandboxData>}
 */
function buildFixtures({ callCount = 57 } = {}) {
	if (!Number.isInteger(callCount) || callCount < 0 || callCount > MAX_CALL_COUNT) {
		throw new RangeError(`callCount must be an integer from 0 to ${MAX_CALL_COUNT}`);
	}
	return deepFreeze(
		structuredClone({
			agents: AGENTS,
			phones: PHONES,
			contactLists: CONTACT_LISTS,
			calls: Array.from({ length: callCount }, (_, i) => seededCall(i)),
			contacts: [],
			hooks: [],
			companies: Object.fromEntries(COMPANIES.map((company) => [company.email, company])),
		}),
	);
}

module.exports = { STATUSES, ID_BASE, makeObjectId, buildFixtures };
