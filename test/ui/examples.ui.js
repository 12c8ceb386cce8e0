'use strict';
// The README's example workflows (examples/*.json), each imported into the editor the way its
// README says (a new workflow, ⋯ → Import from File…), set up as its sticky note says (the
// credentials exist under the names the examples use, ui-env.mjs; Agent and From Phone picked from
// the lists), shown whole on the canvas, and saved as the screenshot the README embeds:
// docs/example-<name>.png, once no node shows a warning and nothing covers a node's name. Then the
// leads example runs and its Schedule and Wait for Outcome output is saved as
// docs/schedule-and-wait-output.png. Without an examples folder the canvas step runs on a workflow
// of this suite's own and keeps its screenshot with the other artifacts.
const { existsSync, mkdirSync, readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');
const ui = require('./editor');

const PROJECT_ROOT = path.join(__dirname, '..', '..');
const EXAMPLES_DIR = process.env.AWAZ_UI_EXAMPLES_DIR || path.join(PROJECT_ROOT, 'examples');
const OWN_EXAMPLE = path.join(__dirname, 'fixtures', 'example-own.json');

/** `[name, file, screenshot]` for every example, or the suite's own workflow when there are none. */
function examples() {
	const files = existsSync(EXAMPLES_DIR)
		? readdirSync(EXAMPLES_DIR)
				.filter((f) => f.endsWith('.json'))
				.sort()
		: [];
	if (files.length === 0) {
		return [
			[
				'own (no examples folder)',
				OWN_EXAMPLE,
				path.join(PROJECT_ROOT, '.tmp', 'ui-artifacts', 'example-own.png'),
			],
		];
	}
	const docs = path.join(PROJECT_ROOT, 'docs');
	return files.map((f) => {
		const name = path.basename(f, '.json');
		return [name, path.join(EXAMPLES_DIR, f), path.join(docs, `example-${name}.png`)];
	});
}

const AGENT = 'Sales Assistant'; // the sandbox's first agent
const LEADS_EXAMPLE = path.join(EXAMPLES_DIR, 'call-leads-and-collect-outcomes.json');
/** Calls move through their lifecycle in about 0.3 s instead of 28 s (kit/sandbox/README.md). */
const TIME_SCALE = 0.01;

let env;
let context;
let page;

beforeAll(async () => {
	({ env, context, page } = await ui.openEditor());
});

afterAll(async () => {
	await context?.close();
});

ui.screenshotEachStep(() => page);

/**
 * Imports `file` into a new workflow as a user does, waits for every node, and picks Agent and From
 * Phone in each node whose sticky note says to choose them (an empty "From list" value).
 */
async function importAndSetUp(file) {
	const workflow = JSON.parse(readFileSync(file, 'utf8'));
	await ui.newWorkflow(page);
	// ⋯ → Import from File… opens this file input.
	await page.getByTestId('workflow-import-input').setInputFiles(file);
	const canvas = page.getByTestId('canvas-wrapper');
	for (const node of workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote')) {
		await canvas.getByTestId('canvas-node').filter({ hasText: node.name }).first().waitFor();
	}
	for (const node of workflow.nodes.filter((n) => n.parameters?.agentId?.value === '')) {
		await ui.pickAgentAndPhone(page, node.name, AGENT);
	}
	return workflow;
}

describe('example workflows on the canvas', () => {
	test.each(examples())(
		'%s: imports from file, set up as its note says: no warning, no name covered',
		async (_name, file, shot) => {
			await importAndSetUp(file);
			// Every node type is known to this n8n: none is drawn as a node to install.
			await expect(
				page
					.getByTestId('canvas-wrapper')
					.getByText(/not (currently )?installed|Install this node/i)
					.count(),
			).resolves.toBe(0);
			// The picture: the whole editor at 1280×800, the workflow fitted, no toast, no hover.
			await ui.showWholeWorkflow(page);
			await expect(ui.canvasProblems(page)).resolves.toEqual({
				warnings: [],
				covered: [],
				outside: [],
			});
			mkdirSync(path.dirname(shot), { recursive: true });
			await page.screenshot({ path: shot });
		},
	);
});

const describeLeads = existsSync(LEADS_EXAMPLE) ? describe : describe.skip;

describeLeads('Schedule and Wait for Outcome in the leads example', () => {
	test("Execute workflow: every lead's call ends, and the node's output table shows each outcome", async () => {
		await importAndSetUp(LEADS_EXAMPLE);
		const previous = env.sandbox.lifecycle;
		env.sandbox.setLifecycle({ timeScale: TIME_SCALE });
		try {
			await page.getByTestId('execute-workflow-button').click();
			await page
				.getByTestId('canvas-node')
				.filter({ hasText: 'Results' })
				.getByTestId('canvas-node-status-success')
				.waitFor();
		} finally {
			env.sandbox.setLifecycle(previous ?? false);
		}
		// Wide enough for every column of the call: the node's output panel, dragged wide, in Table view.
		await page.setViewportSize({ width: 1920, height: 1000 });
		try {
			await page
				.getByTestId('canvas-node')
				.filter({ hasText: 'Call and wait for outcome' })
				.dblclick();
			await ui.widenOutputPanel(page);
			const output = ui.outputPanel(page);
			await output.getByTestId('radio-button-table').click();
			await output.getByTestId('ndv-items-count').getByText('4 items').waitFor();
			// The leads' numbers end in 4, 5, 1 and 0: the sandbox ends those calls with an outcome
			// (interested), an outcome (not interested), voicemail and a busy line.
			const { columns, rows } = await ui.outputTable(page);
			const cell = (row, column) => row[columns.indexOf(column)];
			expect(rows.map((row) => cell(row, 'status'))).toEqual([
				'outcome',
				'outcome',
				'voicemail',
				'busy',
			]);
			expect(rows.map((row) => cell(row, 'contact'))).toEqual([
				expect.stringContaining('Ada Lovelace'),
				expect.stringContaining('Alan Turing'),
				expect.stringContaining('Grace Hopper'),
				expect.stringContaining('Edsger Dijkstra'),
			]);
			expect(cell(rows[0], 'extracted_variables')).toMatch(/interested\s*:\s*true/);
			expect(cell(rows[1], 'extracted_variables')).toMatch(/interested\s*:\s*false/);
			await ui.screenshotOutputTable(
				page,
				path.join(PROJECT_ROOT, 'docs', 'schedule-and-wait-output.png'),
			);
		} finally {
			await page.setViewportSize({ width: 1280, height: 800 });
		}
	});
});
