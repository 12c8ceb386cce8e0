// End-to-end suite against a real n8n: `npx jest -c test/e2e/jest.config.js`.
// One worker on purpose: the tests share the one n8n that globalSetup starts, in this process.
module.exports = {
	rootDir: '../..',
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.js'],
	globalSetup: '<rootDir>/test/e2e/global-setup.mjs',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.mjs',
	maxWorkers: 1,
	// verbose: every test's name and time in the CI log; failure-reporter: n8n's log tail on failure.
	verbose: true,
	reporters: ['default', '<rootDir>/test/e2e/failure-reporter.js'],
	testTimeout: 180_000,
	transform: {},
};
