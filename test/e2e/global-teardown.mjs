import { stopE2eEnv } from './n8n-env.mjs';

export default async function globalTeardown() {
	await stopE2eEnv();
}
