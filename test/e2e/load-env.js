'use strict';
// Jest runs test files in a vm context where `import()` needs --experimental-vm-modules, and where
// require('node:module').createRequire is jest's own. A script compiled by Node's vm with the main
// context's default loader imports natively instead, and so gets the same n8n-env.mjs instance
// that globalSetup started (maxWorkers: 1 keeps the tests in that process). Node >= 20.12.
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const nativeImport = new vm.Script('(url) => import(url)', {
	importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
}).runInThisContext();

/**
 * The running environment, plus n8n-env.mjs's other helpers.
 * @returns {Promise<{n8n: any, sandbox: any, credential: any, userFolder: string, helpers: any}>}
 */
async function getE2eEnv() {
	const helpers = await nativeImport(pathToFileURL(path.join(__dirname, 'n8n-env.mjs')).href);
	return { ...helpers.getE2eEnv(), helpers };
}

module.exports = { getE2eEnv };
