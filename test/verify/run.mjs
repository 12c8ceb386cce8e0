// Runs functions of scripts/verify/*.mjs for the tests (jest runs CommonJS; these are ES modules):
// `node test/verify/run.mjs '<json>'`, where the JSON is a list of [module, function, args], the
// module relative to the repository root; an argument {"$result": i} is the result of call i.
// Prints the list of results as JSON.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const calls = JSON.parse(process.argv[2]);
const results = [];
for (const [module, name, args] of calls) {
	const exports = await import(pathToFileURL(path.join(root, module)).href);
	const resolved = args.map((arg) =>
		arg && typeof arg === 'object' && '$result' in arg ? results[arg.$result] : arg,
	);
	results.push(await exports[name](...resolved));
}
process.stdout.write(JSON.stringify(results));
