import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { errorMessage } from '../../util/abort.ts';
import { checkDestination, DestinationLookupError, type DestinationDecision, type EgressResolver } from '../../safety/check-destination.ts';
import type { EgressPolicy } from '../../safety/egress-policy.ts';
import { systemResolver } from './system-resolver.ts';
import { connectTo } from './connect-to.ts';
import { openUpstreamTunnel, parseUpstreamProxy, type UpstreamProxy } from './upstream-proxy.ts';

/** One request the proxy refused. `url` is the full URL, or `host:port` for a CONNECT tunnel. */
export interface EgressBlockedEvent {
  url: string;
  host: string;
  port: number;
  reason: string;
  sessionId?: string | undefined;
}

export interface EgressProxyOptions {
  /** Applies to the browser-wide listener and to channels not yet bound to a session. */
  policy: EgressPolicy;
  resolver?: EgressResolver | undefined;
  onBlocked?: ((event: EgressBlockedEvent) => void) | undefined;
  resolveTimeoutMs?: number | undefined;
  connectTimeoutMs?: number | undefined;
  /**
   * Where each listener is opened: a listening server whose connections this proxy serves
   * (the browser's network namespace hands them over, see `startNetworkNamespace`). Default: a
   * new listener on 127.0.0.1 of the server's own namespace.
   */
  listen?: (() => Promise<NetServer>) | undefined;
}

/** One listener, used by one browser context; it applies the policy of the session bound to it. */
export interface EgressChannel {
  /** `http://127.0.0.1:<port>`, for Playwright's `newContext({ proxy: { server } })`. */
  readonly url: string;
  /**
   * `upstreamProxy`: forward allowed requests through this proxy (see `AcquireOptions.upstreamProxy`).
   * Throws `UpstreamProxyError` when it is not a valid proxy URL. Whether the proxy's address is
   * allowed is decided per connection (its name may resolve differently over time), by the
   * proxy-wide policy: the session's domain lists are about sites, not about its proxy.
   */
  bind(binding: { sessionId: string; policy: EgressPolicy; upstreamProxy?: string | undefined }): void;
  /** Called for each refusal on this channel (after the proxy-wide `onBlocked`). */
  onBlocked(listener: (event: EgressBlockedEvent) => void): () => void;
  /** Stops listening and drops this channel's open connections. Idempotent. */
  close(): Promise<void>;
}

export interface EgressProxy {
  /** The browser-wide listener (`--proxy-server`), with the default policy. */
  readonly url: string;
  openChannel(): Promise<EgressChannel>;
  close(): Promise<void>;
}

/** Marks the proxy's own refusals so the browser side can tell them from a site's 403. */
export const EGRESS_REFUSED_HEADER = 'x-steward-egress';

// RFC 9110 §7.6.1, plus the proxy-specific ones Chromium sends.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** A connection the proxy did not open: a policy refusal (403, reported) or a failure (502). */
class DialError extends Error {
  constructor(
    message: string,
    readonly refusal: { host: string; port: number } | undefined,
  ) {
    super(message);
    this.name = 'DialError';
  }
}

/**
 * A forward proxy on 127.0.0.1 that Chromium sends every request through (the bypass list is
 * `<-loopback>`, so loopback too). Each request — absolute-form HTTP, CONNECT for https/wss/ws,
 * and upgrades — is checked (scheme and host, then every DNS answer), then connected to the
 * checked address itself, so a second DNS answer (rebinding) is never consulted. Refusals
 * answer 403 before any connection is opened. A channel bound with an upstream proxy sends what
 * it allowed through that proxy, naming the checked address (see `openUpstreamTunnel`).
 */
