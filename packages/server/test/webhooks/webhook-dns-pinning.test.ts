import dns from 'node:dns';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EgressPolicy, type EgressResolver } from '../../src/safety/index.ts';
import { WebhookDispatcher } from '../../src/sessions/webhooks/webhook-dispatcher.ts';
import { webhookEgressCheck } from '../../src/sessions/webhooks/webhook-egress-check.ts';
import { createHttpWebhookTransport, type WebhookTransport } from '../../src/sessions/webhooks/webhook-transport.ts';
import type { WebhookSession } from '../../src/sessions/webhooks/webhook-types.ts';
import { RecordingLogger } from './recording-logger.ts';

/**
 * DNS rebinding against webhook deliveries, on loopback only: 127.0.0.1 stands for an address the
 * policy allows (the allow list names 127.0.0.1:PORT) and 127.0.0.2 for one it refuses. A name
 * that answers the allowed address to the check and the refused one afterwards must still be
 * delivered to the checked address, and the refused address's server must see no connection.
 */

const HOST = 'hooks.test';
const ALLOWED = '127.0.0.1';
const REFUSED = '127.0.0.2';
const TLS = {
  cert: readFileSync(new URL('./tls/hooks-test.crt', import.meta.url)),
  key: readFileSync(new URL('./tls/hooks-test.key', import.meta.url)),
};

const session: WebhookSession = { id: 'sess-1', apiKeyId: 'key-1', status: 'ready', agentName: 'agi-0', createdAt: new Date('2024-01-15T10:29:59Z') };

interface CountingListener {
  port: number;
  connections: number;
  requests: { host: string | undefined; path: string; servername?: string | false | null | undefined }[];
  close(): Promise<void>;
}

/** Counts TCP connections and records each request's Host header (and TLS server name). */
function listen(server: Server, address: string, port: number, status: () => number): Promise<CountingListener> {
  const sockets = new Set<Socket>();
  const listener: CountingListener = {
    port: 0,
    connections: 0,
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  server.on('connection', (socket: Socket) => {
    listener.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    listener.requests.push({ host: req.headers.host, path: req.url ?? '', servername: (req.socket as Partial<TLSSocket>).servername });
    req.resume();
    req.on('end', () => res.writeHead(status()).end());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      listener.port = (server.address() as AddressInfo).port;
      resolve(listener);
    });
  });
}

/**
 * The webhook receiver on 127.0.0.1 and a server on 127.0.0.2 with the same port, so a URL
 * `http://hooks.test:PORT/` reaches one or the other depending only on what the name resolves to.
 */
async function receiverPair(options: { tls?: boolean; status?: () => number } = {}): Promise<{ allowed: CountingListener; refused: CountingListener; port: number }> {
  const make = (): Server => (options.tls ? createHttpsServer(TLS) : createHttpServer());
  const status = options.status ?? (() => 200);
  for (let tries = 0; ; tries++) {
    const allowed = await listen(make(), ALLOWED, 0, status);
    const { port } = allowed;
    try {
      const refused = await listen(make(), REFUSED, port, () => 200);
      cleanups.push(() => allowed.close(), () => refused.close());
      return { allowed, refused, port };
    } catch (error) {
      await allowed.close();
      // The port was free on 127.0.0.1 but taken on 127.0.0.2 by something else: pick another.
      if (tries >= 5) throw error;
    }
  }
}

/** A stub resolver for the egress check: one scripted answer per query (the last one repeats). */
function scriptedDns(answers: string[][]): { resolve: EgressResolver; queries: string[] } {
  const queries: string[] = [];
  const resolve: EgressResolver = async (host) => {
    queries.push(host);
    return answers[Math.min(queries.length, answers.length) - 1] ?? [];
  };
  return { resolve, queries };
}

const cleanups: (() => Promise<void>)[] = [];
/** Names the system resolver was asked for while a test ran (node's `dns.lookup`, used by connect). */
let systemLookups: string[] = [];
const originalLookup = dns.lookup;

beforeEach(() => {
  systemLookups = [];
  // A second resolution at connect time would go through dns.lookup. It answers the refused
  // address for every name, as a rebinding name would, and never asks real DNS; IP literals
  // (servers listening on 127.0.0.x) go to the real lookup, which answers them locally.
  dns.lookup = ((hostname: string, options: unknown, callback?: unknown) => {
    if (isIP(hostname) !== 0) return (originalLookup as (...args: unknown[]) => void)(hostname, options, callback);
    systemLookups.push(hostname);
    const done = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
    process.nextTick(() => (all ? done(null, [{ address: REFUSED, family: 4 }]) : done(null, REFUSED, 4)));
  }) as typeof dns.lookup;
});

