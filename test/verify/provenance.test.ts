import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { callVerify, root } from './call';

const MODULE = 'scripts/verify/provenance.mjs';
const fixtures = path.join(__dirname, 'fixtures', 'provenance');
const read = (file: string) => readFileSync(file, 'utf8');

/** This repository's release scripts, and its .npmrc (ignore-scripts=true). */
const manifest = {
	scripts: { release: 'n8n-node release', prepublishOnly: 'n8n-node prerelease' },
};
const npmrc = 'ignore-scripts=true\n';

/** Each fixture that breaks the check, the rule it breaks, and what the problem says. */
const broken: Array<[string, string, RegExp]> = [
	['on-any-push.yml', 'trigger', /does not run on a push of tags/],
	['on-branch-push.yml', 'trigger', /on\.push has branches/],
	['on-dispatch-too.yml', 'trigger', /also runs on "workflow_dispatch"/],
	['no-id-token.yml', 'id-token', /job "publish" has no permissions: id-token: write/],
	['id-token-read.yml', 'id-token', /job "publish" has no permissions: id-token: write/],
	['npm-publish-without-provenance.yml', 'provenance', /publishes without --provenance/],
	['self-hosted.yml', 'provenance', /not a GitHub-hosted runner/],
	['no-verify.yml', 'guard', /does not run npm run verify .* ignore-scripts=true/],
	['verify-after-publish.yml', 'guard', /does not run npm run verify/],
	['verify-may-fail.yml', 'guard', /does not run npm run verify/],
	['no-publish.yml', 'workflow', /no job publishes/],
	['not-yaml.yml.txt', 'workflow', /is not YAML/],
];
const passing = ['good.yml', 'npm-publish-with-provenance.yml'];

describe('verify: releases from a tag push on GitHub Actions with provenance (scripts/verify/provenance.mjs)', () => {
	const files = readdirSync(fixtures).sort();
	const results = callVerify<string[]>([
		...files.map((file): [string, string, unknown[]] => [
			MODULE,
			'provenanceProblems',
			[{ workflow: read(path.join(fixtures, file)), manifest, npmrc }],
		]),
		// This repository as it is.
		[
			MODULE,
			'provenanceProblems',
			[
				{
					workflow: read(path.join(root, '.github/workflows/publish.yml')),
					manifest: JSON.parse(read(path.join(root, 'package.json'))),
					npmrc: read(path.join(root, '.npmrc')),
				},
			],
		],
		[MODULE, 'provenanceProblems', [{ workflow: undefined, manifest, npmrc }]],
		[
			MODULE,
			'provenanceProblems',
			[
				{
					workflow: read(path.join(fixtures, 'good.yml')),
					manifest: { scripts: { release: 'n8n-node release' } },
					npmrc,
				},
			],
		],
	]);
	const problems = Object.fromEntries(files.map((file, index) => [file, results[index]]));
	const [repository, missing, noPrepublish] = results.slice(files.length);

	it('has a test for every fixture', () => {
		expect(files).toEqual([...broken.map(([file]) => file), ...passing].sort());
	});

	it.each(passing)('passes %s', (file) => {
		expect(problems[file]).toEqual([]);
	});

	it.each(broken)('fails %s, naming the rule [%s]', (file, rule, says) => {
		expect(problems[file]).toContainEqual(expect.stringMatching(new RegExp(`^\\[${rule}\\] `)));
		expect(problems[file].join('\n')).toMatch(says);
	});

	it('fails when there is no publish workflow', () => {
		expect(missing).toEqual(['[workflow] .github/workflows/publish.yml is missing']);
	});

	it('fails when prepublishOnly does not refuse a plain npm publish', () => {
		expect(noPrepublish).toEqual([
			'[release-script] scripts.prepublishOnly is not "n8n-node prerelease"',
		]);
	});

	it("passes this repository's publish.yml, package.json and .npmrc", () => {
		expect(repository).toEqual([]);
	});
});
