'use strict';
// The regular suite's files first (in their usual order), then the queue-only files in a fixed
// order: the audit of where executions ran needs every other execution done, and the worker that
// the last file kills is not there for anything after it.
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');

const QUEUE_ORDER = [
	'trigger.queue.js',
	'rate-limit.queue.js',
	'schedule-and-wait.queue.js',
	'workers.queue.js',
	'worker-kill.queue.js',
];

class QueueSequencer extends Sequencer {
	async sort(tests) {
		const rank = (test) => {
			const name = path.basename(test.path);
			const index = QUEUE_ORDER.indexOf(name);
			return name.endsWith('.queue.js') ? 1 + (index === -1 ? QUEUE_ORDER.length : index) : 0;
		};
		const regular = await super.sort(tests.filter((test) => rank(test) === 0));
		const queue = tests.filter((test) => rank(test) > 0).sort((a, b) => rank(a) - rank(b));
		return [...regular, ...queue];
	}
}

module.exports = QueueSequencer;
