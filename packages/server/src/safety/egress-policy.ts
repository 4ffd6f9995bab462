import { embeddedIpv4, specialAddressKind } from './special-address-ranges.ts';
import { formatIp, inPrefix, parseCidr, parseIp, type Cidr, type IpBytes } from './ip-bytes.ts';

export type EgressDecision = { allowed: true } | { allowed: false; reason: string };

export interface EgressPolicyOptions {
  /**
   * The operator's allow list (`STEWARD_EGRESS_ALLOW`): addresses or CIDRs (`10.0.0.0/8`,
   * `fd00::/8`), `ip:port` (`127.0.0.1:8080`, `[::1]:8080`), hosts (`intranet.example`,
   * `*.corp.example` for a domain and its subdomains) and `host:port`. A match lets a
   * destination through the address checks; it never lifts the scheme rules.
   */
  allow: readonly string[];
  /** When non-empty, the session may reach only these domains (and their subdomains). */
  sessionAllowDomains?: readonly string[] | undefined;
  /** Domains (and their subdomains) the session may never reach; wins over the allow list. */
  sessionDenyDomains?: readonly string[] | undefined;
  /**
   * `ip:port` (`127.0.0.1:41234`, `[::1]:41234`): the one destination the session may reach, and
   * nothing else, whatever the other lists say; it is reached although the address rules would
   * refuse it. The server names it for a listener of its own (the bundled demo site); a client's
   * request never can.
   */
  sessionOnlyAddress?: string | undefined;
}

export class EgressPolicyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EgressPolicyError';
  }
}

type AllowEntry =
  | { kind: 'cidr'; cidr: Cidr; port?: number | undefined; text: string }
  | { kind: 'host'; host: string; subdomains: boolean; port?: number | undefined; text: string };

const WEB_SCHEMES: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

const ALLOWED = { allowed: true } as const;
const refuse = (reason: string): EgressDecision => ({ allowed: false, reason: `refused: ${reason}` });

/**
 * Decides where the browser (and webhooks) may connect. Pure: it never resolves a name. Callers
 * check the URL (`checkUrl`, or `checkHost` for a CONNECT target) before resolving, then every
 * resolved address (`checkAddress`) before connecting, and connect to exactly the address that
 * was checked.
 */
export class EgressPolicy {
  readonly #allow: readonly AllowEntry[];
  readonly #allowText: readonly string[];
  readonly #sessionAllow: readonly string[];
  readonly #sessionDeny: readonly string[];
  readonly #sessionOnly: { address: string; port: number } | undefined;

  constructor(options: EgressPolicyOptions) {
    this.#allowText = options.allow.map((entry) => entry.trim()).filter((entry) => entry !== '');
    this.#allow = this.#allowText.map(parseAllowEntry);
    this.#sessionAllow = (options.sessionAllowDomains ?? []).map((d) => normaliseDomain(d, 'sessionAllowDomains'));
    this.#sessionDeny = (options.sessionDenyDomains ?? []).map((d) => normaliseDomain(d, 'sessionDenyDomains'));
    this.#sessionOnly = options.sessionOnlyAddress === undefined ? undefined : parseOnlyAddress(options.sessionOnlyAddress);
  }

  /** Splits `STEWARD_EGRESS_ALLOW` (comma- or whitespace-separated). */
  static parseAllowList(text: string | undefined): string[] {
    return (text ?? '').split(/[\s,]+/).filter((entry) => entry !== '');
  }

  /** The same operator allow list with one session's domain lists, or its one address (`onlyAddress`). */
  forSession(lists: { allowDomains?: readonly string[] | undefined; denyDomains?: readonly string[] | undefined; onlyAddress?: string | undefined }): EgressPolicy {
    return new EgressPolicy({
      allow: this.#allowText,
      sessionAllowDomains: lists.allowDomains,
      sessionDenyDomains: lists.denyDomains,
      sessionOnlyAddress: lists.onlyAddress,
    });
  }

