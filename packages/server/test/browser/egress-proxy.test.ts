import { request, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEgressProxy, type EgressProxy } from '../../src/browser/egress-proxy/egress-proxy.ts';
import { EgressPolicy } from '../../src/safety/egress-policy.ts';
import { BlockedEvents, startCountingServer, stubResolver, type CountingServer } from './egress-servers.ts';

let allowed: CountingServer;
let forbidden: CountingServer;
let forbidden2: CountingServer;
let proxy: EgressProxy;
const blocked = new BlockedEvents();
let rebindAnswers = 0;
const resolver = stubResolver({
  'shop.test': ['127.0.0.1'],
  'evil.test': () => ['127.0.0.1'],
  'mixed.test': ['127.0.0.1', '127.0.0.2'],
  // First answer allowed, every later one the forbidden address: the rebinding attack.
  'rebind.test': () => (rebindAnswers++ === 0 ? ['127.0.0.1'] : ['127.0.0.2']),
});

beforeAll(async () => {
  allowed = await startCountingServer('127.0.0.1', (req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `http://127.0.0.2:${forbidden2.port}/` }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close', 'keep-alive': 'timeout=77', 'x-kept': 'yes' });
    res.end(`hello ${req.headers.host} ${req.headers['proxy-connection'] ?? 'no-proxy-header'}`);
  });
  forbidden = await startCountingServer('127.0.0.1');
  // Same port on another loopback address, so a name can switch between the two.
  forbidden2 = await startCountingServer('127.0.0.2', undefined, allowed.port);
  const policy = new EgressPolicy({ allow: [`127.0.0.1:${allowed.port}`] });
  proxy = await startEgressProxy({ policy, resolver: resolver.resolve, onBlocked: blocked.record });
});

afterAll(async () => {
  await proxy.close();
  await Promise.all([allowed.close(), forbidden.close(), forbidden2.close()]);
});

const proxyPort = (): number => Number(new URL(proxy.url).port);

function viaProxy(absoluteUrl: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: proxyPort(), path: absoluteUrl, headers: { host: new URL(absoluteUrl).host, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connectViaProxy(authority: string): Promise<{ status: number; head: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: proxyPort(), method: 'CONNECT', path: authority });
    req.on('connect', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, head: res.statusMessage ?? '' });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('egress proxy: allowed destinations', () => {
  it('forwards an absolute-form request to the checked address, hop-by-hop headers stripped', async () => {
    const before = allowed.connections;
    const response = await viaProxy(`http://shop.test:${allowed.port}/`, { 'proxy-connection': 'keep-alive' });
    expect(response.status).toBe(200);
    expect(response.body).toBe(`hello shop.test:${allowed.port} no-proxy-header`);
    expect(response.headers['x-kept']).toBe('yes');
    expect(response.headers['keep-alive']).not.toBe('timeout=77');
    expect(allowed.connections).toBe(before + 1);
  });

  it('opens a CONNECT tunnel to an allowed address', async () => {
    const before = allowed.connections;
    expect((await connectViaProxy(`127.0.0.1:${allowed.port}`)).status).toBe(200);
    expect(allowed.connections).toBe(before + 1);
  });

  it('resolves once per request and connects to that answer (pinned), even when the next answer differs', async () => {
    rebindAnswers = 0;
    const before = { allowed: allowed.connections, calls: resolver.calls.length };
    const first = await viaProxy(`http://rebind.test:${allowed.port}/`);
    expect(first.status).toBe(200);
    expect(allowed.connections).toBe(before.allowed + 1);
    expect(resolver.calls.length).toBe(before.calls + 1);
    // The rebound answer is refused, not connected to.
    const second = await viaProxy(`http://rebind.test:${allowed.port}/secret`);
    expect(second.status).toBe(403);
    expect(second.body).toContain('refused: 127.0.0.2 is a loopback address (rebind.test resolved to it)');
    expect(forbidden2.connections).toBe(0);
  });
});

