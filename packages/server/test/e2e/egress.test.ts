import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PermissionError, ValidationError, type CreateSessionOptions } from '@steward/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// Only loopback servers are ever connected to; refused private/metadata addresses are refused by
// the policy before any connection is attempted.
let site: FixtureServer;
beforeAll(async () => {
  site = await startFixtureServer();
});
afterAll(async () => {
  await site.close();
});

async function newSession(t: TestServer, options: CreateSessionOptions = {}): Promise<string> {
  return (await t.client.sessions.create('agi-0', options)).sessionId;
}

describe('egress firewall, default policy (nothing allowed)', () => {
  let t: TestServer;
  let receiver: Server;
  let connections = 0;
  let hookUrl: string;
  beforeAll(async () => {
    receiver = createServer((_req, res) => res.writeHead(200).end());
    receiver.on('connection', () => connections++);
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    t = await startTestServer({ egressAllow: '' });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('answers 403 url_blocked for loopback, private and metadata destinations, reaching nothing', async () => {
    const id = await newSession(t);
    const before = site.state.requests.length;
    for (const url of [`${site.url}/pages/start.html`, 'http://localhost:1/', 'http://2130706433/', 'http://[::ffff:127.0.0.1]/', 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/']) {
      const refused = t.client.sessions.navigate(id, url);
      await expect(refused, url).rejects.toBeInstanceOf(PermissionError);
      await expect(refused, url).rejects.toMatchObject({ status: 403, code: 'url_blocked', body: { message: expect.stringMatching(/refused/) } });
    }
    expect(site.state.requests.length).toBe(before);
  });

  it('tells the agent about a refused destination instead of loading it', async () => {
    const id = await newSession(t);
    await t.client.sessions.sendMessage(id, `visit ${site.url}/shop/`);
    await t.waitForStatus(id, ['finished', 'error']);
    const step = (await t.client.sessions.getMessages(id)).messages.find((m) => m.metadata['kind'] === 'step')!;
    expect(step.metadata).toMatchObject({ ok: false, action: { tool: 'navigate' } });
    expect(step.content).toMatch(/egress policy/i);
    expect(site.state.requests.some((r) => r.includes('/shop/'))).toBe(false);
  });

  it('refuses webhook deliveries to private destinations before connecting', async () => {
    const id = await newSession(t, { webhookUrl: hookUrl });
    await t.client.sessions.sendMessage(id, 'finish ok');
    await t.waitForStatus(id, ['finished']);
    await new Promise((r) => setTimeout(r, 300));
    expect(connections).toBe(0);
  });
});

describe('egress firewall with an operator allow list and per-session domain lists', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ egressAllow: `127.0.0.1:${new URL(site.url).port}` });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets the allowed host:port through and nothing else on loopback', async () => {
    const id = await newSession(t);
    expect(await t.client.sessions.navigate(id, `${site.url}/pages/start.html`)).toEqual({ currentUrl: `${site.url}/pages/start.html` });
    await expect(t.client.sessions.navigate(id, 'http://127.0.0.1:9/')).rejects.toMatchObject({ status: 403 });
  });

  it('applies a session deny list, and refuses a malformed domain with 422', async () => {
    const denied = await newSession(t, { denyDomains: ['127.0.0.1'] });
    await expect(t.client.sessions.navigate(denied, `${site.url}/pages/start.html`)).rejects.toMatchObject({ status: 403 });
    const bad = t.client.sessions.create('agi-0', { allowDomains: ['not a domain!'] });
    await expect(bad).rejects.toBeInstanceOf(ValidationError);
    await expect(bad).rejects.toMatchObject({ status: 422 });
  });
});
