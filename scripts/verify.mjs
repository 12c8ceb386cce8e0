// `npm run verify`: what n8n's verification guidelines for community nodes ask of this package, as
// far as it can be checked offline, one line per check. Needs a build (`npm run build`) first.
// What it cannot check: what GitHub and npm do at release time (it checks what publish.yml asks of
// them), that the repository is public, and n8n's review itself. Checks whose name says
// "heuristic" or "own AST check" are the package's own; the lints are n8n's tools. Each check has a
// test with a fixture that breaks it: test/verify/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { notEnglishTexts, packageTexts, uiTexts } from './verify/english.mjs';
import { exampleProblems } from './verify/examples.mjs';
import { provenanceProblems } from './verify/provenance.mjs';
import { runtimeAccess } from './verify/runtime-access.mjs';

// `--root <folder>` checks another package folder (the tests' fixtures); `--only <id>,<id>` runs
// only those checks (the ids are printed in brackets).
const argument = (name) => {
	const index = process.argv.indexOf(name);
	return index === -1 ? undefined : process.argv[index + 1];
};
const scripts = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(argument('--root') ?? path.join(scripts, '..'));
const only = argument('--only')?.split(',');
const require = createRequire(import.meta.url);
const read = (file) =>
	existsSync(path.join(root, file)) ? readFileSync(path.join(root, file), 'utf8') : '';
const manifest = JSON.parse(read('package.json'));
const readme = read('README.md');

/** The files `npm pack` would publish, without packing (scripts off, as in .npmrc). */
function packedFiles() {
	const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
		encoding: 'utf8',
	});
	if (result.status !== 0) throw new Error(`npm pack --dry-run failed: ${result.stderr}`);
	const [pack] = JSON.parse(result.stdout);
	return { files: pack.files.map((file) => file.path), size: pack.size };
}
const packed = packedFiles();

/** The node and credential classes the package declares, loaded from the build. */
function declaredDescriptions() {
	// A declared file that is missing is the n8n-section check's to report.
	const declared = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])].filter(
		(file) => existsSync(path.join(root, file)),
	);
	return declared.map((file) => {
		const exports = require(path.join(root, file));
		const instance = Object.values(exports)
			.filter((value) => typeof value === 'function')
			.map((Class) => new Class())
			.find((candidate) => candidate.description || candidate.properties);
		return {
			file,
			description: instance?.description ?? {
				displayName: instance?.displayName,
				properties: instance?.properties,
			},
		};
	});
}

