'use strict';
// Prints the tail of n8n's log under a test file that had failures (the log says why n8n did what
// it did: activation errors, node errors, webhook problems), and tells the teardown to keep the
// user folder (database and full log) for inspection. Runs in jest's main process, like
// globalSetup, which puts the log's path in AWAZ_E2E_N8N_LOG.
const { readFileSync } = require('node:fs');

const LINES = 60;

class FailureReporter {
	onTestResult(test, result) {
		if (result.numFailingTests === 0 && !result.testExecError) return;
		process.env.AWAZ_E2E_FAILED = '1';
		const logFile = process.env.AWAZ_E2E_N8N_LOG;
		if (!logFile) return;
		let text;
		try {
			text = readFileSync(logFile, 'utf8');
		} catch (error) {
			text = `(could not read it: ${error.message})`;
		}
		const tail = text.split('\n').slice(-LINES).join('\n');
		process.stderr.write(
			`\n--- ${test.path}: failures; last ${LINES} lines of n8n's log ${logFile} ---\n${tail}\n--- end of n8n's log ---\n`,
		);
	}
}

module.exports = FailureReporter;
