'use strict';

/** The Awaz sandbox: an in-memory imitation of the Awaz API on 127.0.0.1. See README.md. */
const { startSandbox, Sandbox } = require('./server');
const { STATUSES, makeObjectId, buildFixtures } = require('./fixtures');
const { TIMELINES, timelineFor, outcomeVariables } = require('./lifecycle');

/**
 * The types, from the JSDoc of the modules that implement them:
 * @typedef {import('./server').Sandbox} Sandbox
 * @typedef {import('./server').SandboxOptions} SandboxOptions
 * @typedef {import('./server').LoggedRequest} LoggedRequest
 * @typedef {import('./server').Fault} Fault
 * @typedef {import('./server').Delivery} Delivery
 * @typedef {import('./server').Transition} Transition
 * @typedef {import('./server').LifecycleOptions} LifecycleOptions
 * @typedef {import('./fixtures').SandboxData} SandboxData
 * @typedef {import('./fixtures').Hook} Subscription
 * @typedef {import('./lifecycle').Step} Step
 * @typedef {import('./server').Entity} Entity
 * @typedef {import('./server').SandboxState} SandboxState
 */

module.exports = {
	startSandbox,
	Sandbox,
	STATUSES,
	makeObjectId,
	buildFixtures,
	TIMELINES,
	timelineFor,
	outcomeVariables,
};