/** `## Heading` lines of the README. */
const readmeHeadings = [...readme.matchAll(/^##\s+(.+?)\s*$/gm)].map((match) => match[1]);
const hasHeading = (pattern) => readmeHeadings.some((heading) => pattern.test(heading));
const sectionText = (pattern) => {
	const start = readme
		.split('\n')
		.findIndex((line) => /^##\s/.test(line) && pattern.test(line.replace(/^##\s+/, '')));
	if (start === -1) return '';
	const lines = readme.split('\n').slice(start + 1);
	const end = lines.findIndex((line) => /^##\s/.test(line));
	return lines.slice(0, end === -1 ? undefined : end).join('\n');
};

const exampleFiles = existsSync(path.join(root, 'examples'))
	? readdirSync(path.join(root, 'examples'))
			.filter((file) => file.endsWith('.json'))
			.sort()
	: [];
const repositoryUrl = (
	typeof manifest.repository === 'string' ? manifest.repository : (manifest.repository?.url ?? '')
)
	.replace(/^git\+/, '')
	.replace(/\.git$/, '');

/**
 * Each check: its id, what the guidelines ask, and a function returning the problems found (none =
 * passed).
 */
const checks = [
	[
		'licence',
		'MIT licence',
		() => [
			...(manifest.license === 'MIT'
				? []
				: [`package.json "license" is ${JSON.stringify(manifest.license)}, not "MIT"`]),
			...(/^(# )?MIT License/.test(read('LICENSE.md')) &&
			read('LICENSE.md').includes('Permission is hereby granted, free of charge')
				? []
				: ['LICENSE.md is not the MIT licence']),
			...(packed.files.includes('LICENSE.md') ? [] : ['LICENSE.md is not in the package']),
		],
	],
	[
		'name',
		'name and keyword of a community node package',
		() => [
			...(/^(@[a-z0-9][\w.-]*\/)?n8n-nodes-[a-z0-9][\w.-]*$/.test(manifest.name)
				? []
				: [`name "${manifest.name}" does not start with n8n-nodes- (or @scope/n8n-nodes-)`]),
			...((manifest.keywords ?? []).includes('n8n-community-node-package')
				? []
				: ['keywords lack "n8n-community-node-package"']),
		],
	],
	[
		'repository',
		'source repository and author',
		() => [
			...(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/.test(repositoryUrl)
				? []
				: [`repository "${repositoryUrl}" is not a GitHub repository URL`]),
			...(manifest.author?.name || typeof manifest.author === 'string' ? [] : ['no author']),
		],
	],
	[
		'dependencies',
		'no runtime dependencies',
		() => [
			...['dependencies', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies']
				.filter((key) => manifest[key] && Object.keys(manifest[key]).length)
				.map((key) => `package.json has ${key}: ${Object.keys(manifest[key]).join(', ')}`),
			...Object.keys(manifest.peerDependencies ?? {})
				.filter((name) => name !== 'n8n-workflow')
				.map((name) => `peer dependency ${name} (only n8n-workflow is provided by n8n)`),
		],
	],
	[
		'n8n-section',
		'n8n section, built files and strict lint config',
		() => {
			const problems = [];
			if (manifest.n8n?.n8nNodesApiVersion !== 1) problems.push('n8n.n8nNodesApiVersion is not 1');
			if (manifest.n8n?.strict !== true) problems.push('n8n.strict is not true');
			if (!manifest.n8n?.nodes?.length) problems.push('n8n.nodes is empty');
			for (const file of [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])]) {
				if (!packed.files.includes(file))
					problems.push(
						`${file} (declared in package.json) is not in the package: run npm run build`,
					);
			}
			const normalized = (text) => text.replace(/\s+/g, ' ').trim();
			const template = path.join(
				path.dirname(require.resolve('@n8n/node-cli/eslint')),
				'..',
				'template',
				'templates',
				'shared',
				'default',
				'eslint.config.mjs',
			);
			if (
				!existsSync(path.join(root, 'eslint.config.mjs')) ||
				normalized(read('eslint.config.mjs')) !== normalized(readFileSync(template, 'utf8'))
			) {
				problems.push(
					"eslint.config.mjs is not @n8n/node-cli's default (n8n-node lint's strict mode requires it unchanged)",
				);
			}
			return problems;
		},
	],
	[
		'runtime-access',
		'published JavaScript: no process, global object, timer, eval/Function, require trick or module but n8n-workflow (own AST check, stricter than the scanner)',
		() =>
			packed.files
				.filter((file) => file.endsWith('.js'))
				.flatMap((file) => runtimeAccess(file, read(file))),
	],
	[
		'english',
		'English-only texts (stop-word heuristic: node and credential texts, source strings, README, CHANGELOG, sticky notes)',
		() => {
			const texts = declaredDescriptions().flatMap(({ file, description }) =>
				uiTexts(description, file),
			);
			texts.push(...packageTexts(root));
			return notEnglishTexts(texts);
		},
	],
	[
		'readme',
		'README: installation, usage, authentication, example workflows, compatibility, changelog, reporting problems',
		() => {
			const problems = [];
			const required = [
				['installation', /^Installation$/i],
				['usage', /^(Usage|Operations)$/i],
				['authentication', /^(Credentials|Authentication)$/i],
				['example workflows', /^Example workflows$/i],
				['compatibility', /^Compatibility$/i],
				['reporting problems', /^(Reporting problems|Report a problem|Support)$/i],
			];
			for (const [what, pattern] of required)
				if (!hasHeading(pattern)) problems.push(`no "## " section on ${what} (${pattern})`);
			if (!hasHeading(/^(Changelog|Version history)$/i) && !/\]\(CHANGELOG\.md\)/.test(readme))
				problems.push('neither a changelog section nor a link to CHANGELOG.md');
			if (!existsSync(path.join(root, 'CHANGELOG.md'))) problems.push('CHANGELOG.md is missing');
			const examples = sectionText(/^Example workflows$/i);
			for (const file of exampleFiles)
				if (!examples.includes(`examples/${file}`))
					problems.push(`the example workflows section does not link examples/${file}`);
			if (
				repositoryUrl &&
				!sectionText(/^(Reporting problems|Report a problem|Support)$/i).includes(
					`${repositoryUrl}/issues`,
				)
			) {
				problems.push(`the section on reporting problems does not link ${repositoryUrl}/issues`);
			}
			if (
				!/^\|?\s*n8n\b.*\d+\.\d+/im.test(sectionText(/^Compatibility$/i)) &&
				!/\b[12]\.\d+\.\d+\b/.test(sectionText(/^Compatibility$/i))
			) {
				problems.push('the compatibility section names no n8n version');
			}
			return problems;
		},
	],
	[
		'examples',
		'example workflows',
		() =>
			exampleFiles.length
				? exampleFiles.flatMap((file) =>
						exampleProblems(`examples/${file}`, read(`examples/${file}`)),
					)
				: ['examples/ holds no workflow'],
	],
	[
		'contents',
		"the package's contents",
		() => {
			const problems = [];
			const allowed = (file) =>
				file.startsWith('dist/') ||
				['package.json', 'README.md', 'LICENSE.md', 'CHANGELOG.md', manifest.main].includes(file);
			for (const file of packed.files.filter((candidate) => !allowed(candidate)))
				problems.push(`${file} would be published`);
			for (const file of packed.files.filter(
				(candidate) => /\.ts$/.test(candidate) && !candidate.endsWith('.d.ts'),
			))
				problems.push(`${file}: TypeScript source in the package`);
			for (const file of packed.files.filter((candidate) =>
				/(^|\/)(test|tests|__tests__)\/|\.test\.|\.spec\./.test(candidate),
			))
				problems.push(`${file}: a test in the package`);
			for (const file of packed.files.filter((candidate) =>
				/\.(js|json|svg|md)$/.test(candidate),
			)) {
				const local = /(\/work\/|\/home\/|\/root\/|[A-Z]:\\)/.exec(read(file));
				if (local) problems.push(`${file} refers to a local path "${local[0]}"`);
			}
			for (const { file, description } of declaredDescriptions()) {
				const icons = [description.icon, ...Object.values(description.icon ?? {})].filter(
					(icon) => typeof icon === 'string' && icon.startsWith('file:'),
				);
				for (const icon of icons) {
					const iconFile = path.posix.normalize(
						path.posix.join(path.posix.dirname(file), icon.slice('file:'.length)),
					);
					if (!packed.files.includes(iconFile))
						problems.push(`${file}: icon ${iconFile} is not in the package`);
				}
			}
			if (packed.size > 2_000_000) problems.push(`the package is ${packed.size} bytes packed`);
			return problems;
		},
	],
	[
		'provenance',
		'releases only from a tag push on GitHub Actions, with npm provenance, after npm run verify (.github/workflows/publish.yml)',
		() =>
			provenanceProblems({
				workflow: existsSync(path.join(root, '.github/workflows/publish.yml'))
					? read('.github/workflows/publish.yml')
					: undefined,
				manifest,
				npmrc: existsSync(path.join(root, '.npmrc')) ? read('.npmrc') : '',
			}),
	],
	[
		'n8n-node-lint',
		"n8n-node lint, strict mode, on the package's sources",
		() => {
			const result = spawnSync(
				process.execPath,
				[path.join(scripts, 'verify/n8n-node-lint.mjs'), '--root', root],
				{ cwd: root, encoding: 'utf8' },
			);
			return result.status === 0
				? []
				: [`${result.stdout}${result.stderr}`.trim() || `exit ${result.status}`];
		},
	],
	[
		'scanner-lint',
		"the community-package scanner's lint (scripts/lint.mjs)",
		() => {
			const result = spawnSync(process.execPath, [path.join(scripts, 'lint.mjs'), '--root', root], {
				cwd: root,
				encoding: 'utf8',
			});
			return result.status === 0
				? []
				: [`${result.stdout}${result.stderr}`.trim() || `exit ${result.status}`];
		},
	],
];

let failed = 0;
const selected = checks.filter(([id]) => !only || only.includes(id));
for (const [id, name, check] of selected) {
	let problems;
	try {
		problems = check();
	} catch (error) {
		problems = [`could not check: ${error.message}`];
	}
	if (problems.length) failed += 1;
	console.log(`${problems.length ? 'FAIL' : 'ok  '} [${id}] ${name}`);
	for (const problem of problems) console.log(`     - ${problem.split('\n').join('\n       ')}`);
}
console.log(
	failed
		? `verify: ${failed} of ${selected.length} checks failed`
		: `verify: all ${selected.length} checks passed`,
);
process.exitCode = failed ? 1 : 0;
