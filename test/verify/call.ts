import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const root = path.resolve(__dirname, '..', '..');

/** Calls functions of scripts/verify/*.mjs in one node process: [module, function, args] each. */
export function callVerify<T = unknown>(calls: Array<[string, string, unknown[]]>): T[] {
	const output = execFileSync(
		process.execPath,
		[path.join(__dirname, 'run.mjs'), JSON.stringify(calls)],
		{ cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
	);
	return JSON.parse(output) as T[];
}
