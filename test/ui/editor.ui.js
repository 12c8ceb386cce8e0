'use strict';
// n8n's editor in a real browser, as a person uses it: find the nodes in the node panel, create
// the credential, schedule a call, read calls, listen for a call event. One browser, one flow:
// each test is one step of it and leaves a screenshot in .tmp/ui-artifacts.
const path = require('node:path');
const ui = require('./editor');

// AGENT_ID: "Sales Assistant" in the sandbox (Awaz's own example).
const { AGENT_ID, SECOND_AGENT_ID, SECOND_PHONE_ID } = require('../../kit/fixtures');
const PACKAGE_DIR = process.env.AWAZ_UI_PACKAGE_DIR || path.join(__dirname, '..', '..');
const DOCS_DIR = path.join(__dirname, '..', '..', 'docs');

/** The operations of the built Awaz node, with the action text n8n's panel lists for each. */
function expectedActions() {
	const { Awaz } = require(path.join(PACKAGE_DIR, 'dist', 'nodes', 'Awaz', 'Awaz.node.js'));
	const { properties } = new Awaz().description;
	return properties
		.filter((p) => p.name === 'operation')
		.flatMap((p) => p.options.map((o) => o.action))
		.filter(Boolean);
}

function triggerDescription() {
	const { AwazTrigger } = require(
		path.join(PACKAGE_DIR, 'dist', 'nodes', 'AwazTrigger', 'AwazTrigger.node.js'),
	);
	return new AwazTrigger().description.description;
}

/** Polls `check` until it returns a truthy value (a locator wait for things outside the page). */
async function eventually(what, check, timeoutMs = ui.STEP_TIMEOUT) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

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

describe('node panel', () => {
	test('searching "Awaz" for the first step finds Awaz, with its icon, and its trigger', async () => {
		await ui.newWorkflow(page);
		await page.getByTestId('canvas-plus-button').click();
		await ui.searchNodes(page, 'Awaz');
		const item = page
			.getByTestId('node-creator-action-item')
			.filter({ has: ui.creatorItem(page, 'Awaz') });
		await item.waitFor();
		await expect(item.locator('img').first().getAttribute('src')).resolves.toMatch(
			/\/icons\/n8n-nodes-awaz\/dist\/icons\/awaz\.svg$/,
		);
		await ui.creatorItem(page, 'Awaz').click();
		// The Awaz Trigger is listed under the package as its trigger.
		await page.getByTestId('node-creator').getByText('Triggers (1)').waitFor();
		await page
			.getByTestId('node-creator')
			.getByText('On new Awaz event', { exact: true })
			.waitFor();
	});

	test('the Awaz Trigger shows its statuses (all 7 by default) and agents (none)', async () => {
		await page.getByTestId('node-creator').getByText('On new Awaz event', { exact: true }).click();
		const ndv = page.getByTestId('ndv');
		await ndv
			.getByTestId('node-title-container')
			.getByTestId('inline-edit-preview')
			.getByText('Awaz Trigger', { exact: true })
			.waitFor();
		const statuses = ui.param(page, 'statuses');
		for (const status of [
			'Outcome',
			'Pickup',
			'Busy',
			'Completed',
			'Voicemail',
			'Failed',
			'Canceled',
		]) {
			await statuses.getByText(status, { exact: true }).waitFor();
		}
		// No agent chosen: the select shows its placeholder.
		await expect(ui.param(page, 'agentIds').innerText()).resolves.not.toMatch(
			/Assistant|Agent|Clínica/,
		);
		// n8n picks an Awaz API credential by itself (there are two, both on the sandbox).
		await ui.waitForShownAny(ndv.getByTestId('node-credentials-select'), [
			'Awaz sandbox',
			'Awaz account',
		]);
	});

	test('listening for a test event subscribes the test URL at Awaz; an event becomes the output; the subscription goes', async () => {
		env.sandbox.clearLog();
		await page.getByTestId('ndv').getByTestId('trigger-execute-button').click();
		await page.getByTestId('ndv').getByText('Listening for test event').waitFor();
		const hook = await eventually('the test URL subscribed at the sandbox', () =>
			env.sandbox.state.hooks.find((h) => h.hookUrl.includes('/webhook-test/')),
		);
		expect(hook.status).toEqual([
			'outcome',
			'pickup',
			'busy',
			'completed',
			'voicemail',
			'failed',
			'canceled',
		]);
		expect(hook.agents).toEqual([]);

		// An outcome, as the sandbox's call lifecycle delivers one (kit/sandbox/README.md).
		const event = {
			id: '674b1c995e504fadc9b6fab9',
			status: 'outcome',
			agent: AGENT_ID,
			contact: {
				id: '674b1c995e504fadc9b6fab8',
				name: 'Jane Doe',
				phone: '+14155550124',
				email: 'jane@example.com',
			},
			extracted_variables: {
				interested: true,
				callback_requested: false,
				summary: 'Spoke with Jane Doe: interested.',
			},
		};
		// n8n shows a one-time hint ("You can pin this output…") over the output of a trigger's first
		// test event unless its flag says it was seen: the README's picture is taken without it.
		await page.evaluate(() => localStorage.setItem('N8N_PIN_DATA_DISCOVERY_NDV', 'true'));
		const [delivery] = await env.sandbox.deliver(event);
		expect(delivery.status).toBe(200);
		const output = ui.outputPanel(page);
		await output.getByTestId('node-run-status-success').waitFor();
		await output.getByText('Jane Doe').first().waitFor();
		await output.getByText('674b1c995e504fadc9b6fab9').first().waitFor();
		// The README's picture of one event: the output panel in Table view, wide enough for every
		// field of the event, nothing over it.
		await page.setViewportSize({ width: 1920, height: 1000 });
		try {
			await ui.widenOutputPanel(page);
			await output.getByTestId('radio-button-table').click();
			const { columns, rows } = await ui.outputTable(page);
			expect(columns.filter(Boolean)).toEqual(Object.keys(event));
			expect(rows).toHaveLength(1);
			await ui.screenshotOutputTable(page, path.join(DOCS_DIR, 'awaz-trigger-event.png'));
		} finally {
			await page.setViewportSize({ width: 1280, height: 800 });
		}
		await eventually(
			'the test subscription deleted at the sandbox',
			() => !env.sandbox.state.hooks.some((h) => h.hookUrl.includes('/webhook-test/')),
		);
		expect(env.sandbox.requests.map((r) => r.method)).toContain('DELETE');
	});

	test('after a Manual Trigger, the Awaz node lists every operation with its action text', async () => {
		await ui.newWorkflow(page);
		await page.getByTestId('canvas-plus-button').click();
		await ui.searchNodes(page, 'manual');
		await ui.creatorItem(page, 'Manual Trigger').click();
		await page.getByTestId('canvas-handle-plus').click();
		await ui.searchNodes(page, 'Awaz');
		await ui.creatorItem(page, 'Awaz').click();
		const panel = page.getByTestId('node-creator');
		const actions = expectedActions();
		expect(actions.length).toBeGreaterThan(0);
		await panel.getByText(`Actions (${actions.length})`).waitFor();
		for (const action of actions) await panel.getByText(action, { exact: true }).waitFor();
	});

	test('the Awaz package header describes the package, not only its trigger', async () => {
		// n8n's node panel merges "Awaz Trigger" into "Awaz" (same name but "Trigger") and shows the
		// trigger's description above both lists, as the package's: it has to read right there.
		const panel = page.getByTestId('node-creator');
		const header = await panel.getByText(triggerDescription(), { exact: true }).innerText();
		expect(header).not.toMatch(/^Starts the workflow/);
	});
});

