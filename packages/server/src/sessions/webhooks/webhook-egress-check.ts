import { checkUrlDestination, type EgressPolicy, type EgressResolver } from '../../safety/index.ts';
import type { WebhookBeforeSend } from './webhook-dispatcher.ts';

/**
 * The `beforeSend` that holds webhook deliveries to the egress policy the browser obeys: the URL
 * and every address its host resolves to are checked, and the attempt is pinned to the address
 * that was checked, so the delivery never resolves the name a second time (DNS rebinding).
 */
export function webhookEgressCheck(policy: EgressPolicy, resolve: EgressResolver): WebhookBeforeSend {
  return async (url, { signal }) => {
    const decision = await checkUrlDestination(policy, resolve, url, { signal });
    if (!decision.allowed) throw new Error(decision.reason);
    return { address: decision.address };
  };
}
