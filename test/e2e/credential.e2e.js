'use strict';
/**
 * The Awaz API credential's test as n8n runs it for the editor's "Test" button: the editor reads
 * the stored credential (secrets come back redacted), and POSTs it, with whatever the user typed
 * over it, to /rest/credentials/test (CredentialsController.testCredentials in
 * packages/cli/src/credentials/credentials.controller.ts). n8n puts the stored secrets back in
 * place of the redacted values, then runs the credential type's `test` request and rules.
 */
const { e2eEnv } = require('./helpers');

const REJECTED_KEY_MESSAGE =
	'Awaz rejected the API key. Check that it was copied whole and has not been deleted in Awaz.';
/**
 * n8n 1.x runs the same request but does not apply the credential's `responseCode` rules: the
 * editor shows n8n's own message for a 403 instead.
 */
const N8N1_FORBIDDEN_MESSAGE = 'Forbidden - perhaps check your credentials?';

let n8n;
let sandbox;
let credential;
/** The stored credential as the editor gets it: `data` with the key redacted. */
let asEditorSeesIt;

beforeAll(async () => {
	({ n8n, sandbox, credential } = await e2eEnv());
	asEditorSeesIt = await n8n.rest('GET', `/credentials/${credential.id}?includeData=true`);
});
beforeEach(() => sandbox.reset());

const testCredential = (data) =>
	n8n.rest('POST', '/credentials/test', {
		credentials: { id: credential.id, name: asEditorSeesIt.name, type: 'awazApi', data },
	});

test('the editor gets the credential with its key redacted and its Base URL as stored', () => {
	expect(asEditorSeesIt).toMatchObject({
		id: credential.id,
		name: 'Awaz sandbox',
		type: 'awazApi',
	});
	expect(asEditorSeesIt.data.baseUrl).toBe(sandbox.url);
	expect(asEditorSeesIt.data.apiKey).not.toBe(credential.data.apiKey);
});

test('"Test" on the stored credential passes: one GET /v1/phones with the stored key as a Bearer token', async () => {
	const result = await testCredential(asEditorSeesIt.data);

	expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
	expect(
		sandbox.requests.map(({ method, path, status, headers }) => ({
			method,
			path,
			status,
			authorization: headers.authorization,
		})),
	).toEqual([
		{
			method: 'GET',
			path: '/v1/phones',
			status: 200,
			authorization: `Bearer ${credential.data.apiKey}`,
		},
	]);
});

test('"Test" with a wrong key typed over the stored one fails with the credential\'s 403 message (n8n 1.x: its own 403 message)', async () => {
	const wrongKey = 'awaz-WRONG-key-5f4e3d';

	const result = await testCredential({ ...asEditorSeesIt.data, apiKey: wrongKey });

	expect(result).toEqual({
		status: 'Error',
		message: n8n.major !== 1 ? REJECTED_KEY_MESSAGE : N8N1_FORBIDDEN_MESSAGE,
	});
	expect(result.message).not.toContain(wrongKey);
	expect(
		sandbox.requests.map(({ method, path, status, headers }) => ({
			method,
			path,
			status,
			authorization: headers.authorization,
		})),
	).toEqual([
		{ method: 'GET', path: '/v1/phones', status: 403, authorization: `Bearer ${wrongKey}` },
	]);
});