describe('credentials', () => {
	test('a new Awaz API credential passes its test with the sandbox key', async () => {
		await page
			.getByTestId('node-creator')
			.getByText('Schedule an AI phone call', { exact: true })
			.click();
		const ndv = page.getByTestId('ndv');
		await ndv.getByTestId('node-credentials-select').click();
		await page.getByTestId('node-credentials-select-item-new').click();
		const modal = page.getByTestId('editCredential-modal');
		await modal.getByText('Awaz API', { exact: true }).waitFor();
		await ui.fillInModal(modal, 'apiKey', env.credential.data.apiKey);
		await ui.fillInModal(modal, 'baseUrl', env.sandbox.url);
		await modal.getByTestId('credential-save-button').click();
		// Saving tests the credential; from a node, a passing test also closes the modal.
		await modal
			.waitFor({ state: 'hidden' })
			.catch(() => modal.getByText('Connection tested successfully').waitFor());
		await ndv.getByTestId('credential-edit-button').click();
		await modal.getByText('Connection tested successfully').waitFor();
	});

	test('with a wrong key the test shows "Awaz rejected the API key"', async () => {
		const modal = page.getByTestId('editCredential-modal');
		await ui.fillInModal(modal, 'apiKey', 'not-the-sandbox-key');
		await modal.getByTestId('credential-save-button').click();
		await modal.getByText('Couldn’t connect with these settings').waitFor();
		await modal.getByText('More details').click();
		await modal.getByText(/^Awaz rejected the API key\./).waitFor();
		await modal.locator('.el-dialog__headerbtn, [aria-label="Close"]').first().click();
		await modal.waitFor({ state: 'hidden' });
	});
});

