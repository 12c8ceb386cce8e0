import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { root } from './call';

/** Runs scripts/verify.mjs; its output by check id: whether it failed and what it printed. */
function verify(...args: string[]) {
	const result = spawnSync(process.execPath, [path.join(root, 'scripts/verify.mjs'), ...args], {
		cwd: root,
		encoding: 'utf8',
	});
	const output = result.stdout.replace(/\u001b\[[0-9;]*m/g, '');
	const checks = new Map<string, { failed: boolean; text: string }>();
	for (const block of output.split(/\n(?=(?:FAIL|ok {3}) \[)/)) {
		const heading = /^(FAIL|ok {3}) \[([\w-]+)\]/.exec(block);
		if (heading) checks.set(heading[2], { failed: heading[1] === 'FAIL', text: block });
	}
	return { status: result.status, output, checks };
}

const broken = path.join(__dirname, 'fixtures', 'package', 'broken');

/** Every check, and what it must say about the broken package (test/verify/fixtures/package/broken). */
const expected: Array<[string, RegExp]> = [
	['licence', /package\.json "license" is "ISC", not "MIT"/],
	['name', /name "awaz-nodes" does not start with n8n-nodes-/],
	['repository', /"https:\/\/gitlab\.com\/someone\/awaz-nodes" is not a GitHub repository URL/],
	['dependencies', /package\.json has dependencies: lodash/],
	['n8n-section', /n8n\.strict is not true/],
	['runtime-access', /dist\/nodes\/helper\.js:3 \[process\] "process"/],
	['english', /README\.md: reads as German/],
	['readme', /no "## " section on installation/],
	['examples', /node "Call" refers to its awazApi credential by anything but its name/],
	['contents', /src\/helper\.ts: TypeScript source in the package/],
	['provenance', /\[trigger\] the workflow does not run on a push of tags/],
	['n8n-node-lint', /nodes\/Broken\/helper\.ts[\s\S]*@n8n\/community-nodes\/no-restricted-globals/],
	[
		'scanner-lint',
		/lint \(published package\)[\s\S]*dist\/nodes\/helper\.js[\s\S]*no-restricted-globals/,
	],
];

describe('verify: every check fails on a package that breaks it, and passes this repository', () => {
	const run = verify('--root', broken);

	it('runs every check on the broken package and exits 1', () => {
		expect([...run.checks.keys()].sort()).toEqual(expected.map(([id]) => id).sort());
		expect(run.output).toContain(`verify: ${expected.length} of ${expected.length} checks failed`);
		expect(run.status).toBe(1);
	});

	it.each(expected)('fails [%s], saying what is wrong', (id, says) => {
		expect(run.checks.get(id)?.failed).toBe(true);
		expect(run.checks.get(id)?.text).toMatch(says);
	});

	it('passes this repository (the checks that need no lint run; npm run verify runs all)', () => {
		const cheap = expected
			.map(([id]) => id)
			.filter((id) => !id.endsWith('lint'))
			.join(',');
		const repository = verify('--only', cheap);
		expect(repository.output).toContain('checks passed');
		expect([...repository.checks.values()].filter(({ failed }) => failed)).toEqual([]);
		expect(repository.status).toBe(0);
	});
});
