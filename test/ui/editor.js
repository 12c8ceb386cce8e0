'use strict';
// What the browser test files share: a signed-in editor page, a screenshot after every step, and
// the few gestures a person makes in n8n 2.41.1's editor (node panel, parameter inputs, resource
// locator lists, "Execute step"), located by n8n's own `data-test-id` hooks.
const { mkdir } = require('node:fs/promises');
const path = require('node:path');
const { chromiumModule, getUiEnv } = require('./load-env');

/** Generous: two cores shared with other jobs; nothing here asserts speed. */
const STEP_TIMEOUT = 90_000;

/**
 * Launches Chromium (fresh profile), signs in as the owner that globalSetup created, and returns
 * `{ env, context, page }`. `colorScheme` 'dark' shows n8n's dark theme (its default theme follows
 * the system).
 */
async function openEditor({ colorScheme = 'light' } = {}) {
	const env = await getUiEnv();
	const { launchChromium } = await chromiumModule();
	const profileRoot = env.profilesDir;
	await mkdir(profileRoot, { recursive: true });
	const { context } = await launchChromium({
		executablePath: env.chromium.executablePath,
		profileRoot,
		contextOptions: { colorScheme },
	});
	context.setDefaultTimeout(STEP_TIMEOUT);
	const page = context.pages()[0] ?? (await context.newPage());
	await page.goto(`${env.n8n.url}/signin`);
	const res = await page.request.post(`${env.n8n.url}/rest/login`, {
		data: { emailOrLdapLoginId: env.owner.email, password: env.owner.password },
	});
	if (!res.ok()) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
	return { env, context, page };
}

let shotCount = 0;
/** Saves a screenshot of the page to .tmp/ui-artifacts as `<file>-<nn>-<name>.png`; returns the path. */
async function screenshot(page, name) {
	const { artifactsDir } = await getUiEnv();
	shotCount += 1;
	const slug = name
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '')
		.slice(0, 90);
	const suite = path.basename(expect.getState().testPath ?? 'ui', '.ui.js');
	const file = path.join(
		artifactsDir,
		`${suite}-${String(shotCount).padStart(2, '0')}-${slug}.png`,
	);
	await page.screenshot({ path: file }).catch(() => undefined);
	return file;
}

/** Registers an afterEach that screenshots the page after every test (passed or failed). */
function screenshotEachStep(getPage) {
	afterEach(async () => {
		const page = getPage();
		if (page) await screenshot(page, expect.getState().currentTestName ?? 'step');
	});
}

/** A new, empty workflow in the editor, once the canvas is ready. */
async function newWorkflow(page) {
	const { n8n } = await getUiEnv();
	await page.goto(`${n8n.url}/workflow/new`);
	await page.getByTestId('canvas-plus-button').waitFor();
}

/** Types into the node panel's search box (the panel must be open). */
async function searchNodes(page, text) {
	const search = page.getByTestId('node-creator-search-bar');
	await search.fill(text);
}

/** A node-panel item (node or action) by its exact name. */
function creatorItem(page, name) {
	return page
		.getByTestId('node-creator-item-name')
		.filter({ hasText: new RegExp(`^${escape(name)}$`) });
}

/** The parameter input of `name` in the open node details view. */
function param(page, name) {
	return page.getByTestId('ndv').getByTestId(`parameter-input-${name}`);
}

/** Fills a text parameter and leaves it, so the debounced value is stored before the next step. */
async function fillParam(page, name, value) {
	const input = param(page, name).locator('input, textarea').first();
	await input.fill(value);
	await input.blur();
	await expectValue(input, value);
}

async function expectValue(input, value) {
	await input
		.page()
		.waitForFunction(([el, v]) => el.value === v, [await input.elementHandle(), value]);
}

/** Chooses `option` in an options parameter (Resource, Operation …). */
async function chooseOption(page, name, option) {
	await param(page, name).click();
	const item = page
		.locator('.el-select-dropdown__item:visible')
		.filter({ has: page.getByText(option, { exact: true }) });
	await item.first().click();
	await expectOptionShown(page, name, option);
}

