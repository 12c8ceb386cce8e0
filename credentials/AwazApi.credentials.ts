import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { PHONES_PATH } from '../nodes/shared/endpoints';

/** Awaz's own API, where requests go when the Base URL is left empty (as the nodes do). */
const DEFAULT_BASE_URL = 'https://api.awaz.ai';

export class AwazApi implements ICredentialType {
	name = 'awazApi';

	displayName = 'Awaz API';

	icon: Icon = { light: 'file:../icons/awaz.svg', dark: 'file:../icons/awaz.dark.svg' };

	documentationUrl = 'https://github.com/awaz-ai/n8n-nodes-awaz#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Create a key in the Awaz app under Settings → Integrations → API Keys',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description: 'Change only to reach Awaz through a proxy or to use a test server',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			// Trimmed, without trailing slashes, and Awaz's own when empty: as the nodes read it.
			baseURL: `={{($credentials.baseUrl || "").trim().replace(/\\/+$/, "") || "${DEFAULT_BASE_URL}"}}`,
			url: PHONES_PATH,
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'No API key was sent. Enter the key from Awaz (Settings → Integrations → API Keys).',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Awaz rejected the API key. Check that it was copied whole and has not been deleted in Awaz.',
				},
			},
		],
	};
}