  /** Scheme and host rules for a URL the browser would load; IP literals are checked here, names after DNS. */
  checkUrl(url: string): EgressDecision {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return refuse(`${truncate(url)} is not a valid URL`);
    }
    if (parsed.protocol === 'about:') {
      return parsed.href === 'about:blank' ? ALLOWED : refuse(`${truncate(parsed.href)} is not allowed (only about:blank)`);
    }
    const defaultPort = WEB_SCHEMES[parsed.protocol];
    if (defaultPort === undefined) {
      return refuse(`${parsed.protocol} URLs are not allowed (only http, https, ws and wss)`);
    }
    return this.checkHost(parsed.hostname, parsed.port === '' ? defaultPort : Number(parsed.port));
  }

  /**
   * Host rules for a destination: the session's domain lists, `localhost` names, and IP literals
   * (checked as addresses, no DNS needed). `host` is a URL hostname (IPv6 in brackets allowed).
   */
  checkHost(host: string, port: number): EgressDecision {
    const name = normaliseHost(host);
    if (name === '') return refuse('the URL has no host');
    if (!Number.isInteger(port) || port < 1 || port > 65_535) return refuse(`port ${port} is not a valid port`);
    const literal = parseIp(name);
    const display = literal === undefined ? name : formatIp(literal);
    // A session with one address reaches no name, not even one that resolves to it: no lookup to rebind.
    if (this.#sessionOnly !== undefined) return this.#onlyDecision(display, port);
    if (this.#sessionDeny.some((domain) => domainMatches(display, domain))) {
      return refuse(`${display} is on this session's deny list`);
    }
    if (this.#sessionAllow.length > 0 && !this.#sessionAllow.some((domain) => domainMatches(display, domain))) {
      return refuse(`${display} is not on this session's allow list`);
    }
    if (literal !== undefined) return this.checkAddress(display, display, port);
    if (isLocalhostName(name) && !this.#operatorAllows(undefined, name, port)) {
      return refuse(`${name} is a loopback name`);
    }
    return ALLOWED;
  }

  /**
   * Whether `ip` (an address `host` resolved to, or the literal itself) may be connected to on
   * `port`: special-purpose ranges — loopback, private, link-local (cloud metadata), CGNAT,
   * multicast, broadcast, reserved, documentation, and their IPv4-in-IPv6 forms — are refused
   * unless the operator allow list names the address, its network, or the host.
   */
  checkAddress(ip: string, host: string, port: number): EgressDecision {
    const bytes = parseIp(ip);
    if (bytes === undefined) return refuse(`${truncate(ip)} is not an IP address`);
    const name = normaliseHost(host);
    if (this.#sessionOnly !== undefined) return this.#onlyDecision(formatIp(bytes), port);
    if (this.#operatorAllows(bytes, name, port)) return ALLOWED;
    const kind = specialAddressKind(bytes);
    if (kind === undefined) return ALLOWED;
    const address = formatIp(bytes);
    const via = name === '' || parseIp(name) !== undefined ? '' : ` (${name} resolved to it)`;
    return refuse(`${address} is ${kind}${via}`);
  }

  #onlyDecision(address: string, port: number): EgressDecision {
    const only = this.#sessionOnly!;
    if (address === only.address && port === only.port) return ALLOWED;
    return refuse(`${hostPort(address, port)} is not this session's one destination (${hostPort(only.address, only.port)})`);
  }

  #operatorAllows(address: IpBytes | undefined, host: string, port: number): boolean {
    const v4 = address === undefined ? undefined : embeddedIpv4(address);
    return this.#allow.some((entry) => {
      if (entry.port !== undefined && entry.port !== port) return false;
      if (entry.kind === 'host') return entry.host === host || (entry.subdomains && host.endsWith(`.${entry.host}`));
      if (address === undefined) return false;
      const { network, prefixLength } = entry.cidr;
      return inPrefix(address, network, prefixLength) || (v4 !== undefined && inPrefix(v4, network, prefixLength));
    });
  }
}

function parseAllowEntry(text: string): AllowEntry {
  const bad = (why: string): never => {
    throw new EgressPolicyError(`STEWARD_EGRESS_ALLOW entry '${text}' ${why}`);
  };
  let hostPart = text;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed !== null) {
    hostPart = bracketed[1] ?? '';
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (parseIp(text) === undefined && !text.includes('/')) {
    const withPort = /^(.*):(\d+)$/.exec(text);
    if (withPort !== null) {
      hostPart = withPort[1] ?? '';
      port = Number(withPort[2]);
    }
  }
  if (port !== undefined && (port < 1 || port > 65_535)) bad('has an invalid port');
  const cidr = parseCidr(hostPart);
  if (cidr !== undefined) return { kind: 'cidr', cidr, port, text };
  if (hostPart.includes('/')) bad('is not a valid CIDR');
  const subdomains = hostPart.startsWith('*.') || hostPart.startsWith('.');
  const host = normaliseDomain(hostPart.replace(/^\*?\./, ''), 'STEWARD_EGRESS_ALLOW');
  return { kind: 'host', host, subdomains, port, text };
}

/** A session's one destination: a single address with its port, nothing wider (no network, no name). */
function parseOnlyAddress(text: string): { address: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const bytes = parseIp(match?.[1] ?? match?.[2] ?? '');
  const port = Number(match?.[3]);
  if (bytes === undefined || !(port >= 1 && port <= 65_535)) throw new EgressPolicyError(`sessionOnlyAddress '${truncate(text)}' must be one ip:port`);
  return { address: formatIp(bytes), port };
}

function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Lower case, no brackets, no trailing dots (`localhost.` is `localhost`). */
function normaliseHost(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  return name.replace(/\.+$/, '');
}

/** A domain list entry as a URL hostname would spell it (IDN to punycode, IP literals canonical). */
export function normaliseDomain(domain: string, list: string): string {
  const bare = normaliseHost(domain.replace(/^\*?\./, ''));
  const literal = parseIp(bare);
  if (literal !== undefined) return formatIp(literal);
  try {
    const hostname = new URL(`http://${bare}/`).hostname;
    if (hostname === '' || hostname !== hostname.replace(/[/?#@:]/g, '')) throw new Error('not a host');
    return hostname.replace(/\.+$/, '');
  } catch (error) {
    throw new EgressPolicyError(`${list}: '${domain}' is not a domain`, { cause: error });
  }
}

export function domainMatches(host: string, domain: string): boolean {
  // An address matches only itself: '10.0.0.1' must not match a '0.0.1' suffix.
  return host === domain || (parseIp(host) === undefined && host.endsWith(`.${domain}`));
}

function isLocalhostName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || name === 'localhost.localdomain';
}

function truncate(text: string): string {
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}
