// The example workflows: importable as they are, explained by a sticky note, made of the Awaz nodes
// and n8n's built-in nodes only, and carrying no credential ids or secrets. (The English-only check
// reads their sticky notes.)
const OWN_TYPES = /^n8n-nodes-awaz\./;
const BUILT_IN_TYPES = /^(n8n-nodes-base|@n8n\/n8n-nodes-langchain)\./;
const STICKY_NOTE = 'n8n-nodes-base.stickyNote';
/** Things that look like keys or tokens, and places on a developer's machine. */
const SECRET_OR_LOCAL = [
	/\bsk-[A-Za-z0-9_-]{8,}/,
	/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/,
	/"(apiKey|accessToken|password|token)"\s*:\s*"[^"]+"/,
	/(\/work\/|\/home\/|\/root\/|[A-Z]:\\\\)/,
];

/**
 * @param {string} file
 * @param {string} text  the file's contents
 * @returns {string[]} problems
 */
export function exampleProblems(file, text) {
	let workflow;
	try {
		workflow = JSON.parse(text);
	} catch (error) {
		return [`${file}: not JSON (${error.message})`];
	}
	const problems = [];
	const nodes = Array.isArray(workflow.nodes) ? workflow.nodes : [];
	if (!workflow.name || !nodes.length || typeof workflow.connections !== 'object')
		problems.push(`${file}: not a workflow (name, nodes, connections)`);
	const notes = nodes.filter((node) => node.type === STICKY_NOTE);
	if (!notes.some((note) => (note.parameters?.content ?? '').trim().length > 200))
		problems.push(`${file}: no sticky note that explains the workflow`);
	if (!nodes.some((node) => OWN_TYPES.test(node.type))) problems.push(`${file}: uses no Awaz node`);
	for (const node of nodes) {
		if (!OWN_TYPES.test(node.type) && !BUILT_IN_TYPES.test(node.type))
			problems.push(
				`${file}: node "${node.name}" is a ${node.type}, neither an Awaz node nor one built into n8n`,
			);
		for (const [type, reference] of Object.entries(node.credentials ?? {})) {
			if (!reference || reference.id !== null || typeof reference.name !== 'string') {
				problems.push(
					`${file}: node "${node.name}" refers to its ${type} credential by anything but its name ({"id": null, "name": …})`,
				);
			}
		}
	}
	if (workflow.active) problems.push(`${file}: stored as active`);
	if (workflow.pinData && Object.keys(workflow.pinData).length)
		problems.push(`${file}: carries pinned data`);
	for (const pattern of SECRET_OR_LOCAL) {
		const match = pattern.exec(text);
		if (match) problems.push(`${file}: holds "${match[0]}" (a secret or a local path?)`);
	}
	return problems;
}