async function expectOptionShown(page, name, option) {
	await waitForShown(param(page, name), option);
}

/** Resolves once `locator` shows `text`, as text or as the value of an input inside it. */
async function waitForShown(locator, text) {
	await waitForShownAny(locator, [text]);
}

/** Resolves once `locator` shows one of `texts` (as waitForShown); returns which. */
async function waitForShownAny(locator, texts) {
	const handle = await locator
		.page()
		.waitForFunction(
			([el, want]) =>
				want.find(
					(v) =>
						[...el.querySelectorAll('input')].some((i) => i.value === v) ||
						el.innerText.includes(v),
				),
			[await locator.elementHandle(), texts],
		);
	return handle.jsonValue();
}

/**
 * Opens the "From list" dropdown of the resource locator `name` and returns the items' texts once
 * they have loaded.
 */
async function openList(page, name) {
	await page.getByTestId(`resource-locator-${name}`).getByTestId('rlc-input').click();
	await page.getByTestId('rlc-item').first().waitFor();
	return page.getByTestId('rlc-item').allInnerTexts();
}

/** Types `text` into the open list's search box; resolves once the list shows only matching items. */
async function filterList(page, text, expected) {
	const search = page.getByTestId('rlc-search');
	const isInput = await search.evaluate((el) => el.tagName === 'INPUT');
	await (isInput ? search : search.locator('input')).fill(text);
	await page.waitForFunction((want) => {
		const shown = [...document.querySelectorAll('[data-test-id="rlc-item"]')].map((el) =>
			el.innerText.trim(),
		);
		return shown.length === want.length && want.every((w, i) => shown[i] === w);
	}, expected);
	return page.getByTestId('rlc-item').allInnerTexts();
}

/** Clicks "Execute step" in the node details view and waits for the run's success or error mark. */
async function executeStep(page) {
	await page.getByTestId('ndv').getByTestId('node-execute-button').click();
	await page
		.getByTestId('output-panel')
		.locator(
			'[data-test-id="node-run-status-success"], [data-test-id="node-run-status-danger"], [data-test-id="node-error-message"]',
		)
		.first()
		.waitFor();
}

/** Output panel's text. */
function outputPanel(page) {
	return page.getByTestId('output-panel');
}

/** Closes n8n's toasts ("Workflow executed successfully" …) and waits until none is left. */
async function closeToasts(page) {
	for (const close of await page.locator('.el-notification__closeBtn').all())
		await close.click().catch(() => undefined);
	await page
		.locator('.el-notification')
		.first()
		.waitFor({ state: 'detached' })
		.catch(() => undefined);
}

/** Resolves once the canvas's pan and zoom have not changed for three looks 200 ms apart. */
async function canvasSettled(page) {
	await page.waitForFunction(
		() => {
			const pane = document.querySelector('.vue-flow__transformationpane');
			const now = pane ? getComputedStyle(pane).transform : '';
			const seen = (window.__awazUiTransforms = [...(window.__awazUiTransforms ?? []), now]);
			return seen.length >= 3 && seen.slice(-3).every((t) => t === now);
		},
		undefined,
		{ polling: 200 },
	);
	await page.evaluate(() => delete window.__awazUiTransforms);
}

/**
 * The whole workflow in view, as a picture shows it: no toast, no node selected, the mouse on an
 * empty corner of the canvas (no hover toolbar), then "Zoom to fit" (key 1) and one step out (key
 * -): the fit counts the nodes' boxes but not the names and subtitles drawn under them, which
 * would end under the canvas's bottom edge and its floating buttons.
 */
async function showWholeWorkflow(page) {
	await closeToasts(page);
	// A click on the empty top-left corner of the canvas drops the selection and focuses the canvas.
	await page.locator('.vue-flow__pane').click({ position: { x: 4, y: 4 } });
	await page.keyboard.press('1');
	await canvasSettled(page);
	await page.keyboard.press('-');
	await canvasSettled(page);
}

