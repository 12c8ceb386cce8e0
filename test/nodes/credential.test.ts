import { environment } from '../../kit/runner';
import { testCredential } from '../../kit/runner/credentialTest';
import { API_KEY, expectRequests, useSandbox } from './helpers';

const t = useSandbox();

const NO_KEY_MESSAGE =
	'No API key was sent. Enter the key from Awaz (Settings → Integrations → API Keys).';
const REJECTED_KEY_MESSAGE =
	'Awaz rejected the API key. Check that it was copied whole and has not been deleted in Awaz.';

describe('testing the Awaz API credential', () => {
	it('passes with a good key, after one GET /v1/phones with the key as a bearer token', async () => {
		const result = await testCredential(t.env);

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expectRequests(t.sb, [{ method: 'GET', path: '/v1/phones' }]);
	});

	it('copes with a Base URL that ends in slashes', async () => {
		const env = await environment({ apiKey: API_KEY, baseUrl: `${t.sb.url}//` });

		const result = await testCredential(env);

		expect(result.status).toBe('OK');
		expectRequests(t.sb, [{ method: 'GET', path: '/v1/phones' }]);
	});

	it.each([
		['empty', ''],
		['blank (spaces and a tab)', '  \t '],
	])(
		'with the Base URL %s, tests https://api.awaz.ai, where the nodes send their requests',
		async (_title, baseUrl) => {
			const env = await environment({ apiKey: API_KEY, baseUrl });

			const result = await testCredential(env, { reroute: { 'https://api.awaz.ai': t.sb.url } });

			expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
			expectRequests(t.sb, [{ method: 'GET', path: '/v1/phones' }]);
		},
	);

	it('copes with spaces around the Base URL', async () => {
		const env = await environment({ apiKey: API_KEY, baseUrl: ` ${t.sb.url}/ ` });

		const result = await testCredential(env);

		expect(result.status).toBe('OK');
		expectRequests(t.sb, [{ method: 'GET', path: '/v1/phones' }]);
	});

	it('fails with the "rejected" message for a key Awaz does not know', async () => {
		const wrongKey = 'test-key-WRONG-1a2b3c4d';
		const env = await environment({ apiKey: wrongKey, baseUrl: t.sb.url });

		const result = await testCredential(env);

		expect(result).toEqual({ status: 'Error', message: REJECTED_KEY_MESSAGE });
		expect(t.sb.requests.map((request) => request.status)).toEqual([403]);
		expect(result.message).not.toContain(wrongKey);
	});

	it('fails with the "no key" message when the key is empty', async () => {
		const env = await environment({ apiKey: '', baseUrl: t.sb.url });

		const result = await testCredential(env);

		expect(result).toEqual({ status: 'Error', message: NO_KEY_MESSAGE });
		expect(t.sb.requests.map((request) => request.status)).toEqual([401]);
	});

	it('fails when Awaz answers with an error of its own', async () => {
		t.sb.inject({ kind: 'status', status: 500 });

		const result = await testCredential(t.env);

		expect(result).toEqual({ status: 'Error', message: 'Internal Server Error' });
	});

	it('fails, naming the network error, when nothing listens at the Base URL', async () => {
		const env = await environment({ apiKey: API_KEY, baseUrl: 'http://127.0.0.1:1' });

		const result = await testCredential(env);

		expect(result).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
	});
});
