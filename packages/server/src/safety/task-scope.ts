import { getDomain, parse } from 'tldts';
import { formatIp, parseIp } from './ip-bytes.ts';

/**
 * A URL or a bare domain as a task writes it: `https://shop.example/cart`, `shop.example.com`,
 * `127.0.0.1:4000/form`. Bare names need a dot and a letter-only last label, so "e.g." or "v1.2"
 * are not sites. Bounded: a task is at most a few kilobytes (MAX_MESSAGE_LENGTH).
 */
const SITE_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`)\]}]+|(?<![@\w.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?::\d{1,5})?(?![\w@-])|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/gi;

/**
 * The sites a task names, against which the action gate and the secret vault judge where data may
 * go: the host of its start_url, the URLs and domain names written in its text (and in follow-up
 * messages, as they arrive), the session's `allow_domains`, the payment token's merchant domains.
 *
 * A site is a registrable domain (`auth.shop.example.co.uk` and `shop.example.co.uk` are one site,
 * by the public suffix list), or for an address or a single-label name such as `localhost`, the
 * exact host and port: two servers on one machine are two parties.
 */
export class TaskScope {
  readonly #sites = new Set<string>();

  static of(input: { texts?: readonly string[]; urls?: readonly (string | undefined)[]; domains?: readonly string[] }): TaskScope {
    const scope = new TaskScope();
    for (const url of input.urls ?? []) if (url !== undefined) scope.addUrl(url);
    for (const domain of input.domains ?? []) scope.addUrl(`http://${domain.replace(/^\*\./, '')}/`);
    for (const text of input.texts ?? []) scope.addText(text);
    return scope;
  }

  /** Adds every site the text names (a follow-up message can name another site). */
  addText(text: string): void {
    for (const match of text.matchAll(SITE_IN_TEXT)) {
      if (/^https?:/i.test(match[0])) this.addUrl(match[0]);
      // A bare name is a site only under a known public suffix: "ada.quill" or "report.final" are not.
      else if (/^[\d.:]+$/.test(match[0]) || hasPublicSuffix(match[0].replace(/:\d+$/, ''))) this.addUrl(`http://${match[0]}`);
    }
  }

  addUrl(url: string): void {
    const site = siteOf(url);
    if (site !== undefined) this.#sites.add(site);
  }

  /** Whether a page or request at `url` belongs to a site the task named. */
  includes(url: string): boolean {
    const site = siteOf(url);
    return site !== undefined && this.#sites.has(site);
  }

  /** The sites, for messages and logs (`shop.example`, `127.0.0.1:4000`). */
  get sites(): string[] {
    return [...this.#sites].sort();
  }
}

/**
 * The site of a URL (see `TaskScope`), or undefined for what is no web site (`about:blank`, `data:`,
 * a URL that does not parse). Ports count only for addresses and single-label names, whose port
 * is all that tells two services apart.
 */
export function siteOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '').toLowerCase();
  if (host === '') return undefined;
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? '443' : '80') : parsed.port;
  const ip = parseIp(host);
  if (ip !== undefined) return `${formatIp(ip)}:${port}`;
  if (!host.includes('.')) return `${host}:${port}`;
  return getDomain(host, { allowPrivateDomains: true }) ?? host;
}

/** Names reserved for tests, documentation and private networks (RFC 2606, 6761, 8375): sites, though in no public list. */
const SPECIAL_USE_SUFFIXES = new Set(['example', 'test', 'localhost', 'internal', 'local', 'lan', 'home.arpa']);

function hasPublicSuffix(host: string): boolean {
  const parsed = parse(host, { allowPrivateDomains: true });
  if (parsed.domain === null) return false;
  return parsed.isIcann === true || parsed.isPrivate === true || SPECIAL_USE_SUFFIXES.has(parsed.publicSuffix ?? '');
}

/** The host (and port) of a URL for a message or a log line; a text that is no URL, cut short. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 100);
  }
}
