import type { EgressDecision, EgressPolicy } from './egress-policy.ts';
import { formatIp, parseIp } from './ip-bytes.ts';

/** Resolves a host name to its addresses (all of them, as DNS answered). */
export type EgressResolver = (host: string, options: { signal: AbortSignal }) => Promise<string[]>;

/** The address to connect to — the one that was checked — or the refusal. */
export type DestinationDecision = { allowed: true; address: string; port: number } | { allowed: false; reason: string };

export class DestinationLookupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DestinationLookupError';
  }
}

/**
 * Host rules, then DNS, then every answer's address. One refused answer refuses the destination:
 * picking an allowed answer would let a name that mixes public and private answers (the usual
 * rebinding setup) decide per connection which one the browser gets. The caller must connect to
 * `address` and nothing else, so what was checked is what is reached.
 * Throws `DestinationLookupError` when the name cannot be resolved (not a policy refusal).
 */
export async function checkDestination(
  policy: EgressPolicy,
  resolve: EgressResolver,
  host: string,
  port: number,
  options: { signal: AbortSignal },
): Promise<DestinationDecision> {
  const hostDecision = policy.checkHost(host, port);
  if (!hostDecision.allowed) return hostDecision;
  const bare = host.replace(/^\[(.*)\]$/, '$1').replace(/\.+$/, '');
  const literal = parseIp(bare);
  if (literal !== undefined) return { allowed: true, address: formatIp(literal), port };
  let answers: string[];
  try {
    answers = await resolve(bare, { signal: options.signal });
  } catch (error) {
    throw new DestinationLookupError(`could not resolve ${bare}`, { cause: error });
  }
  if (answers.length === 0) throw new DestinationLookupError(`${bare} has no addresses`);
  for (const answer of answers) {
    const decision: EgressDecision = policy.checkAddress(answer, bare, port);
    if (!decision.allowed) return decision;
  }
  return { allowed: true, address: answers[0]!, port };
}

/** `checkUrl` then `checkDestination`, for a client that connects itself (webhook delivery). */
export async function checkUrlDestination(
  policy: EgressPolicy,
  resolve: EgressResolver,
  url: URL,
  options: { signal: AbortSignal },
): Promise<DestinationDecision> {
  const decision = policy.checkUrl(url.href);
  if (!decision.allowed) return decision;
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80;
  return checkDestination(policy, resolve, url.hostname, port, options);
}
