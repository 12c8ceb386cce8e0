import { readFileSync } from 'node:fs';
import path from 'node:path';

import { callVerify, root } from './call';

const MODULE = 'scripts/verify/english.mjs';
const fixtures = path.join(__dirname, 'fixtures', 'english');
const fixture = (file: string) => readFileSync(path.join(fixtures, file), 'utf8');

/** Every text n8n shows of a description, one of each kind. */
const description = {
	displayName: 'Example',
	properties: [
		{
			displayName: 'Mode',
			name: 'mode',
			type: 'options',
			description: 'How to run',
			placeholder: 'e.g. fast',
			hint: 'Pick one',
			options: [{ name: 'Fast', value: 'fast', description: 'Now', action: 'Run fast' }],
		},
		{ displayName: 'Notice', name: 'notice', type: 'notice', default: '' },
	],
};

type Texts = Array<{ where: string; text: string }>;

describe('verify: English-only texts (stop-word heuristic, scripts/verify/english.mjs)', () => {
	// One node process for all: the calls' results by position.
	const [
		german,
		spanish,
		english,
		russian,
		packageTexts,
		packageFailures,
		prose,
		ui,
		repoTexts,
		repoFailures,
	] = callVerify([
		[MODULE, 'notEnglish', [fixture('german.txt')]],
		[MODULE, 'notEnglish', [fixture('spanish.txt')]],
		[MODULE, 'notEnglish', [fixture('english-with-loanwords.txt')]],
		[MODULE, 'notEnglish', [fixture('russian.txt')]],
		[MODULE, 'packageTexts', [path.join(fixtures, 'package')]],
		[MODULE, 'notEnglishTexts', [{ $result: 4 }]],
		[MODULE, 'markdownProse', [fixture('package/README.md')]],
		[MODULE, 'uiTexts', [description, 'Example']],
		[MODULE, 'packageTexts', [root]],
		[MODULE, 'notEnglishTexts', [{ $result: 8 }]],
	]);

	it('fails a whole German sentence written without umlauts', () => {
		expect(german).toMatch(/^reads as German \("Der Anruf wird nach dem Ende/);
	});

	it('fails a whole Spanish sentence written without accents', () => {
		expect(spanish).toMatch(/^reads as Spanish \("La llamada se inicia/);
	});

	it('passes English with loanwords, accented names and product names (café, José, Hola, Doppelgänger, résumé, Sturm und Drang, HubSpot, n8n)', () => {
		expect(english).toBeNull(); // undefined, as JSON
	});

	it('fails a letter of another script', () => {
		expect(russian).toBe('letter "з" of another script');
	});

	it('reads the source strings, README, CHANGELOG and sticky notes of a package, and fails each foreign one by where it is', () => {
		expect((packageFailures as string[]).map((line) => line.replace(/ \(.*$/, ''))).toEqual([
			'nodes/Example/errors.ts:6: reads as German',
			'nodes/Example/errors.ts:15: reads as Spanish',
			'README.md: reads as French',
			'CHANGELOG.md: reads as Italian',
			'examples/example.json: sticky note "Explains the workflow": reads as Spanish',
		]);
		// The English ones were read too, and passed: an error's description, a credential's hint.
		expect((packageTexts as Texts).map(({ where }) => where)).toEqual(
			expect.arrayContaining(['nodes/Example/errors.ts:9', 'credentials/Example.credentials.ts:1']),
		);
	});

	it('does not read code in Markdown as prose', () => {
		expect(prose).not.toContain('der die das');
	});

	it('reads every text n8n shows of a description: names, descriptions, placeholders, hints, actions, notices, option names', () => {
		expect((ui as Texts).map(({ text }) => text).sort()).toEqual(
			[
				'Example',
				'Mode',
				'How to run',
				'e.g. fast',
				'Pick one',
				'Fast',
				'Now',
				'Run fast',
				'Notice',
			].sort(),
		);
	});

	it('passes every text of this repository (its README, CHANGELOG, examples and sources)', () => {
		expect((repoTexts as Texts).length).toBeGreaterThan(100);
		expect(repoFailures).toEqual([]);
	});
});
