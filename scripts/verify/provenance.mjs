// Publishing from GitHub Actions with npm provenance, read from the publish workflow parsed as YAML
// (js-yaml, already in node_modules through eslint). What GitHub and npm do at release time cannot
// be checked offline; what the repository asks of them can.
//
// Rules (the id in brackets is what a problem names):
// [workflow]     .github/workflows/publish.yml exists, is YAML, and has a job that publishes: a step
//                that runs `npm publish`, `n8n-node release` or an npm script that runs either
// [trigger]      the workflow runs only on a push of tags: no branch pushes, no other events
// [id-token]     the publishing job may mint an OIDC token (`permissions: id-token: write`, its own or
//                the workflow's), which npm's provenance statement needs
// [provenance]   each publish asks for provenance: `npm publish --provenance` (or
//                NPM_CONFIG_PROVENANCE=true, or publishConfig.provenance), or `n8n-node release`,
//                which on GitHub Actions (GITHUB_ACTIONS set) runs `npm run lint`, `npm run build`,
//                then `npm publish` with NPM_CONFIG_PROVENANCE=true (@n8n/node-cli 0.48.3,
//                dist/commands/release.js); and the job runs on a GitHub-hosted runner, as npm's
//                provenance requires
// [guard]        the publishing job runs `npm run verify` before it publishes, in a step that may not
//                fail silently: the guard does not rest on the `prepublishOnly` script, which npm skips
//                when .npmrc sets ignore-scripts=true (as this repository's does)
// [release-script]  package.json's release script is `n8n-node release` and prepublishOnly is
//                `n8n-node prerelease` (refuses a plain `npm publish` where scripts run)
import yaml from 'js-yaml';

const PUBLISH = /\b(npm|pnpm|yarn)\s+(npm\s+)?publish\b|\bn8n-node\s+release\b/;
const VERIFY = /\bnpm\s+run(-script)?\s+verify\b|\bnode\s+(\.\/)?scripts\/verify\.mjs\b/;
const NPM_SCRIPT = /\bnpm\s+run(?:-script)?\s+([\w:.-]+)/g;

/** A step's command with the npm scripts it runs spelled out (one level deep). */
function expanded(run, scripts) {
	return run.replace(NPM_SCRIPT, (whole, name) =>
		scripts[name] ? `${whole} (${scripts[name]})` : whole,
	);
}

const truthy = (value) => value === true || value === 'true';

/**
 * @param {{ workflow: string | undefined, manifest: object, npmrc: string }} input
 *   workflow: the text of .github/workflows/publish.yml (undefined when missing)
 * @returns {string[]} problems, each starting with its rule's id in brackets
 */
export function provenanceProblems({ workflow: text, manifest, npmrc }) {
	const problems = [];
	const scripts = manifest.scripts ?? {};
	if (scripts.release !== 'n8n-node release')
		problems.push('[release-script] scripts.release is not "n8n-node release"');
	if (scripts.prepublishOnly !== 'n8n-node prerelease')
		problems.push('[release-script] scripts.prepublishOnly is not "n8n-node prerelease"');
	if (text === undefined)
		return [...problems, '[workflow] .github/workflows/publish.yml is missing'];
	let workflow;
	try {
		workflow = yaml.load(text);
	} catch (error) {
		return [...problems, `[workflow] publish.yml is not YAML: ${error.message.split('\n')[0]}`];
	}
	if (!workflow || typeof workflow !== 'object')
		return [...problems, '[workflow] publish.yml is not a workflow'];

	// `on` (YAML 1.1 would read the key as true)
	const on = workflow.on ?? workflow.true;
	const events = typeof on === 'string' ? { [on]: null } : Array.isArray(on) ? on : (on ?? {});
	const eventNames = Array.isArray(events) ? events : Object.keys(events);
	for (const event of eventNames.filter((name) => name !== 'push'))
		problems.push(`[trigger] the workflow also runs on "${event}", not only on a pushed tag`);
	const push = Array.isArray(events) ? null : events.push;
	if (!eventNames.includes('push') || !push?.tags?.length)
		problems.push('[trigger] the workflow does not run on a push of tags (on.push.tags)');
	for (const key of ['branches', 'branches-ignore'])
		if (push && key in push) problems.push(`[trigger] on.push has ${key}: a branch push publishes`);

	const jobs = Object.entries(workflow.jobs ?? {});
	const publishing = jobs.filter(([, job]) =>
		(job?.steps ?? []).some((step) => PUBLISH.test(expanded(String(step?.run ?? ''), scripts))),
	);
	if (!publishing.length)
		problems.push(
			'[workflow] no job publishes (runs npm publish, n8n-node release or a script that does)',
		);
	const provenanceConfigured = (env) => truthy(env?.NPM_CONFIG_PROVENANCE);
	for (const [id, job] of publishing) {
		const permissions = job.permissions ?? workflow.permissions;
		const idToken = permissions === 'write-all' || permissions?.['id-token'] === 'write';
		if (!idToken)
			problems.push(`[id-token] job "${id}" has no permissions: id-token: write (npm provenance)`);
		const runsOn = [job['runs-on']].flat().map(String);
		if (runsOn.some((label) => label === 'self-hosted' || label.includes('${{')))
			problems.push(
				`[provenance] job "${id}" runs on "${runsOn.join(', ')}", not a GitHub-hosted runner`,
			);
		const steps = job.steps ?? [];
		const firstPublish = steps.findIndex((step) =>
			PUBLISH.test(expanded(String(step?.run ?? ''), scripts)),
		);
		for (const step of steps.slice(firstPublish)) {
			const run = expanded(String(step?.run ?? ''), scripts);
			if (!PUBLISH.test(run)) continue;
			const withProvenance =
				/\bn8n-node\s+release\b/.test(run) ||
				/--provenance\b/.test(run) ||
				truthy(manifest.publishConfig?.provenance) ||
				[workflow.env, job.env, step.env].some(provenanceConfigured);
			if (!withProvenance)
				problems.push(
					`[provenance] job "${id}", step "${step.name ?? run.split('\n')[0]}" publishes without --provenance`,
				);
		}
		const verifiedBefore = steps
			.slice(0, firstPublish)
			.some(
				(step) =>
					VERIFY.test(String(step?.run ?? '')) &&
					!truthy(step['continue-on-error']) &&
					!/\balways\(\)|\bfailure\(\)|\|\|\s*true\b/.test(`${step.if ?? ''} ${step.run}`),
			);
		if (!verifiedBefore) {
			const ignoresScripts = /^\s*ignore-scripts\s*=\s*true\s*$/m.test(npmrc ?? '');
			problems.push(
				`[guard] job "${id}" does not run npm run verify (in a step that stops the job) before it publishes${ignoresScripts ? '; .npmrc sets ignore-scripts=true, so npm skips prepublishOnly and nothing else stops a package that fails the checks' : ''}`,
			);
		}
	}
	return problems;
}
