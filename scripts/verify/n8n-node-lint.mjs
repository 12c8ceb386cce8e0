// Runs `n8n-node lint` (n8n's node CLI: ESLint with @n8n/node-cli's config, strict mode) on what
// the package is built from: nodes/, credentials/, icons/ and package.json, copied with the
// unchanged eslint.config.mjs and tsconfig.json into a temporary folder. The CLI always lints `.`,
// and its config may not be changed in strict mode, so in the project folder it would also lint the
// tests (which use the file system, the network and timers, as tests do) and the git-ignored n8n
// user folders under .n8n-local/. Exits with the CLI's exit code; paths in its output are the
// project's.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// `--root <folder>` lints another package folder (the tests' fixtures); other arguments go to the CLI.
const args = process.argv.slice(2);
const rootArgument = args.indexOf('--root');
const root =
	rootArgument === -1 ? repository : path.resolve(args.splice(rootArgument, 2)[1] ?? repository);
const PACKAGE_SOURCES = [
	'package.json',
	'tsconfig.json',
	'eslint.config.mjs',
	'nodes',
	'credentials',
	'icons',
];

const folder = mkdtempSync(path.join(tmpdir(), 'awaz-n8n-node-lint-'));
try {
	for (const entry of PACKAGE_SOURCES) {
		if (existsSync(path.join(root, entry)))
			cpSync(path.join(root, entry), path.join(folder, entry), { recursive: true });
	}
	symlinkSync(path.join(repository, 'node_modules'), path.join(folder, 'node_modules'), 'dir');
	const cli = path.join(repository, 'node_modules', '@n8n', 'node-cli', 'bin', 'n8n-node.mjs');
	const result = spawnSync(process.execPath, [cli, 'lint', ...args], {
		cwd: folder,
		encoding: 'utf8',
		env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
	});
	const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.split(folder).join(root);
	process.stdout.write(output);
	if (result.error) throw result.error;
	if (result.status === 0)
		console.log('n8n-node lint (nodes/, credentials/, package.json): passed');
	process.exitCode = result.status ?? 1;
} finally {
	rmSync(folder, { recursive: true, force: true });
}
