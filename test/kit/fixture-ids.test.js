'use strict';
/**
 * The ids are named once, in kit/fixtures (read from the sandbox's seed data). The workflow files
 * that n8n imports as they are (test/e2e/workflows, test/ui/fixtures) cannot import them and keep
 * literal ids: this test holds each of those to the fixtures, so that a change of the seed data
 * fails here, not in a real n8n minutes later.
 */
const fs = require('node:fs');
const path = require('node:path');
const { AGENT_ID, PHONE_ID, SEEDED_IDS } = require('../../kit/fixtures');

const ROOT = path.join(__dirname, '..', '..');
const FOLDERS = ['test/e2e/workflows', 'test/ui/fixtures'];
const OBJECT_ID = /\b[0-9a-f]{24}\b/g;

const files = FOLDERS.flatMap((folder) =>
	fs
		.readdirSync(path.join(ROOT, folder))
		.filter((name) => name.endsWith('.json'))
		.map((name) => `${folder}/${name}`),
);

test('the workflow folders hold workflow files', () => {
	expect(files.length).toBeGreaterThan(10);
});

test.each(files)('every Awaz id in %s is one the sandbox seeds', (file) => {
	const ids = fs.readFileSync(path.join(ROOT, file), 'utf8').match(OBJECT_ID) ?? [];
	expect(ids.filter((id) => !SEEDED_IDS.has(id))).toEqual([]);
});

test('the workflows that schedule calls use the first agent and phone', () => {
	const text = fs.readFileSync(path.join(ROOT, 'test/e2e/workflows/call-schedule.json'), 'utf8');
	expect(text).toContain(AGENT_ID);
	expect(text).toContain(PHONE_ID);
});