describe('egress proxy: refusals reach zero connections', () => {
  it.each([
    ['decimal', () => `http://2130706433:${forbidden.port}/`],
    ['hex', () => `http://0x7f000001:${forbidden.port}/`],
    ['octal', () => `http://0177.0.0.1:${forbidden.port}/`],
    ['short', () => `http://127.1:${forbidden.port}/`],
    ['IPv6-mapped', () => `http://[::ffff:127.0.0.1]:${forbidden.port}/`],
    ['IPv6-mapped hex', () => `http://[::ffff:7f00:1]:${forbidden.port}/`],
    ['localhost', () => `http://localhost:${forbidden.port}/`],
    ['localhost with a trailing dot', () => `http://localhost.:${forbidden.port}/`],
    ['a name resolving to loopback', () => `http://evil.test:${forbidden.port}/`],
    ['a name with one refused answer among allowed ones', () => `http://mixed.test:${allowed.port}/`],
  ])('HTTP: %s', async (_form, url) => {
    const before = { allowed: allowed.connections };
    const response = await viaProxy(url());
    expect(response.status).toBe(403);
    expect(response.headers['x-steward-egress']).toBe('refused');
    expect(response.body).toMatch(/^refused: /);
    expect(forbidden.connections).toBe(0);
    expect(forbidden2.connections).toBe(0);
    expect(allowed.connections).toBe(before.allowed);
    expect(blocked.events.at(-1)?.url).toBe(new URL(url()).href);
  });

  it.each([
    ['IP literal', () => `127.0.0.1:${forbidden.port}`],
    ['decimal literal', () => `2130706433:${forbidden.port}`],
    ['IPv6-mapped', () => `[::ffff:127.0.0.1]:${forbidden.port}`],
    ['localhost', () => `localhost:${forbidden.port}`],
    ['a name resolving to loopback', () => `evil.test:${forbidden.port}`],
    ['an allowed address on another port', () => `127.0.0.1:${forbidden.port}`],
  ])('CONNECT: %s', async (_form, authority) => {
    const response = await connectViaProxy(authority()).catch((error: unknown) => ({ status: -1, head: String(error) }));
    // node's client reports a non-200 CONNECT answer through 'connect' as well.
    expect(response.status).toBe(403);
    expect(forbidden.connections).toBe(0);
    expect(blocked.events.at(-1)?.url).toBe(authority());
  });

  it('passes redirects to the client, which asks again for the next hop', async () => {
    const response = await viaProxy(`http://shop.test:${allowed.port}/redirect`);
    expect(response.status).toBe(302);
    const hop = await viaProxy(response.headers.location ?? '');
    expect(hop.status).toBe(403);
    expect(forbidden2.connections).toBe(0);
  });

  it('answers 502 for a name that does not resolve, without reporting a refusal', async () => {
    const count = blocked.events.length;
    const response = await viaProxy(`http://unknown.test:${allowed.port}/`);
    expect(response.status).toBe(502);
    expect(blocked.events.length).toBe(count);
  });

  it('refuses requests addressed to the proxy itself', async () => {
    const response = await viaProxy(`http://127.0.0.1:${proxyPort()}/`).catch(() => undefined);
    expect(response?.status).toBe(403);
  });
});

describe('egress proxy: channels', () => {
  it('applies the bound session policy and reports the session id', async () => {
    const channel = await proxy.openChannel();
    const events: string[] = [];
    channel.onBlocked((event) => events.push(`${event.sessionId}:${event.reason}`));
    channel.bind({ sessionId: 's-1', policy: new EgressPolicy({ allow: [`127.0.0.1:${allowed.port}`] }).forSession({ denyDomains: ['shop.test'] }) });
    const response = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: Number(new URL(channel.url).port), path: `http://shop.test:${allowed.port}/` }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(response).toBe(403);
    expect(events).toEqual(["s-1:refused: shop.test is on this session's deny list"]);
    await channel.close();
  });
});
