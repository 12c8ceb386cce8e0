'use strict';
// The README's example workflows (examples/*.json), each imported into the editor the way its
// README says (a new workflow, ⋯ → Import from File…), shown on the canvas, and saved as the
// screenshot the README embeds: docs/example-<name>.png. Without an examples folder the step runs
// on a workflow of this suite's own and keeps its screenshot with the other artifacts.
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

let context;
let page;

beforeAll(async () => {
	({ context, page } = await ui.openEditor());
});

afterAll(async () => {
	await context?.close();
});

ui.screenshotEachStep(() => page);

describe('example workflows on the canvas', () => {
	test.each(examples())('%s: imports from file and shows every node', async (_name, file, shot) => {
		const workflow = JSON.parse(readFileSync(file, 'utf8'));
		await ui.newWorkflow(page);
		// ⋯ → Import from File… opens this file input.
		await page.getByTestId('workflow-import-input').setInputFiles(file);
		const named = workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
		const canvas = page.getByTestId('canvas-wrapper');
		for (const node of named) {
			await canvas.getByTestId('canvas-node').filter({ hasText: node.name }).first().waitFor();
		}
		// Every node type is known to this n8n: none is drawn as a node to install.
		await expect(
			canvas.getByText(/not (currently )?installed|Install this node/i).count(),
		).resolves.toBe(0);
		// The picture: the whole editor at 1280×800, the workflow fitted, no toasts, no hover.
		for (const close of await page.locator('.el-notification__closeBtn').all())
			await close.click().catch(() => undefined);
		await page
			.locator('.el-notification')
			.first()
			.waitFor({ state: 'detached' })
			.catch(() => undefined);
		await page.mouse.move(640, 790);
		await page.getByTestId('zoom-to-fit').click();
		await page.waitForTimeout(1000); // the fit is animated; nothing to wait on but its end
		mkdirSync(path.dirname(shot), { recursive: true });
		await page.screenshot({ path: shot });
	});
});
