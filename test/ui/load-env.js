'use strict';
// Test files run in jest's vm context; a script compiled with the main context's default loader
// imports natively instead, and so reaches the ui-env.mjs instance that globalSetup started in
// this process (maxWorkers: 1). Same technique as test/e2e/load-env.js. Node >= 20.12.
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const nativeImport = new vm.Script('(url) => import(url)', {
	importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
}).runInThisContext();

/** The running environment: `{ n8n, sandbox, credential, chromium, owner, artifactsDir, docsDir }`. */
async function getUiEnv() {
	const env = await nativeImport(pathToFileURL(path.join(__dirname, 'ui-env.mjs')).href);
	return env.getUiEnv();
}

/** scripts/ui/chromium.mjs, natively imported. */
function chromiumModule() {
	return nativeImport(
		pathToFileURL(path.join(__dirname, '..', '..', 'scripts', 'ui', 'chromium.mjs')).href,
	);
}

module.exports = { getUiEnv, chromiumModule };
