// Browser suite: n8n's editor in headless Chromium, driven like a person would, against the Awaz
// sandbox. `npm run test:ui` (= `jest -c test/ui/jest.config.js`). One worker on purpose: the
// tests share the one n8n and the one browser, and run in file order, each step a test.
module.exports = {
	rootDir: '../..',
	testMatch: ['<rootDir>/test/ui/**/*.ui.js'],
	globalSetup: '<rootDir>/test/ui/global-setup.mjs',
	globalTeardown: '<rootDir>/test/ui/global-teardown.mjs',
	maxWorkers: 1,
	verbose: true,
	// A test is a step a person takes; a slow shared machine may need minutes for the first one.
	testTimeout: 300_000,
	transform: {},
};