export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const resolver = options.resolver ?? systemResolver;
  const resolveTimeoutMs = options.resolveTimeoutMs ?? 5_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const channels = new Set<EgressChannel>();

  async function openListener(): Promise<EgressChannel> {
    let binding: { sessionId?: string | undefined; policy: EgressPolicy; upstream?: UpstreamProxy | undefined } = { policy: options.policy };
    const listeners = new Set<(event: EgressBlockedEvent) => void>();
    const sockets = new Set<Duplex>();
    const server: Server = createServer();
    const track = (socket: Duplex): void => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // A browser that drops a connection is routine; never let it crash the server.
      socket.on('error', () => undefined);
    };
    server.on('connection', track);

    const blocked = (url: string, host: string, port: number, reason: string): void => {
      const event: EgressBlockedEvent = { url, host, port, reason, sessionId: binding.sessionId };
      try {
        options.onBlocked?.(event);
      } catch {
        // a reporting failure must not turn a refusal into a hang
      }
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // as above
        }
      }
    };

    const decide = async (
      host: string,
      port: number,
      policy: EgressPolicy = binding.policy,
    ): Promise<DestinationDecision | { allowed: false; lookupFailed: string }> => {
      try {
        return await checkDestination(policy, resolver, host, port, { signal: AbortSignal.timeout(resolveTimeoutMs) });
      } catch (error) {
        if (error instanceof DestinationLookupError) return { allowed: false, lookupFailed: error.message };
        throw error;
      }
    };

    /**
     * A connection to a destination the firewall allowed (`target`: the checked address), direct
     * or through the session's upstream proxy. Throws `DialError`.
     */
    const dial = async (target: { address: string; port: number }): Promise<Socket> => {
      const upstream = binding.upstream;
      if (upstream === undefined) {
        return connectTo(target.address, target.port, connectTimeoutMs, track).catch((error: unknown) => {
          throw new DialError(errorMessage(error), undefined);
        });
      }
      // The proxy's own address passes the operator's policy, pinned like any destination: a
      // session must not reach the metadata service or the LAN by calling it its proxy.
      const proxyDecision = await decide(upstream.host, upstream.port, options.policy);
      if ('lookupFailed' in proxyDecision) throw new DialError(`upstream proxy ${upstream.label}: ${proxyDecision.lookupFailed}`, undefined);
      if (!proxyDecision.allowed) {
        const why = proxyDecision.reason.replace(/^refused: /, '');
        throw new DialError(`refused: upstream proxy ${upstream.label} is not allowed (${why})`, { host: upstream.host, port: upstream.port });
      }
      return openUpstreamTunnel(upstream, proxyDecision.address, target, connectTimeoutMs, track).catch((error: unknown) => {
        throw new DialError(errorMessage(error), undefined);
      });
    };

    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void forward(req, res).catch((error: unknown) => answer(res, 502, `proxy error: ${errorMessage(error)}`));
    });

    async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const target = absoluteUrl(req.url);
      if (target === undefined || (target.protocol !== 'http:' && target.protocol !== 'ws:')) {
        answer(res, 400, 'this proxy takes absolute http URLs and CONNECT only');
        return;
      }
      const urlDecision = binding.policy.checkUrl(target.href);
      const port = portOf(target);
      if (!urlDecision.allowed) {
        blocked(target.href, target.hostname, port, urlDecision.reason);
        answer(res, 403, urlDecision.reason, true);
        return;
      }
      const decision = await decide(target.hostname, port);
      if ('lookupFailed' in decision) {
        answer(res, 502, decision.lookupFailed);
        return;
      }
      if (!decision.allowed) {
        blocked(target.href, target.hostname, port, decision.reason);
        answer(res, 403, decision.reason, true);
        return;
      }
      let socket: Socket;
      try {
        socket = await dial(decision);
      } catch (error) {
        if (!(error instanceof DialError)) throw error;
        if (error.refusal === undefined) {
          answer(res, 502, `could not reach ${target.host}: ${error.message}`);
        } else {
          blocked(target.href, error.refusal.host, error.refusal.port, error.message);
          answer(res, 403, error.message, true);
        }
        return;
      }
      if (req.socket.destroyed) {
        socket.destroy();
        return;
      }
      // The browser's own Host header goes along (setHost: false), whatever socket carries it.
      // No `agent`: with one, node would open its own connection instead of `createConnection`'s.
      const upstream = httpRequest({
        createConnection: () => socket,
        setHost: false,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers: endToEnd(req.headers),
        timeout: connectTimeoutMs,
      });
      upstream.on('timeout', () => upstream.destroy(new Error('upstream timed out')));
      upstream.on('response', (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, endToEnd(upstreamRes.headers));
        upstreamRes.pipe(res);
        upstreamRes.on('error', () => res.destroy());
      });
      upstream.on('error', (error) => {
        if (res.headersSent) res.destroy();
        else answer(res, 502, `could not reach ${target.host}: ${errorMessage(error)}`);
      });
      res.on('close', () => upstream.destroy());
      req.pipe(upstream);
    }

    server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
      track(client);
      void tunnel(req.url ?? '', client, head, undefined).catch(() => client.destroy());
    });

    server.on('upgrade', (req: IncomingMessage, client: Duplex, head: Buffer) => {
      track(client);
      const target = absoluteUrl(req.url);
      if (target === undefined) {
        refuseSocket(client, 400, 'this proxy takes absolute URLs only');
        return;
      }
      const urlDecision = binding.policy.checkUrl(target.href);
      if (!urlDecision.allowed) {
        blocked(target.href, target.hostname, portOf(target), urlDecision.reason);
        refuseSocket(client, 403, urlDecision.reason, true);
        return;
      }
      void tunnel(`${target.host}${target.port === '' ? `:${portOf(target)}` : ''}`, client, head, { req, target }).catch(() =>
        client.destroy(),
      );
    });

    /**
     * CONNECT (`upgrade` undefined): answer 200 and relay bytes. Upgrade: replay the request in
     * origin form to the checked address, then relay.
     */
    async function tunnel(
      authority: string,
      client: Duplex,
      head: Buffer,
      upgrade: { req: IncomingMessage; target: URL } | undefined,
    ): Promise<void> {
      const parsed = parseAuthority(authority);
      const label = upgrade?.target.href ?? authority;
      if (parsed === undefined) {
        refuseSocket(client, 400, `bad CONNECT target ${authority}`);
        return;
      }
      const decision = await decide(parsed.host, parsed.port);
      if ('lookupFailed' in decision) {
        refuseSocket(client, 502, decision.lookupFailed);
        return;
      }
      if (!decision.allowed) {
        blocked(label, parsed.host, parsed.port, decision.reason);
        refuseSocket(client, 403, decision.reason, true);
        return;
      }
      if (client.destroyed) return;
      let upstream: Socket;
      try {
        upstream = await dial(decision);
      } catch (error) {
        if (!(error instanceof DialError)) throw error;
        if (error.refusal === undefined) {
          refuseSocket(client, 502, `could not reach ${authority}: ${error.message}`);
        } else {
          blocked(label, error.refusal.host, error.refusal.port, error.message);
          refuseSocket(client, 403, error.message, true);
        }
        return;
      }
      if (client.destroyed) {
        upstream.destroy();
        return;
      }
      if (upgrade === undefined) {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      } else {
        upstream.write(requestHead(upgrade.req, upgrade.target));
      }
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
    }

    const listener = options.listen === undefined ? server : await options.listen();
    if (listener === server) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    } else {
      listener.on('connection', (socket) => server.emit('connection', socket));
    }
    const address = listener.address();
    if (address === null || typeof address === 'string') throw new Error('egress proxy has no port');
    let closing: Promise<void> | undefined;
    const channel: EgressChannel = {
      url: `http://127.0.0.1:${address.port}`,
      bind(next) {
        const upstream = next.upstreamProxy === undefined ? undefined : parseUpstreamProxy(next.upstreamProxy);
        binding = { sessionId: next.sessionId, policy: next.policy, upstream };
      },
      onBlocked(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close() {
        closing ??= new Promise<void>((resolve) => {
          channels.delete(channel);
          listeners.clear();
          listener.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
        return closing;
      },
    };
    channels.add(channel);
    return channel;
  }

  const main = await openListener();
  return {
    url: main.url,
    openChannel: openListener,
    async close() {
      await Promise.all([...channels].map((channel) => channel.close()));
    },
  };
}

function absoluteUrl(raw: string | undefined): URL | undefined {
  if (raw === undefined || !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return undefined;
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80;
}

/** `host:port` of a CONNECT line, the host normalised the way a URL parser would. */
function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(.+):(\d{1,5})$/.exec(authority);
  if (match === null) return undefined;
  try {
    const host = new URL(`http://${match[1]}/`).hostname;
    return { host, port: Number(match[2]) };
  } catch {
    return undefined;
  }
}

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase()),
  );
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name) && !named.has(name) && value !== undefined) kept[name] = value;
  }
  return kept;
}

/** The upgrade request as the origin server should see it: origin form, proxy headers removed. */
function requestHead(req: IncomingMessage, target: URL): string {
  const lines = [`${req.method ?? 'GET'} ${target.pathname}${target.search} HTTP/1.1`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    if (/^proxy-/i.test(name)) continue;
    lines.push(`${name}: ${req.rawHeaders[i + 1] ?? ''}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function answer(res: ServerResponse, status: number, body: string, refusal = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', connection: 'close', 'cache-control': 'no-store' };
  if (refusal) headers[EGRESS_REFUSED_HEADER] = 'refused';
  res.writeHead(status, headers);
  res.end(`${body}\n`);
}

function refuseSocket(socket: Duplex, status: number, body: string, refusal = false): void {
  if (socket.destroyed) return;
  const text = `${body}\n`;
  const reasons: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 502: 'Bad Gateway' };
  socket.end(
    `HTTP/1.1 ${status} ${reasons[status] ?? 'Error'}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `${refusal ? `${EGRESS_REFUSED_HEADER}: refused\r\n` : ''}content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}
