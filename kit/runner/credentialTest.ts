/**
 * What n8n does when a user presses "Test" on an Awaz credential, emulated: n8n's credentials
 * tester lives in its CLI, which is not published as a library. Like it, this resolves the
 * credential's `test.request` with `$credentials`, sends it with the credential's `authenticate`
 * applied (through the runner's credentials helper and n8n-core's HTTP helper), and then judges
 * the answer by the test's `rules`. The real credential test is exercised by the e2e suite.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import { awazNode } from '../fixtures';
import { resolveWithCredentials } from './credentials';
import type { Environment } from './project';
import { loadOptionsContext, n8n } from './project';

const CREDENTIAL = 'awazApi';

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/** A request field as n8n resolves it: `={{...}}` with `$credentials` in scope. */
function resolver(env: Environment) {
	const node = awazNode({});
	const workflow = n8n.newWorkflow(env, { id: 'credential-test', nodes: [node] });
	return (value: unknown) =>
		resolveWithCredentials(
			workflow,
			node,
			value,
			env.credentials.awazApi as unknown as ICredentialDataDecryptedObject,
		);
}

export interface CredentialTestOptions {
	/**
	 * Base URLs to send elsewhere, as resolved from the credential: a test can check that a request
	 * meant for `https://api.awaz.ai` is meant for it without anything leaving loopback.
	 */
	reroute?: Record<string, string>;
}

export async function testCredential(
	env: Environment,
	{ reroute = {} }: CredentialTestOptions = {},
): Promise<CredentialTestResult> {
	const { test } = env.credentialTypes[CREDENTIAL];
	if (!test) throw new Error(`The ${CREDENTIAL} credential has no test request`);
	const resolve = resolver(env);
	const { request, rules = [] } = test;
	const baseURL = resolve(request.baseURL) as string | undefined;
	const options: IHttpRequestOptions = {
		method: request.method ?? 'GET',
		baseURL: (baseURL !== undefined && reroute[baseURL]) || baseURL,
		url: resolve(request.url) as string,
		headers: request.headers,
		qs: request.qs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};

	const context = loadOptionsContext(env) as unknown as ILoadOptionsFunctions;
	let response: IN8nHttpFullResponse;
	try {
		response = (await context.helpers.httpRequestWithAuthentication.call(
			context,
			CREDENTIAL,
			options,
		)) as IN8nHttpFullResponse;
	} catch (error) {
		// n8n reports a request that got no answer by its error code.
		const code =
			(error as { cause?: { code?: string }; code?: string }).cause?.code ??
			(error as { code?: string }).code;
		return { status: 'Error', message: code ?? (error as Error).message };
	}

	const { statusCode, statusMessage, body } = response;
	const succeeded = statusCode >= 200 && statusCode <= 299;
	for (const rule of rules) {
		if (rule.type === 'responseCode') {
			if (!succeeded && statusCode === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		} else if (rule.type === 'responseSuccessBody') {
			const { key, value, message } = rule.properties;
			if (succeeded && (body as IDataObject | undefined)?.[key] === value) {
				return { status: 'Error', message };
			}
		} else {
			throw new Error(`Credential test rule ${(rule as { type: string }).type} is not emulated`);
		}
	}
	if (!succeeded) {
		return {
			status: 'Error',
			message: statusMessage || `Received HTTP status code: ${statusCode}`,
		};
	}
	return { status: 'OK', message: 'Connection successful!' };
}