describe('Call → Schedule', () => {
	test('pick the credential; Agent and From Phone "From list" list the sandbox\'s, and typing filters them', async () => {
		const ndv = page.getByTestId('ndv');
		await ndv.getByTestId('node-credentials-select').click();
		await page.getByTestId(`node-credentials-select-item-${env.credential.id}`).click();
		await ui.waitForShown(ndv.getByTestId('node-credentials-select'), env.credential.name);

		expect(await ui.openList(page, 'agentId')).toEqual([
			'Sales Assistant',
			'Support Agent',
			'Recepción Clínica',
		]);
		expect(await ui.filterList(page, 'sup', ['Support Agent'])).toEqual(['Support Agent']);
		await page.getByTestId('rlc-item').filter({ hasText: 'Support Agent' }).click();

		expect(await ui.openList(page, 'fromPhoneId')).toEqual(['+11111111111', '+12222222222']);
		expect(await ui.filterList(page, '222', ['+12222222222'])).toEqual(['+12222222222']);
		await page.getByTestId('rlc-item').filter({ hasText: '+12222222222' }).click();
	});

	test('fill name and phone, "Execute step": the output panel shows the scheduled call', async () => {
		await ui.fillParam(page, 'name', 'Jane Doe');
		await ui.fillParam(page, 'phone', '+14155550123');
		env.sandbox.clearLog();
		await ui.executeStep(page);
		const output = ui.outputPanel(page);
		await output.getByTestId('node-run-status-success').waitFor();
		await output.getByText('scheduled', { exact: true }).first().waitFor();
		await output.getByText('Jane Doe').first().waitFor();
		const created = env.sandbox.state.calls.at(-1);
		expect(created.contact).toMatchObject({ name: 'Jane Doe', phone: '+14155550123' });
		expect(created).toMatchObject({
			agent: SECOND_AGENT_ID,
			from: SECOND_PHONE_ID,
		});
		await output.getByText(created.id).first().waitFor();
	});

	test('a bad phone number shows the field-level error in the output panel, and nothing is sent', async () => {
		await ui.fillParam(page, 'phone', '555-12');
		env.sandbox.clearLog();
		await ui.executeStep(page);
		const error = ui.outputPanel(page).getByTestId('node-error-message');
		await error
			.getByText(
				/^The "Phone Number" field "555-12" is not a phone number in international E\.164 format/,
			)
			.waitFor();
		expect(env.sandbox.requests.filter((r) => r.method === 'POST')).toEqual([]);
	});
});

describe('reading calls', () => {
	test('Call → Get: the Call list pages through the calls, filters, and the chosen call is the output', async () => {
		await ui.chooseOption(page, 'operation', 'Get');
		const first = await ui.openList(page, 'callId');
		expect(first.length).toBeGreaterThan(0);
		// Scrolling to the end of the list asks for the next page.
		await page.getByTestId('rlc-item').last().scrollIntoViewIfNeeded();
		await page.getByTestId('rlc-item').nth(first.length).waitFor();
		const call = env.sandbox.state.calls[4]; // "Contact 005"
		const shown = await ui.filterList(page, call.contact.name, [
			`${call.contact.name} ${call.contact.phone} (${call.status})`,
		]);
		expect(shown).toHaveLength(1);
		await page.getByTestId('rlc-item').first().click();
		await ui.executeStep(page);
		const output = ui.outputPanel(page);
		await output.getByTestId('node-run-status-success').waitFor();
		await output.getByText(call.id).first().waitFor();
	});

	test('Call → Get: typing the name of a call that is on a later page finds it', async () => {
		const call = env.sandbox.state.calls[44]; // "Contact 045", on the third page of calls
		await ui.openList(page, 'callId');
		const search = page.getByTestId('rlc-search');
		const isInput = await search.evaluate((el) => el.tagName === 'INPUT');
		await (isInput ? search : search.locator('input')).fill(call.contact.name);
		// n8n keeps the chosen call (Contact 005) pinned on top; the match is listed below it.
		await page
			.getByTestId('rlc-item')
			.getByText(`${call.contact.name} ${call.contact.phone} (${call.status})`, { exact: true })
			.waitFor();
		await page.keyboard.press('Escape');
	});

	test('Call → Get Many with Return All: every call is an item', async () => {
		await ui.chooseOption(page, 'operation', 'Get Many');
		await ui.param(page, 'returnAll').locator('.el-switch').click();
		await ui.param(page, 'returnAll').locator('.el-switch.is-checked').waitFor();
		await ui.executeStep(page);
		const output = ui.outputPanel(page);
		await output.getByTestId('node-run-status-success').waitFor();
		await output
			.getByTestId('ndv-items-count')
			.getByText(`${env.sandbox.state.calls.length} items`)
			.waitFor();
	});
});
