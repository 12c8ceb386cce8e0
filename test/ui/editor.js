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
};

/** Fills a field of the credential modal and leaves it. */
async function fillInModal(modal, name, value) {
	const input = modal.getByTestId(`parameter-input-${name}`).locator('input').first();
	await input.fill(value);
	await input.blur();
	await expectValue(input, value);
}
module.exports.fillInModal = fillInModal;
