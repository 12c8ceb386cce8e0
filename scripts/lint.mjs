// Lints the package the way n8n's community-package scanner does, offline: the scanner's own
// ESLint config over the sources (nodes/, credentials/, package.json) and over the files `npm pack`
// would publish (compiled .js and package.json), with inline eslint-disable comments ignored.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

// `--root <folder>` lints another package folder (the tests' fixtures).
const rootArgument = process.argv.indexOf('--root');
const root = path.resolve(
	rootArgument === -1
		? path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
		: process.argv[rootArgument + 1],
);

function packToFolder() {
	const folder = mkdtempSync(path.join(tmpdir(), 'awaz-lint-'));
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', folder], {
			cwd: root,
			encoding: 'utf8',
		}),
	);
	execFileSync('tar', ['-xzf', packed.filename, '-C', folder, '--strip-components=1'], {
		cwd: folder,
	});
	return { folder, files: packed.files.map((file) => file.path) };
}

const published = packToFolder();
try {
	const results = [
		['source', await analyzePackage(root, SOURCE_FILE_PATTERNS)],
		['published package', await analyzePackage(published.folder, ['**/*.js', 'package.json'])],
	];
	let failed = false;
	for (const [leg, result] of results) {
		if (result.passed) {
			console.log(`lint (${leg}): passed`);
		} else {
			failed = true;
			console.log(`lint (${leg}): ${result.message}`);
			if (result.details) console.log(result.details);
		}
	}
	const unexpected = published.files.filter(
		(file) =>
			!file.startsWith('dist/') &&
			!['package.json', 'index.js', 'README.md', 'LICENSE.md'].includes(file),
	);
	if (unexpected.length) {
		failed = true;
		console.log(`published package holds files outside dist/: ${unexpected.join(', ')}`);
	}
	process.exitCode = failed ? 1 : 0;
} finally {
	rmSync(published.folder, { recursive: true, force: true });
}
