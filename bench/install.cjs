'use strict';
/**
 * The bench's in-process n8n: the shared engine (kit/runner/engine.js) on the n8n-core and
 * n8n-workflow of the provisioned n8n install (the copies a real n8n 2.41.1 uses), running
 * workflows made of our built package's nodes and n8n-nodes-base's HTTP Request and Split Out.
 *
 * Our package's `require('n8n-workflow')` is redirected to the install's copy, as in a real n8n
 * (where the package sits under ~/.n8n/nodes and has no n8n-workflow of its own). Must run on the
 * install's Node 24 (n8n-nodes-base needs it).
 */
const Module = require('node:module');
const path = require('node:path');

const { inProcessN8n, PACKAGE_DIR } = require('../kit/runner/engine');

/** @param {string} n8nDir the provisioned install's n8n folder (with node_modules) */
function loadInstall(n8nDir) {
	const resolveFromN8n = (request) => require.resolve(request, { paths: [n8nDir] });
	const redirected = /^(n8n-workflow|n8n-core)(\/|$)/;
	const ownDist = path.join(PACKAGE_DIR, 'dist') + path.sep;
	const originalResolve = Module._resolveFilename;
	Module._resolveFilename = function (request, parent, ...rest) {
		if (redirected.test(request) && parent?.filename?.startsWith(ownDist))
			return resolveFromN8n(request);
		return originalResolve.call(this, request, parent, ...rest);
	};

	const core = require(resolveFromN8n('n8n-core'));
	const workflow = require(resolveFromN8n('n8n-workflow'));
	const nodesBase = path.dirname(resolveFromN8n('n8n-nodes-base/package.json'));
	const fromNodesBase = (file) => require(path.join(nodesBase, 'dist', file));
	const versions = {
		n8nCore: require(resolveFromN8n('n8n-core/package.json')).version,
		n8nWorkflow: require(resolveFromN8n('n8n-workflow/package.json')).version,
		n8nNodesBase: require(path.join(nodesBase, 'package.json')).version,
	};
	return { core, workflow, fromNodesBase, versions };
}

/**
 * The engine and its environment: our package plus HTTP Request, Split Out and Header Auth.
 * @param {ReturnType<typeof loadInstall>} install
 */
async function benchEnvironment(install) {
	const n8n = inProcessN8n(install);
	const { HttpRequest } = install.fromNodesBase('nodes/HttpRequest/HttpRequest.node.js');
	const { SplitOut } = install.fromNodesBase('nodes/Transform/SplitOut/SplitOut.node.js');
	const { HttpHeaderAuth } = install.fromNodesBase('credentials/HttpHeaderAuth.credentials.js');
	const env = await n8n.environment({
		nodeTypes: {
			'n8n-nodes-base.httpRequest': new HttpRequest(),
			'n8n-nodes-base.splitOut': new SplitOut(),
		},
		credentialTypes: { httpHeaderAuth: new HttpHeaderAuth() },
	});
	// One engine: a NodeApiError from our package must be the install's class too (WorkflowExecute
	// and the error mapping check instanceof). The project's own copy must never have been loaded.
	const projectCopy = path.join(PACKAGE_DIR, 'node_modules', 'n8n-workflow') + path.sep;
	if (Object.keys(require.cache).some((file) => file.startsWith(projectCopy))) {
		throw new Error("our package loaded the project's n8n-workflow instead of the engine's");
	}
	return { n8n, env };
}

module.exports = { loadInstall, benchEnvironment };