afterEach(async () => {
  dns.lookup = originalLookup;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dispatcher(port: number, resolve: EgressResolver, transport?: WebhookTransport): { d: WebhookDispatcher; log: RecordingLogger } {
  const log = new RecordingLogger();
  const policy = new EgressPolicy({ allow: [`${ALLOWED}:${port}`] });
  const d = new WebhookDispatcher({ logger: log, timeoutMs: 2_000, baseDelayMs: 10, beforeSend: webhookEgressCheck(policy, resolve), transport });
  cleanups.push(() => d.close());
  return { d, log };
}

describe('webhook delivery is pinned to the address the egress check approved', () => {
  it('the stand-ins behave as the policy says: 127.0.0.1 on the port is allowed, 127.0.0.2 refused', () => {
    const policy = new EgressPolicy({ allow: [`${ALLOWED}:4000`] });
    expect(policy.checkAddress(ALLOWED, HOST, 4000)).toEqual({ allowed: true });
    expect(policy.checkAddress(REFUSED, HOST, 4000).allowed).toBe(false);
  });

  it('delivers to the checked address when the name answers a refused one afterwards (rebinding)', async () => {
    const { allowed, refused, port } = await receiverPair();
    const dnsScript = scriptedDns([[ALLOWED], [REFUSED]]);
    const { d, log } = dispatcher(port, dnsScript.resolve);
    d.send(`http://${HOST}:${port}/hook?token=t`, 'session.created', session, {});
    await log.waitFor('webhook_delivered');
    expect(allowed.requests).toEqual([{ host: `${HOST}:${port}`, path: '/hook?token=t', servername: undefined }]);
    expect(refused.connections).toBe(0);
    // One resolution, by the check; the connection did not ask DNS again.
    expect(dnsScript.queries).toEqual([HOST]);
    expect(systemLookups).toEqual([]);
    expect(log.withMsg('webhook_delivered')).toEqual([{ sessionId: 'sess-1', event: 'session.created', webhookId: expect.any(String), host: `${HOST}:${port}`, attempt: 1, status: 200 }]);
  });

  it('a retry checks again and refuses once the name has rebound, without connecting', async () => {
    const { allowed, refused, port } = await receiverPair({ status: () => 500 });
    const dnsScript = scriptedDns([[ALLOWED], [REFUSED]]);
    const { d, log } = dispatcher(port, dnsScript.resolve);
    d.send(`http://${HOST}:${port}/hook`, 'task.started', session, { message: 'go' });
    await log.waitFor('webhook_failed_permanently');
    expect(allowed.connections).toBe(1);
    expect(refused.connections).toBe(0);
    expect(dnsScript.queries).toEqual([HOST, HOST]);
    expect(systemLookups).toEqual([]);
    expect(log.messages()).toEqual(['webhook_retry', 'webhook_failed_permanently']);
    expect(log.withMsg('webhook_failed_permanently')[0]).toMatchObject({ attempt: 2, reason: 'refused', error: expect.stringContaining(REFUSED) });
  });

  it('never connects to a name that resolves only to a refused address', async () => {
    const { allowed, refused, port } = await receiverPair();
    const dnsScript = scriptedDns([[REFUSED]]);
    const { d, log } = dispatcher(port, dnsScript.resolve);
    d.send(`http://${HOST}:${port}/hook`, 'session.created', session, {});
    await log.waitFor('webhook_failed_permanently');
    await d.drain(5_000);
    expect(refused.connections).toBe(0);
    expect(allowed.connections).toBe(0);
    expect(systemLookups).toEqual([]);
    expect(log.withMsg('webhook_failed_permanently')).toEqual([
      expect.objectContaining({ attempt: 1, reason: 'refused', error: `refused: ${REFUSED} is a loopback address (${HOST} resolved to it)` }),
    ]);
  });

  it('refuses a name whose answers mix an allowed and a refused address', async () => {
    const { allowed, refused, port } = await receiverPair();
    const dnsScript = scriptedDns([[ALLOWED, REFUSED]]);
    const { d, log } = dispatcher(port, dnsScript.resolve);
    d.send(`http://${HOST}:${port}/hook`, 'session.created', session, {});
    await log.waitFor('webhook_failed_permanently');
    expect(allowed.connections + refused.connections).toBe(0);
    expect(systemLookups).toEqual([]);
    expect(log.withMsg('webhook_failed_permanently')[0]).toMatchObject({ reason: 'refused' });
  });

  it('over https, connects to the checked address and verifies the certificate against the name', async () => {
    const { allowed, refused, port } = await receiverPair({ tls: true });
    const dnsScript = scriptedDns([[ALLOWED], [REFUSED]]);
    const { d, log } = dispatcher(port, dnsScript.resolve, createHttpWebhookTransport({ ca: TLS.cert }));
    d.send(`https://${HOST}:${port}/hook`, 'session.created', session, {});
    await log.waitFor('webhook_delivered');
    expect(allowed.requests).toEqual([{ host: `${HOST}:${port}`, path: '/hook', servername: HOST }]);
    expect(refused.connections).toBe(0);
    expect(systemLookups).toEqual([]);
  });

  it('over https, a certificate that does not name the host fails the attempt', async () => {
    const { allowed, port } = await receiverPair({ tls: true });
    // other.test passes the policy and resolves to the receiver, whose certificate names hooks.test only.
    const { d, log } = dispatcher(port, async () => [ALLOWED], createHttpWebhookTransport({ ca: TLS.cert }));
    d.send(`https://other.test:${port}/hook`, 'session.created', session, {});
    await log.waitFor('webhook_failed_permanently');
    expect(allowed.requests).toEqual([]);
    expect(systemLookups).toEqual([]);
    expect(log.withMsg('webhook_retry')[0]).toMatchObject({ attempt: 1, error: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });
});
