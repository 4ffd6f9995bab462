import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEgressProxy, type EgressChannel, type EgressProxy } from '../../src/browser/egress-proxy/egress-proxy.ts';
import { parseUpstreamProxy, UpstreamProxyError } from '../../src/browser/egress-proxy/upstream-proxy.ts';
import { EgressPolicy } from '../../src/safety/egress-policy.ts';
import { startHttpConnectProxy, startSocks5Proxy, type RecordingProxy } from '../support/upstream-proxies.ts';
import { BlockedEvents, startCountingServer, stubResolver, type CountingServer } from './egress-servers.ts';

// Loopback only. "Private" destinations are loopback addresses outside the allow list (the policy
// refuses loopback like any private range); literal metadata/private addresses are refused by the
// policy before any lookup, and the recording proxies connect only to loopback anyway.
const CREDENTIALS = { username: 'alice', password: 's3cr:et@pw' };
const ENCODED = `${encodeURIComponent(CREDENTIALS.username)}:${encodeURIComponent(CREDENTIALS.password)}`;

let site: CountingServer;
/** Answers an upgrade with 101 and echoes what follows, like a WebSocket server would after its handshake. */
let echoSite: Server;
let echoPort: number;
let forbidden: CountingServer;
let httpProxy: RecordingProxy;
let socksProxy: RecordingProxy;
/** Listens on a loopback port the policy does not allow: naming it as the proxy must be refused. */
let unlistedProxy: RecordingProxy;
/** An allowed port where nothing listens. */
let deadPort: number;
let egress: EgressProxy;
let policy: EgressPolicy;
const blocked = new BlockedEvents();
let rebindAnswers = 0;
const resolver = stubResolver({
  'shop.test': ['127.0.0.1'],
  // Stands in for a name that resolves to a private or metadata address.
  'evil.test': ['127.0.0.2'],
  'rebind.test': () => (rebindAnswers++ === 0 ? ['127.0.0.1'] : ['127.0.0.2']),
  'proxy.test': ['127.0.0.1'],
  'bad-proxy.test': ['127.0.0.3'],
});

beforeAll(async () => {
  site = await startCountingServer('127.0.0.1', (req, res) => res.end(`hello ${req.headers.host ?? '?'} ${req.url ?? ''}`));
  echoSite = createServer((_req, res) => res.writeHead(426).end());
  echoSite.on('upgrade', (_req, socket: Socket, head: Buffer) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
    if (head.length > 0) socket.write(head);
    socket.pipe(socket);
  });
  echoPort = await new Promise<number>((resolve) => echoSite.listen(0, '127.0.0.1', () => resolve((echoSite.address() as AddressInfo).port)));
  forbidden = await startCountingServer('127.0.0.2', undefined, site.port);
  httpProxy = await startHttpConnectProxy({ credentials: CREDENTIALS });
  socksProxy = await startSocks5Proxy({ credentials: CREDENTIALS });
  unlistedProxy = await startHttpConnectProxy();
  deadPort = await freePort();
  policy = new EgressPolicy({
    allow: [`127.0.0.1:${site.port}`, `127.0.0.1:${echoPort}`, `127.0.0.1:${httpProxy.port}`, `127.0.0.1:${socksProxy.port}`, `127.0.0.1:${deadPort}`],
  });
  egress = await startEgressProxy({ policy, resolver: resolver.resolve, onBlocked: blocked.record, connectTimeoutMs: 5_000 });
});

