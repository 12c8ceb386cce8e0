'use strict';

/** The Awaz sandbox: an in-memory imitation of the Awaz API on 127.0.0.1. See README.md. */
const { startSandbox, Sandbox } = require('./server');
const { STATUSES, makeObjectId, buildFixtures } = require('./fixtures');
const { TIMELINES, timelineFor, outcomeVariables } = require('./lifecycle');

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
