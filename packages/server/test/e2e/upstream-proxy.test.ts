import { PermissionError, ValidationError } from '@steward/client';
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

async function sessionThroughProxy(t: TestServer, proxyUrl: string): Promise<string> {
  return (await t.client.sessions.create('agi-0', { proxyUrl })).sessionId;
}

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
    const id = await sessionThroughProxy(t, proxyUrl());
    const before = { connections: upstream.connections, requests: site.state.requests.length };
    expect(await t.client.sessions.navigate(id, `${site.url}/pages/start.html`)).toEqual({ currentUrl: `${site.url}/pages/start.html` });
    expect(upstream.connections).toBeGreaterThan(before.connections);
    expect(upstream.targets).toContain(`127.0.0.1:${new URL(site.url).port}`);
    expect(upstream.credentials.at(-1)).toEqual({ username: 'steward', password: PASSWORD });
    expect(site.state.requests.slice(before.requests)).toContain('GET /pages/start.html');
  });

  it('never shows the proxy password in the session, the list or a 422', async () => {
    const id = await sessionThroughProxy(t, proxyUrl());
    // The leak check reads the raw answers as the wire carried them, not the SDK's objects.
    // (The 422 is the wire too: the SDK would be no stronger, and the body must carry no password.)
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
  ])('answers 422 validation_error for %s', async (_name, value) => {
    const refused = await t.client.sessions.create('agi-0', { proxyUrl: value }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused).toMatchObject({ status: 422, code: 'validation_error' });
    expect((refused as ValidationError).issues.map((d) => d.loc.join('.'))).toContain('body.proxy_url');
  });

  it('the wire itself: answers 422 validation_error for a non-string proxy_url, which the SDK cannot send', async () => {
    const res = await t.request('POST', '/v1/sessions', { body: { proxy_url: 8080 } });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('validation_error');
    expect(res.body.detail.map((d: { loc: string[] }) => d.loc.join('.'))).toContain('body.proxy_url');
  });

  it('accepts socks5 and socks5h proxy URLs', async () => {
    for (const value of ['socks5://127.0.0.1:1080', 'socks5h://user:p%40ss@[::1]:1080']) {
      await expect(t.client.sessions.create('agi-0', { proxyUrl: value }), value).resolves.toMatchObject({ sessionId: expect.any(String) });
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
    const id = await sessionThroughProxy(t, proxyUrl());
    const before = { connections: upstream.connections, requests: site.state.requests.length };
    const refused = await t.client.sessions.navigate(id, `${site.url}/pages/start.html`).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PermissionError);
    expect(refused).toMatchObject({ status: 403, code: 'url_blocked' });
    const { body, message } = refused as PermissionError;
    expect((body as { message: string }).message).toContain(`upstream proxy http://127.0.0.1:${upstream.port} is not allowed`);
    // Neither the answer nor the SDK's error message (which quotes it) shows the password.
    expect(JSON.stringify(body)).not.toContain(PASSWORD);
    expect(message).not.toContain(PASSWORD);
    expect(upstream.connections).toBe(before.connections);
    expect(site.state.requests.length).toBe(before.requests);
  });
});