/**
 * What floats over the canvas without being part of the workflow: the "Execute workflow" buttons
 * (the canvas's own and the one beside each trigger), "Open chat", the zoom controls, the buttons
 * on the right, the Editor/Executions tabs, the minimap, the logs panel and toasts.
 */
const FLOATING = [
	'[data-test-id^="execute-workflow-button"]',
	'[data-test-id="workflow-chat-button"]',
	'[data-test-id="canvas-controls"]',
	'[data-test-id="node-creator-plus-button"]',
	'[data-test-id="command-bar-button"]',
	'[data-test-id="add-sticky-button"]',
	'[data-test-id="toggle-focus-panel-button"]',
	'[data-test-id="instance-ai-canvas-action-button"]',
	'[data-test-id^="radio-button-"]',
	'[data-test-id="canvas-minimap"]',
	'[data-test-id="logs-panel"]',
	'.el-notification',
];

/**
 * What spoils a picture of the canvas, as `{ warnings, covered, outside }`: the nodes that show
 * n8n's issues icon (the red triangle: a missing credential or required parameter), the node names
 * (with their subtitle) that a visible floating element overlaps (`"<node> under <element>"`), and
 * the names not wholly inside the canvas. All three empty: the picture shows every name.
 */
async function canvasProblems(page) {
	return page.evaluate((floatingSelectors) => {
		const visible = (el) => {
			const box = el.getBoundingClientRect();
			return (
				box.width > 0 &&
				box.height > 0 &&
				el.checkVisibility({ opacityProperty: true, visibilityProperty: true })
			);
		};
		const overlap = (a, b) =>
			a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
		const canvas = document
			.querySelector('[data-test-id="canvas-wrapper"]')
			.getBoundingClientRect();
		const floating = floatingSelectors
			.flatMap((selector) => [...document.querySelectorAll(selector)])
			.filter(visible)
			.map((el) => ({
				what: el.getAttribute('data-test-id') ?? el.className,
				box: el.getBoundingClientRect(),
			}));
		const warnings = [];
		const covered = [];
		const outside = [];
		for (const node of document.querySelectorAll('[data-test-id="canvas-node"]')) {
			const name = node.getAttribute('data-node-name');
			if (!name || node.getAttribute('data-node-type') === 'n8n-nodes-base.stickyNote') continue;
			const issues = node.querySelectorAll(
				'[data-test-id="node-issues"], [data-test-id="canvas-node-status-warning"]',
			);
			if ([...issues].some(visible)) warnings.push(name);
			const label = [...node.querySelectorAll('*')].find(
				(el) => el.children.length === 0 && el.textContent.trim() === name,
			);
			if (!label) {
				outside.push(`${name} (no name shown)`);
				continue;
			}
			// n8n 2.41.1 draws the name and the subtitle under it in one "description" block.
			const text = /_description_/.test(label.parentElement.className)
				? label.parentElement
				: label;
			const box = text.getBoundingClientRect();
			if (
				box.left < canvas.left ||
				box.top < canvas.top ||
				box.right > canvas.right ||
				box.bottom > canvas.bottom
			)
				outside.push(name);
			for (const f of floating) if (overlap(box, f.box)) covered.push(`${name} under ${f.what}`);
		}
		return { warnings, covered, outside };
	}, FLOATING);
}

/**
 * Opens the canvas node `nodeName` and picks Agent `agent` and the first From Phone from their
 * "From list" dropdowns, as an example's sticky note tells a user to; closes the node again.
 */
async function pickAgentAndPhone(page, nodeName, agent) {
	await page.getByTestId('canvas-node').filter({ hasText: nodeName }).first().dblclick();
	const ndv = page.getByTestId('ndv');
	await openList(page, 'agentId');
	await page.getByTestId('rlc-item').filter({ hasText: agent }).first().click();
	await waitForShown(page.getByTestId('resource-locator-agentId'), agent);
	const [phone] = await openList(page, 'fromPhoneId');
	await page.getByTestId('rlc-item').first().click();
	await waitForShown(page.getByTestId('resource-locator-fromPhoneId'), phone.trim());
	await ndv.getByTestId('ndv-close-button').click();
	await ndv.waitFor({ state: 'hidden' });
}

