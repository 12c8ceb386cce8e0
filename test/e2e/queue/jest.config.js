// The e2e suite on n8n in QUEUE MODE: `npm run test:e2e:queue`
// (= `npm run build && jest -c test/e2e/queue/jest.config.js`).
// Every test file of the regular suite (test/e2e/*.e2e.js) runs unchanged against main + 2 workers
// + 1 webhook process on PostgreSQL and Redis (scripts/n8n/queue.mjs); then the queue-only files
// here (*.queue.js), in the order of sequencer.js.
const base = require('../jest.config.js');

// Read by test/e2e/n8n-env.mjs in globalSetup, which runs in this process.
process.env.AWAZ_N8N_MODE = 'queue';

module.exports = {
	...base,
	rootDir: '../../..',
	testMatch: ['<rootDir>/test/e2e/*.e2e.js', '<rootDir>/test/e2e/queue/*.queue.js'],
	testSequencer: '<rootDir>/test/e2e/queue/sequencer.js',
};
