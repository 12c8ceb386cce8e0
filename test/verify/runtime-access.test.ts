import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { callVerify } from './call';

interface Finding {
	file: string;
	line: number;
	rule: string;
	message: string;
}

const MODULE = 'scripts/verify/runtime-access.mjs';
const fixtures = path.join(__dirname, 'fixtures', 'runtime');

/** Each fixture that breaks the check, and the rule it breaks. */
const broken: Array<[string, string]> = [
	['process.js', 'process'],
	['globalThis-dot-process.js', 'global-object'],
	['globalThis-bracket-process.js', 'global-object'],
	['global-process.js', 'global-object'],
	['module-require.js', 'module-object'],
	['aliased-require.js', 'require-alias'],
	['require-fs.js', 'module'],
	['require-computed.js', 'require-computed'],
	['require-outside-package.js', 'module'],
	['require-lodash.js', 'module'],
	['import-node-fs.js', 'module'],
	['dynamic-import.js', 'dynamic-import'],
	['eval.js', 'eval'],
	['indirect-eval.js', 'eval'],
	['function-call.js', 'function-constructor'],
	['new-function.js', 'function-constructor'],
	['constructor-call.js', 'function-constructor'],
	['constructor-call-apply.js', 'function-constructor'],
	['set-timeout-string.js', 'string-timer'],
	['set-interval-string.js', 'string-timer'],
	['plain-timer.js', 'timer'],
	['dirname.js', 'module-path'],
	['filename.js', 'module-path'],
];

describe('verify: published JavaScript (own AST check, scripts/verify/runtime-access.mjs)', () => {
	const files = readdirSync(fixtures).sort();
	// Each fixture is checked as if published at dist/<name>.
	const results = callVerify<Finding[]>(
		files.map((file) => [
			MODULE,
			'runtimeAccessFindings',
			[`dist/${file}`, readFileSync(path.join(fixtures, file), 'utf8')],
		]),
	);
	const findings = Object.fromEntries(files.map((file, index) => [file, results[index]]));

	it('has a test for every fixture', () => {
		expect(files.sort()).toEqual([...broken.map(([file]) => file), 'clean.js'].sort());
	});

	it('passes compiled code that requires n8n-workflow and its own files, and names process, require and setTimeout only as keys, strings or comments', () => {
		expect(findings['clean.js']).toEqual([]);
	});

	it.each(broken)('fails %s, naming the file and the rule [%s]', (file, rule) => {
		expect(findings[file]).toContainEqual(
			expect.objectContaining({ file: `dist/${file}`, rule, line: expect.any(Number) }),
		);
	});

	it('says which global a global object reaches: globalThis["process"]', () => {
		expect(findings['globalThis-bracket-process.js']).toEqual([
			{
				file: 'dist/globalThis-bracket-process.js',
				line: 1,
				rule: 'global-object',
				message: 'globalThis["process"]',
			},
		]);
	});

	it('reports a string given to a timer as code, once, not also as a plain timer', () => {
		expect(findings['set-timeout-string.js']).toEqual([
			{
				file: 'dist/set-timeout-string.js',
				line: 1,
				rule: 'string-timer',
				message: 'setTimeout() given a string of code',
			},
		]);
	});

	it('prints each finding as file:line [rule] what', () => {
		const [lines] = callVerify<string[]>([
			[MODULE, 'runtimeAccess', ['dist/x.js', 'const r = require;\nr("fs");']],
		]);
		expect(lines).toEqual([
			'dist/x.js:1 [require-alias] `require` used other than as require("…")',
		]);
	});
});
