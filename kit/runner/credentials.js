'use strict';
/**
 * Credentials for the in-process engine, as n8n's CredentialsHelper (in n8n's CLI, not published)
 * hands them to nodes: fixed data per credential type, with each type's `authenticate` applied to
 * the request. Plain CommonJS over a given n8n-workflow module, shared by the jest tests and the
 * bench (see engine.js).
 */

/**
 * Resolves `={{$credentials.x}}` with n8n's own expression engine, as n8n's CredentialsHelper does;
 * any other value is returned as it is.
 * @param {import('n8n-workflow').Workflow} workflow
 * @param {import('n8n-workflow').INode} node
 * @param {unknown} value
 * @param {import('n8n-workflow').ICredentialDataDecryptedObject} credentials
 * @returns {unknown}
 */
function resolveWithCredentials(workflow, node, value, credentials) {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return workflow.expression.getParameterValue(value, null, 0, 0, node.name, [], 'internal', {
		$credentials: credentials,
	});
}

/** One helper class per n8n-workflow module: it must extend that module's ICredentialsHelper. */
const helperClasses = new WeakMap();

function helperClassFor(workflowLib) {
	if (helperClasses.has(workflowLib)) return helperClasses.get(workflowLib);
	class FixedCredentialsHelper extends workflowLib.ICredentialsHelper {
		constructor(credentialTypes, dataByType) {
			super();
			this.credentialTypes = credentialTypes;
			this.dataByType = dataByType;
		}

		credentialType(typeName) {
			const type = this.credentialTypes[typeName];
			if (!type) throw new Error(`Unknown credential type ${typeName}`);
			return type;
		}

		getParentTypes() {
			return [];
		}

		/** A generic `authenticate` block: every key and value may be a `$credentials` expression. */
		async authenticate(credentials, typeName, requestOptions, workflow, node) {
			const { authenticate } = this.credentialType(typeName);
			if (typeof authenticate === 'function')
				return await authenticate(credentials, requestOptions);
			if (!authenticate || authenticate.type !== 'generic') return requestOptions;
			const resolve = (value) => resolveWithCredentials(workflow, node, value, credentials);
			const options = { ...requestOptions };
			for (const [target, entries] of Object.entries(authenticate.properties)) {
				options[target] = { ...(options[target] ?? {}) };
				for (const [key, value] of Object.entries(entries))
					options[target][resolve(key)] = resolve(value);
			}
			return options;
		}

		async preAuthentication() {
			return undefined;
		}

		async runPreAuthentication() {
			return undefined;
		}

		getCredentialsProperties(typeName) {
			return this.credentialType(typeName).properties;
		}

		async getDecrypted(_additionalData, _nodeCredentials, typeName) {
			const data = this.dataByType[typeName];
			if (!data) throw new Error(`No credentials of type ${typeName} were given to the engine`);
			return { ...data };
		}

		async getCredentials() {
			throw new Error('not used');
		}

		async updateCredentials() {}

		async updateCredentialsOauthTokenData() {}

		getOAuth2Options() {
			return undefined;
		}

		isCredentialUsableByNode() {
			return true;
		}
	}
	helperClasses.set(workflowLib, FixedCredentialsHelper);
	return FixedCredentialsHelper;
}

/**
 * An ICredentialsHelper that hands out `dataByType[type]` for every node credential of that type.
 * @param {typeof import('n8n-workflow')} workflowLib the n8n-workflow module the engine runs on
 * @param {Record<string, import('n8n-workflow').ICredentialType>} credentialTypes the known
 *   credential types by name (their `authenticate` and `properties`)
 * @param {Record<string, import('n8n-workflow').ICredentialDataDecryptedObject>} dataByType the
 *   decrypted data per credential type
 * @returns {import('n8n-workflow').ICredentialsHelper}
 */
function credentialsHelper(workflowLib, credentialTypes, dataByType) {
	const Helper = helperClassFor(workflowLib);
	return new Helper(credentialTypes, dataByType);
}

module.exports = { credentialsHelper, resolveWithCredentials };
