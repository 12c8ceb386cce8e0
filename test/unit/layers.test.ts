/**
 * What may import what under nodes/ and credentials/: the layers ARCHITECTURE.md draws, checked
 * on every relative import in the sources. Imports go downwards only; a folder that is not listed
 * here fails the test until it is given a rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** Shared by both nodes; imports only n8n-workflow and itself. */
const SHARED = 'nodes/shared/';
/** What an operation file may use: its own resource folder comes on top. */
const FOR_OPERATIONS = [
	'nodes/Awaz/actions/fields',
	'nodes/Awaz/actions/listOperation',
	'nodes/Awaz/actions/operation',
	'nodes/Awaz/actions/node.type',
	'nodes/Awaz/helpers/',
	SHARED,
];

/** From the most specific place to the least: the first rule whose `from` matches applies. */
const RULES: Array<{ from: RegExp; may: (file: string) => string[] }> = [
	{ from: /^credentials\//, may: () => ['nodes/shared/endpoints'] },
	{ from: /^nodes\/shared\/transport\//, may: () => ['nodes/shared/transport/'] },
	{ from: /^nodes\/shared\//, may: () => [SHARED] },
	{ from: /^nodes\/AwazTrigger\//, may: () => ['nodes/AwazTrigger/', SHARED] },
	{ from: /^nodes\/Awaz\/helpers\//, may: () => ['nodes/Awaz/helpers/', SHARED] },
	{ from: /^nodes\/Awaz\/methods\//, may: () => ['nodes/Awaz/methods/', SHARED] },
	{
		from: /^nodes\/Awaz\/actions\/router$/,
		may: () => ['nodes/Awaz/actions/registry', 'nodes/Awaz/actions/doneWrites', ...FOR_OPERATIONS],
	},
	{
		from: /^nodes\/Awaz\/actions\/registry$/,
		may: () => ['nodes/Awaz/actions/', SHARED],
	},
	{
		// An operation file, or a resource's index and its own modules.
		from: /^nodes\/Awaz\/actions\/[^/]+\//,
		may: (file) => [`${path.posix.dirname(file)}/`, ...FOR_OPERATIONS],
	},
	{ from: /^nodes\/Awaz\/actions\/[^/]+$/, may: () => FOR_OPERATIONS },
	{ from: /^nodes\/Awaz\/Awaz\.node$/, may: () => ['nodes/Awaz/', SHARED] },
];

/** Why `file` may not import `target` (both without extension, from the package root), or undefined. */
function brokenRule(file: string, target: string): string | undefined {
	const rule = RULES.find((entry) => entry.from.test(file));
	if (!rule) return `${file} is in no layer: give its folder a rule in test/unit/layers.test.ts`;
	const may = rule.may(file);
	const fits = (prefix: string) =>
		prefix.endsWith('/') ? target.startsWith(prefix) : target === prefix;
	if (may.some(fits)) {
		// Resources sit side by side: only the registry and the node's description take them in.
		const resource = /^nodes\/Awaz\/actions\/([^/]+)\//.exec(target)?.[1];
		const ownResource = /^nodes\/Awaz\/actions\/([^/]+)\//.exec(file)?.[1];
		if (resource && resource !== ownResource && !/(registry|Awaz\.node)$/.test(file)) {
			return `${file} imports ${target}: another resource's module`;
		}
		return undefined;
	}
	return `${file} imports ${target}, which is above it or beside it`;
}

function sources(folder: string): string[] {
	return readdirSync(path.join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
		const relative = `${folder}/${entry.name}`;
		if (entry.isDirectory()) return sources(relative);
		return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative] : [];
	});
}

function relativeImports(file: string): string[] {
	const text = readFileSync(path.join(ROOT, file), 'utf8');
	const targets = [...text.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']*)'/g)].map(
		(match) => match[1],
	);
	return targets.map((target) => {
		const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), target));
		// A folder import means its index.
		return resolved.replace(/\/index$/, '');
	});
}

describe('imports go downwards only', () => {
	const files = [...sources('nodes'), ...sources('credentials')];

	it.each(files)('%s', (file) => {
		const from = file.replace(/\.ts$/, '');
		const broken = relativeImports(file)
			.map((target) => brokenRule(from, target))
			.filter(Boolean);
		expect(broken).toEqual([]);
	});

	it.each([
		['nodes/shared/subscription', 'nodes/Awaz/helpers/validation'],
		['nodes/shared/transport/request', 'nodes/shared/endpoints'],
		['nodes/AwazTrigger/events', 'nodes/Awaz/actions/fields'],
		['nodes/Awaz/actions/call/get.operation', 'nodes/Awaz/actions/router'],
		['nodes/Awaz/actions/call/get.operation', 'nodes/Awaz/actions/subscription/fields'],
		['nodes/Awaz/actions/fields', 'nodes/Awaz/actions/registry'],
		['nodes/Awaz/helpers/validation', 'nodes/Awaz/actions/fields'],
		['credentials/AwazApi.credentials', 'nodes/shared/transport'],
		['nodes/Awaz/newFolder/x', 'nodes/shared/endpoints'],
	])('refuses %s importing %s', (file, target) => {
		expect(brokenRule(file, target)).toEqual(expect.any(String));
	});
});
