import { stopUiEnv } from './ui-env.mjs';

export default async function globalTeardown() {
	await stopUiEnv();
}
