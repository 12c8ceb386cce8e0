import type { AwazContext } from './connection';
import { connectionOf } from './connection';
import { RateLimitGate } from './rateLimit';

/**
 * What Awaz last said the node's API key may send a minute (`X-RateLimit-Limit`), for spreading
 * requests that are not urgent over a share of it; the reader answers undefined until Awaz has said.
 */
export async function keyLimitReader(ctx: AwazContext): Promise<() => number | undefined> {
	const gate = new RateLimitGate((await connectionOf(ctx)).gateKey);
	return () => gate.limit();
}