afterAll(async () => {
  await egress.close();
  echoSite.closeAllConnections();
  await Promise.all([
    site.close(),
    forbidden.close(),
    httpProxy.close(),
    socksProxy.close(),
    unlistedProxy.close(),
    new Promise<void>((resolve) => echoSite.close(() => resolve())),
  ]);
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function channelVia(upstreamProxy: string): Promise<EgressChannel> {
  const channel = await egress.openChannel();
  channel.bind({ sessionId: 'upstream-test', policy: policy.forSession({}), upstreamProxy });
  return channel;
}

const portOf = (channel: EgressChannel): number => Number(new URL(channel.url).port);

function get(channel: EgressChannel, absoluteUrl: string): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: portOf(channel), path: absoluteUrl, headers: { host: new URL(absoluteUrl).host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** CONNECT through the channel; on 200, one plain GET inside the tunnel, whose answer is returned. */
function connectAndGet(channel: EgressChannel, authority: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: portOf(channel), method: 'CONNECT', path: authority });
    req.on('connect', (res, socket, head) => {
      let body = head.toString('utf8');
      if (res.statusCode !== 200) {
        socket.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        socket.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        socket.on('error', () => resolve({ status: res.statusCode ?? 0, body }));
        return;
      }
      socket.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      socket.on('end', () => resolve({ status: 200, body }));
      socket.on('error', reject);
      socket.write(`GET /tunnelled HTTP/1.1\r\nhost: ${authority}\r\nconnection: close\r\n\r\n`);
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(['HTTP CONNECT', 'SOCKS5'])('egress through an upstream %s proxy', (kind) => {
  /** The upstream under test and its URL with the right credentials (known once beforeAll ran). */
  const setup = (): { upstream: RecordingProxy; url: string } =>
    kind === 'SOCKS5'
      ? { upstream: socksProxy, url: `socks5://${ENCODED}@127.0.0.1:${socksProxy.port}` }
      : { upstream: httpProxy, url: `http://${ENCODED}@127.0.0.1:${httpProxy.port}` };

  it('sends an allowed plain-http request through the upstream, naming the checked address, with the credentials', async () => {
    const { upstream, url } = setup();
    const channel = await channelVia(url);
    const before = { upstream: upstream.connections, site: site.connections, credentials: upstream.credentials.length };
    const response = await get(channel, `http://shop.test:${site.port}/page?q=1`);
    expect(response.status).toBe(200);
    // The site sees the browser's Host header; the upstream saw only the pinned IP.
    expect(response.body).toBe(`hello shop.test:${site.port} /page?q=1`);
    expect(upstream.connections).toBe(before.upstream + 1);
    expect(upstream.targets.at(-1)).toBe(`127.0.0.1:${site.port}`);
    expect(upstream.credentials.slice(before.credentials)).toEqual([CREDENTIALS]);
    expect(site.connections).toBe(before.site + 1);
    await channel.close();
  });

  it('opens an allowed CONNECT tunnel through the upstream', async () => {
    const { upstream, url } = setup();
    const channel = await channelVia(url);
    const before = upstream.connections;
    const response = await connectAndGet(channel, `shop.test:${site.port}`);
    expect(response.status).toBe(200);
    expect(response.body).toContain(`hello shop.test:${site.port} /tunnelled`);
    expect(upstream.connections).toBe(before + 1);
    expect(upstream.targets.at(-1)).toBe(`127.0.0.1:${site.port}`);
    await channel.close();
  });

  it('carries a WebSocket-style upgrade through the upstream', async () => {
    const { upstream, url } = setup();
    const channel = await channelVia(url);
    const before = upstream.connections;
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port: portOf(channel),
        path: `ws://shop.test:${echoPort}/socket`,
        headers: { host: `shop.test:${echoPort}`, connection: 'Upgrade', upgrade: 'websocket' },
      });
      req.on('upgrade', (res, socket: Socket) => {
        if (res.statusCode !== 101) reject(new Error(`status ${res.statusCode}`));
        socket.once('data', (chunk: Buffer) => {
          socket.destroy();
          resolve(chunk.toString('utf8'));
        });
        socket.write('ping');
      });
      req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
    expect(echoed).toBe('ping');
    expect(upstream.connections).toBe(before + 1);
    expect(upstream.targets.at(-1)).toBe(`127.0.0.1:${echoPort}`);
    await channel.close();
  });

  it.each([
    ['a name resolving to a refused address', () => `http://evil.test:${site.port}/`],
    ['a loopback literal off the allow list', () => `http://127.0.0.2:${site.port}/`],
    ['the metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a private address', () => 'http://10.0.0.1/'],
  ])('refuses %s before anything reaches the upstream or the target (HTTP)', async (_name, target) => {
    const { upstream, url } = setup();
    const channel = await channelVia(url);
    const before = { upstream: upstream.connections, site: site.connections };
    const response = await get(channel, target());
    expect(response.status).toBe(403);
    expect(response.headers['x-steward-egress']).toBe('refused');
    expect(upstream.connections).toBe(before.upstream);
    expect(site.connections).toBe(before.site);
    expect(forbidden.connections).toBe(0);
    await channel.close();
  });

  it.each([
    ['a name resolving to a refused address', () => `evil.test:${site.port}`],
    ['the metadata address', () => '169.254.169.254:443'],
  ])('refuses %s before anything reaches the upstream or the target (CONNECT)', async (_name, authority) => {
    const { upstream, url } = setup();
    const channel = await channelVia(url);
    const before = upstream.connections;
    const response = await connectAndGet(channel, authority());
    expect(response.status).toBe(403);
    expect(upstream.connections).toBe(before);
    expect(forbidden.connections).toBe(0);
    await channel.close();
  });

  it('pins each request to its own answer: a rebound answer is refused, not handed to the upstream', async () => {
    const { upstream, url } = setup();
    const channel = await channelVia(url);
    rebindAnswers = 0;
    const before = upstream.connections;
    expect((await get(channel, `http://rebind.test:${site.port}/`)).status).toBe(200);
    expect((await get(channel, `http://rebind.test:${site.port}/secret`)).status).toBe(403);
    expect(upstream.connections).toBe(before + 1);
    expect(upstream.targets.at(-1)).toBe(`127.0.0.1:${site.port}`);
    expect(forbidden.connections).toBe(0);
    await channel.close();
  });

  it('answers 502 with the reason when the upstream refuses the credentials', async () => {
    const { upstream } = setup();
    const scheme = kind === 'SOCKS5' ? 'socks5' : 'http';
    const channel = await channelVia(`${scheme}://alice:wrong-password@127.0.0.1:${upstream.port}`);
    const before = site.connections;
    const response = await get(channel, `http://shop.test:${site.port}/`);
    expect(response.status).toBe(502);
    expect(response.body).toContain(`upstream proxy ${scheme}://127.0.0.1:${upstream.port}`);
    expect(response.body).toMatch(kind === 'SOCKS5' ? /authentication failed/i : /407/);
    expect(response.body).not.toContain('wrong-password');
    expect(upstream.credentials.at(-1)).toEqual({ username: 'alice', password: 'wrong-password' });
    expect(site.connections).toBe(before);
    await channel.close();
  });
});

describe('the upstream proxy itself', () => {
  it('is reached through the address the firewall checked for its name', async () => {
    const channel = await channelVia(`http://${ENCODED}@proxy.test:${httpProxy.port}`);
    const before = httpProxy.connections;
    expect((await get(channel, `http://shop.test:${site.port}/`)).status).toBe(200);
    expect(httpProxy.connections).toBe(before + 1);
    expect(resolver.calls).toContain('proxy.test');
    await channel.close();
  });

  it.each([
    ['a loopback port off the allow list', () => unlistedProxy.url, () => `127.0.0.1 is a loopback address`],
    ['a name resolving to a refused address', () => `http://bad-proxy.test:${unlistedProxy.port}`, () => '127.0.0.3 is a loopback address (bad-proxy.test resolved to it)'],
  ])('is refused, readably and before any connection, when it is %s', async (_name, proxyUrl, why) => {
    const channel = await channelVia(proxyUrl());
    const events: string[] = [];
    channel.onBlocked((event) => events.push(event.reason));
    const before = site.connections;
    const plain = await get(channel, `http://shop.test:${site.port}/`);
    expect(plain.status).toBe(403);
    expect(plain.headers['x-steward-egress']).toBe('refused');
    expect(plain.body).toMatch(/^refused: upstream proxy http:\/\/.+ is not allowed/);
    expect(plain.body).toContain(why());
    const tunnel = await connectAndGet(channel, `shop.test:${site.port}`);
    expect(tunnel.status).toBe(403);
    expect(events).toHaveLength(2);
    expect(unlistedProxy.connections).toBe(0);
    expect(site.connections).toBe(before);
    await channel.close();
  });

  it('answers 502 with the reason, not a hang, when nothing listens there', async () => {
    const channel = await channelVia(`http://${ENCODED}@127.0.0.1:${deadPort}`);
    const plain = await get(channel, `http://shop.test:${site.port}/`);
    expect(plain.status).toBe(502);
    expect(plain.body).toContain(`could not reach shop.test:${site.port}: upstream proxy http://127.0.0.1:${deadPort}`);
    expect(plain.body).toContain('ECONNREFUSED');
    expect(plain.body).not.toContain(CREDENTIALS.password);
    const socks = await channelVia(`socks5://127.0.0.1:${deadPort}`);
    const tunnel = await connectAndGet(socks, `shop.test:${site.port}`);
    expect(tunnel.status).toBe(502);
    expect(tunnel.body).toContain(`upstream proxy socks5://127.0.0.1:${deadPort}`);
    await Promise.all([channel.close(), socks.close()]);
  });

  it('answers 502, not a hang, when the upstream accepts the connection and never answers', async () => {
    const accepted: Socket[] = [];
    const silent = createTcpServer((socket) => accepted.push(socket));
    const silentPort = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as AddressInfo).port)));
    const quick = await startEgressProxy({ policy: new EgressPolicy({ allow: [`127.0.0.1:${silentPort}`, `127.0.0.1:${site.port}`] }), resolver: resolver.resolve, connectTimeoutMs: 300 });
    const channel = await quick.openChannel();
    channel.bind({ sessionId: 'silent', policy: policy.forSession({}), upstreamProxy: `socks5://127.0.0.1:${silentPort}` });
    const response = await get(channel, `http://shop.test:${site.port}/`);
    expect(response.status).toBe(502);
    expect(response.body).toContain(`upstream proxy socks5://127.0.0.1:${silentPort}: no answer within 300 ms`);
    await quick.close();
    for (const socket of accepted) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('is bound only from a valid proxy URL, and errors never show its credentials', () => {
    expect(parseUpstreamProxy(`socks5h://${ENCODED}@[::1]:1080`)).toEqual({
      kind: 'socks5',
      host: '[::1]',
      port: 1080,
      username: CREDENTIALS.username,
      password: CREDENTIALS.password,
      label: 'socks5h://[::1]:1080',
    });
    expect(parseUpstreamProxy('http://proxy.test:80').port).toBe(80);
    for (const bad of ['ftp://alice:topsecret@proxy.test:21', 'http://alice:topsecret@proxy.test:8080/path', 'http://alice:%zz@proxy.test:8080', 'not a url']) {
      expect(() => parseUpstreamProxy(bad)).toThrow(UpstreamProxyError);
      try {
        parseUpstreamProxy(bad);
      } catch (error) {
        expect(String(error)).not.toContain('topsecret');
      }
    }
  });
});
