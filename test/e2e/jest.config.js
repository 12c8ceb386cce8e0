// End-to-end suite against a real n8n: `npx jest -c test/e2e/jest.config.js`.
// One worker on purpose: the tests share the one n8n that globalSetup starts, in this process.
module.exports = {
	rootDir: '../..',
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.js'],
	globalSetup: '<rootDir>/test/e2e/global-setup.mjs',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.mjs',
	maxWorkers: 1,
	testTimeout: 180_000,
	transform: {},
};
