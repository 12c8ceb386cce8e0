'use strict';
// n8n's dark theme (its default theme follows the system's colour scheme) draws the Awaz nodes
// with the package's dark icon, on the canvas and in the node panel.
const path = require('node:path');
const ui = require('./editor');

const OWN_EXAMPLE = path.join(__dirname, 'fixtures', 'example-own.json');
const DARK_ICON = /\/icons\/n8n-nodes-awaz\/dist\/icons\/awaz\.dark\.svg$/;

let context;
let page;

beforeAll(async () => {
	({ context, page } = await ui.openEditor({ colorScheme: 'dark' }));
});

afterAll(async () => {
	await context?.close();
});

ui.screenshotEachStep(() => page);

test('dark mode: the canvas and the node panel show the dark Awaz icon', async () => {
	await ui.newWorkflow(page);
	// The page itself is dark: its background, painted on a 2D canvas to read it as RGB.
	const [r, g, b] = await page.evaluate(() => {
		const ctx = document.createElement('canvas').getContext('2d');
		ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
		ctx.fillRect(0, 0, 1, 1);
		return [...ctx.getImageData(0, 0, 1, 1).data];
	});
	expect((r + g + b) / 3).toBeLessThan(96);
	await page.getByTestId('workflow-import-input').setInputFiles(OWN_EXAMPLE);
	const node = page
		.getByTestId('canvas-node')
		.filter({ hasText: 'Schedule an AI phone call' })
		.first();
	await expect(node.locator('img').first().getAttribute('src')).resolves.toMatch(DARK_ICON);
	await page.getByTestId('node-creator-plus-button').click();
	await ui.searchNodes(page, 'Awaz');
	const item = page
		.getByTestId('node-creator-action-item')
		.filter({ has: ui.creatorItem(page, 'Awaz') });
	await expect(item.locator('img').first().getAttribute('src')).resolves.toMatch(DARK_ICON);
});