/** The output panel's table (Table view) as `{ columns, rows }` of cell texts. */
async function outputTable(page) {
	const table = outputPanel(page).locator('table').first();
	const columns = (await table.locator('thead th').allInnerTexts()).map((t) => t.trim());
	const rows = [];
	for (const row of await table.locator('tbody tr').all())
		rows.push((await row.locator(':scope > td').allInnerTexts()).map((t) => t.trim()));
	return { columns, rows };
}

/** Drags the node details view's middle panel to the far left: the output panel gets the width. */
async function widenOutputPanel(page) {
	const handle = await page.getByTestId('panel-drag-button').boundingBox();
	const y = handle.y + handle.height / 2;
	await page.mouse.move(handle.x + handle.width / 2, y);
	await page.mouse.down();
	await page.mouse.move(200, y, { steps: 10 });
	await page.mouse.up();
}

/**
 * Saves the output panel's header and its whole table (Table view) as the picture `file`, once no
 * toast is left, no tooltip or popup lies over it, the mouse is off the panel and the table is not
 * cut by the panel's right edge.
 * The node details view's floating neighbour-node buttons, which sit on the panel's edge, are hidden
 * for the shot only (a style added before it and removed after it).
 */
async function screenshotOutputTable(page, file) {
	const output = outputPanel(page);
	await closeToasts(page);
	const viewport = page.viewportSize();
	await page.mouse.move(5, viewport.height - 5);
	await expect(page.locator('.el-notification').count()).resolves.toBe(0);
	const panel = await output.boundingBox();
	const table = await output.locator('table').first().boundingBox();
	expect(table.x + table.width).toBeLessThanOrEqual(panel.x + panel.width);
	const clip = {
		x: panel.x,
		y: panel.y,
		width: Math.min(table.x + table.width + 12, panel.x + panel.width) - panel.x,
		height: table.y + table.height + 12 - panel.y,
	};
	// No tooltip or popup (a hint, a dropdown) over the part the picture shows.
	const popups = await page.evaluate((area) => {
		const inside = (b) =>
			b.width > 0 &&
			b.left < area.x + area.width &&
			area.x < b.right &&
			b.top < area.y + area.height &&
			area.y < b.bottom;
		return [
			...document.querySelectorAll(
				'.el-popper, [role="tooltip"], [data-reka-popper-content-wrapper]',
			),
		]
			.filter((el) => el.checkVisibility({ opacityProperty: true, visibilityProperty: true }))
			.filter((el) => inside(el.getBoundingClientRect()))
			.map((el) => el.innerText.trim());
	}, clip);
	expect(popups).toEqual([]);
	await mkdir(path.dirname(file), { recursive: true });
	const style = await page.addStyleTag({
		content: '[data-test-id="floating-nodes"] { visibility: hidden !important; }',
	});
	try {
		await page.screenshot({ path: file, clip });
	} finally {
		await style.evaluate((el) => el.remove());
	}
}

function escape(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

module.exports = {
	STEP_TIMEOUT,
	openEditor,
	screenshot,
	screenshotEachStep,
	newWorkflow,
	searchNodes,
	creatorItem,
	param,
	fillParam,
	chooseOption,
	openList,
	filterList,
	executeStep,
	outputPanel,
	waitForShown,
	waitForShownAny,
	closeToasts,
	showWholeWorkflow,
	canvasProblems,
	pickAgentAndPhone,
	outputTable,
	widenOutputPanel,
	screenshotOutputTable,
};

/** Fills a field of the credential modal and leaves it. */
async function fillInModal(modal, name, value) {
	const input = modal.getByTestId(`parameter-input-${name}`).locator('input').first();
	await input.fill(value);
	await input.blur();
	await expectValue(input, value);
}
module.exports.fillInModal = fillInModal;
