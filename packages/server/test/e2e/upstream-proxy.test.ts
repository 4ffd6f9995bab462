import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { startHttpConnectProxy, type RecordingProxy } from '../support/upstream-proxies.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// Loopback only: the fixture site and the upstream proxy both listen on 127.0.0.1, and the
// recording proxy connects only to loopback targets.
const PASSWORD = 'hunter2-do-not-echo';
let site: FixtureServer;
let upstream: RecordingProxy;
beforeAll(async () => {
  site = await startFixtureServer();
  upstream = await startHttpConnectProxy({ credentials: { username: 'steward', password: PASSWORD } });
});
afterAll(async () => {
  await site.close();
  await upstream.close();
});

const proxyUrl = (): string => `http://steward:${PASSWORD}@127.0.0.1:${upstream.port}`;

describe('proxy_url: a session browsing through its own upstream proxy', () => {
  let t: TestServer;
  beforeAll(async () => {
    // The test server allows 127.0.0.0/8, which covers both the fixture site and the proxy.
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends the navigation through the proxy, which is asked for the checked address with the credentials', async () => {
    const created = await t.request('POST', '/v1/sessions', { body: { proxy_url: proxyUrl() } });
    expect(created.status).toBe(200);
    const id = created.body.session_id as string;
    const before = { connections: upstream.connections, requests: site.state.requests.length };
    const res = await t.request('POST', `/v1/sessions/${id}/navigate`, { body: { url: `${site.url}/pages/start.html` } });
    expect(res.status).toBe(200);
    expect(upstream.connections).toBeGreaterThan(before.connections);
    expect(upstream.targets).toContain(`127.0.0.1:${new URL(site.url).port}`);
    expect(upstream.credentials.at(-1)).toEqual({ username: 'steward', password: PASSWORD });
    expect(site.state.requests.slice(before.requests)).toContain('GET /pages/start.html');
  });

  it('never shows the proxy password in the session, the list or a 422', async () => {
    const id = (await t.request('POST', '/v1/sessions', { body: { proxy_url: proxyUrl() } })).body.session_id as string;
    const one = await t.request('GET', `/v1/sessions/${id}`);
    const list = await t.request('GET', '/v1/sessions');
    expect(one.status).toBe(200);
    expect(list.status).toBe(200);
    expect(JSON.stringify(one.body)).not.toContain(PASSWORD);
    expect(JSON.stringify(list.body)).not.toContain(PASSWORD);
    const bad = await t.request('POST', '/v1/sessions', { body: { proxy_url: `ftp://steward:${PASSWORD}@127.0.0.1:21` } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).not.toContain(PASSWORD);
  });

  it.each([
    ['an unsupported scheme', 'ftp://127.0.0.1:21'],
    ['https (TLS to the proxy is not supported)', 'https://127.0.0.1:8443'],
    ['no port', 'http://127.0.0.1'],
    ['no host', 'http://:8080'],
    ['a path', 'http://127.0.0.1:8080/path'],
    ['a port out of range', 'socks5://127.0.0.1:70000'],
    ['bad percent-encoding in the credentials', 'http://user:%zz@127.0.0.1:8080'],
    ['not a URL', 'proxy please'],
    ['an overlong value', `http://${'u'.repeat(1000)}:p@127.0.0.1:8080`],
    ['a non-string', 8080],
  ])('answers 422 validation_error for %s', async (_name, value) => {
    const res = await t.request('POST', '/v1/sessions', { body: { proxy_url: value } });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('validation_error');
    expect(res.body.detail.map((d: { loc: string[] }) => d.loc.join('.'))).toContain('body.proxy_url');
  });

  it('accepts socks5 and socks5h proxy URLs', async () => {
    for (const value of ['socks5://127.0.0.1:1080', 'socks5h://user:p%40ss@[::1]:1080']) {
      expect((await t.request('POST', '/v1/sessions', { body: { proxy_url: value } })).status, value).toBe(200);
    }
  });
});

describe('proxy_url naming an address the operator policy refuses', () => {
  let t: TestServer;
  beforeAll(async () => {
    // Only the fixture site is allowed on loopback: the proxy's own port is not.
    t = await startTestServer({ egressAllow: `127.0.0.1:${new URL(site.url).port}` });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses the navigation with url_blocked, naming the proxy, and connects to nothing', async () => {
    const id = (await t.request('POST', '/v1/sessions', { body: { proxy_url: proxyUrl() } })).body.session_id as string;
    const before = { connections: upstream.connections, requests: site.state.requests.length };
    const res = await t.request('POST', `/v1/sessions/${id}/navigate`, { body: { url: `${site.url}/pages/start.html` } });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('url_blocked');
    expect(res.body.message).toContain(`upstream proxy http://127.0.0.1:${upstream.port} is not allowed`);
    expect(res.body.message).not.toContain(PASSWORD);
    expect(upstream.connections).toBe(before.connections);
    expect(site.state.requests.length).toBe(before.requests);
  });
});
