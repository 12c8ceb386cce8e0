import type { AwazContext } from './connection';
import { connectionOf } from './connection';
import { RateLimitGate } from './rateLimit';
import type { KeyWindow } from './share';

/**
 * What Awaz last said about the node's API key (`X-RateLimit-Limit`, `-Remaining`, `-Reset`), for
 * spreading requests that are not urgent over a share of it; empty until Awaz has said.
 */
export async function keyWindowReader(ctx: AwazContext): Promise<() => KeyWindow> {
	const gate = new RateLimitGate((await connectionOf(ctx)).gateKey);
	return () => gate.window();
}
