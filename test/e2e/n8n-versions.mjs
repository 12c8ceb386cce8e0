// What differs when the e2e suite runs against n8n 1.x (AWAZ_N8N_VERSION=1) rather than 2.x. The
// suite's workflows are written as the 2.x editor saves them. n8n 1.123.x has every node they use,
// some only in older versions: NEWEST_IN_N8N1 lowers those (in @n8n/n8n-nodes-langchain 1.122.x the
// AI Agent has versions 1-1.9, 2-2.2 and 3; 2.x added 3.1; the OpenAI Chat Model's 1.3, with its
// Responses API switch, is in both). The only other change is our tool's On Error setting (below).
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const NEWEST_IN_N8N1 = {
	'@n8n/n8n-nodes-langchain.agent': 3,
};

/**
 * Tool nodes whose failures should go back to the model. n8n 2.x does that by default (a tool
 * node's error becomes the tool's answer unless its On Error setting is "Stop Workflow"); n8n 1.x
 * stops the whole execution on a tool's error unless the tool node is set to On Error: Continue,
 * which is what the README tells 1.x users to set.
 */
export const TOOLS_THAT_CONTINUE_ON_ERROR = ['n8n-nodes-awaz.awazTool'];

/**
 * A copy of `workflow` that n8n 1.x can run as 2.x runs the original: node versions it lacks
 * lowered to NEWEST_IN_N8N1's, and our tool set to On Error: Continue (unless it says otherwise).
 */
export function workflowForN8n1(workflow) {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) => {
			const adapted = { ...node };
			if (node.type in NEWEST_IN_N8N1 && node.typeVersion > NEWEST_IN_N8N1[node.type])
				adapted.typeVersion = NEWEST_IN_N8N1[node.type];
			if (TOOLS_THAT_CONTINUE_ON_ERROR.includes(node.type) && node.onError === undefined)
				adapted.onError = 'continueRegularOutput';
			return adapted;
		}),
	};
}

/**
 * The folder to import the suite's workflows from, for n8n's `major` version: `dir` itself but on 1.x;
 * on 1.x, `into` filled with adapted copies of every `*.json` in `dir`.
 */
export async function workflowDirFor(major, dir, into) {
	if (major !== 1) return dir;
	await mkdir(into, { recursive: true });
	for (const file of (await readdir(dir)).filter((name) => name.endsWith('.json'))) {
		const workflow = JSON.parse(await readFile(join(dir, file), 'utf8'));
		await writeFile(join(into, file), JSON.stringify(workflowForN8n1(workflow), null, '\t'));
	}
	return into;
}
