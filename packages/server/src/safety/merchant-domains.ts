import { domainMatches, EgressPolicyError, normaliseDomain } from './egress-policy.ts';

export class MerchantDomainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MerchantDomainError';
  }
}

/** The domains as a token keeps them: lower case, no leading `*.` or trailing dot, addresses canonical. */
export function normaliseMerchantDomains(domains: readonly string[]): string[] {
  const out: string[] = [];
  for (const domain of domains) {
    try {
      const normal = normaliseDomain(domain, 'merchant_domains');
      if (!out.includes(normal)) out.push(normal);
    } catch (error) {
      if (error instanceof EgressPolicyError) throw new MerchantDomainError(error.message, { cause: error });
      throw error;
    }
  }
  return out;
}

/**
 * Whether a page at `url` is one the token may pay on: its host is a merchant domain or a
 * subdomain of one. No domains: any http(s) page. Other schemes never.
 */
export function merchantAllows(merchantDomains: readonly string[], url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (merchantDomains.length === 0) return true;
  const host = parsed.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '').toLowerCase();
  return merchantDomains.some((domain) => domainMatches(host, domain));
}
