import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { ExfilTrap } from '../support/exfil-trap.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * A client's own Chromium, started by the test as a user would (remote debugging on loopback),
 * with one tab of the user's own open. Steward reaches it over `cdp_url` only.
 */
interface ExternalChromium {
  wsUrl: string;
  /** http://127.0.0.1:<port> of its DevTools endpoint, for the test's own look at its tabs. */
  httpBase: string;
  process: ChildProcess;
  close(): Promise<void>;
}

async function startExternalChromium(): Promise<ExternalChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'steward-external-'));
  const child = spawn(
    process.env['STEWARD_CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--remote-debugging-address=127.0.0.1',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      'data:text/html,<title>My own tab</title>',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const wsUrl = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`Chromium gave no DevTools address: ${seen}`)), 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const found = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (found !== null) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`Chromium exited (${code}): ${seen}`)));
  });
  const { host } = new URL(wsUrl);
  return {
    wsUrl,
    httpBase: `http://${host}`,
    process: child,
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      // Chromium's helpers outlive a SIGKILL of the browser and may go on writing into the profile
      // (ENOTEMPTY in CI runs, even with retries): a temp dir left behind is no test failure.
      try {
        rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      } catch {
        // The OS cleans the temp dir; the test's outcome does not depend on it.
      }
    },
  };
}

/** The tabs the external browser has, by its own DevTools endpoint (not through Steward). */
async function tabsOf(chrome: ExternalChromium): Promise<Array<{ title: string; url: string }>> {
  const targets = (await (await fetch(`${chrome.httpBase}/json/list`)).json()) as Array<{ type: string; title: string; url: string }>;
  return targets.filter((t) => t.type === 'page').map(({ title, url }) => ({ title, url }));
}

let t: TestServer;
let site: FixtureServer;
let chrome: ExternalChromium;
let trap: ExfilTrap;
beforeAll(async () => {
  site = await startFixtureServer();
  chrome = await startExternalChromium();
  trap = await ExfilTrap.start();
  // Loopback is refused unless allowed: 127.0.0.1 (the fixtures, the external browser) is; the trap's 127.0.0.2 is not.
  t = await startTestServer({ egressAllow: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
  await chrome?.close();
  await trap?.close();
  await site?.close();
});

describe("external-cdp: the agent drives the client's own Chromium", () => {
  it('runs a task there with the same observation and tools, and on delete closes only what Steward opened', async () => {
    const session = await t.client.sessions.create('agi-0', { agentSessionType: 'external-cdp', cdpUrl: chrome.wsUrl });
    expect(session.agentSessionType).toBe('external-cdp');
    // The browser's address is its only credential: no response carries it.
    const wire = await t.request('GET', `/v1/sessions/${session.sessionId}`);
    expect(JSON.stringify(wire.body)).not.toContain(new URL(chrome.wsUrl).pathname);

    await t.client.sessions.sendMessage(session.sessionId, 'form Grace Hopper|grace@example.com|France', { startUrl: `${site.url}/form/` });
    await t.waitForStatus(session.sessionId, ['finished', 'error'], { timeoutMs: 30_000 });
    const { messages } = await t.client.sessions.getMessages(session.sessionId);
    expect(messages.at(-1)?.type, JSON.stringify(messages.slice(-3))).toBe('DONE');
    expect(messages.at(-1)?.content).toContain('Thank you, Grace Hopper');
    expect(site.state.submissions.at(-1)).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com', country: 'fr', accepted: true });

    // The work happened in the external browser, in a tab beside the user's own.
    const during = await tabsOf(chrome);
    expect(during.map((tab) => tab.title)).toContain('My own tab');
    expect(during.some((tab) => tab.url.startsWith(`${site.url}/form/`))).toBe(true);
    expect((await t.client.sessions.screenshot(session.sessionId)).url).toMatch(new RegExp(`^${site.url}/form/`));

    await t.client.sessions.delete(session.sessionId);
    const after = await tabsOf(chrome);
    expect(after.map((tab) => tab.title)).toEqual(['My own tab']);
    expect(chrome.process.exitCode).toBeNull();
  });

  it('refuses a cdp_url the egress policy refuses, before any connection', async () => {
    const before = trap.connections;
    const refused = await t.request('POST', '/v1/sessions', { body: { agent_session_type: 'external-cdp', cdp_url: `ws://${new URL(trap.origin).host}/devtools/browser/x` } });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toMatch(/cdp_url was refused: 127\.0\.0\.2 is a loopback address/);
    const metadata = await t.request('POST', '/v1/sessions', { body: { agent_session_type: 'external-cdp', cdp_url: 'ws://169.254.169.254/devtools/browser/x' } });
    expect(metadata.status).toBe(422);
    expect(JSON.stringify(metadata.body)).toMatch(/cdp_url was refused: 169\.254\.169\.254 is/);
    expect(trap.connections).toBe(before);
    expect(trap.requests).toEqual([]);
    expect((await t.client.sessions.list()).map((s) => s.agentSessionType)).not.toContain('external-cdp');
  });

  it('does not follow a DevTools address that redirects elsewhere', async () => {
    const before = trap.connections;
    const redirector: Server = createServer((_req, res) => res.writeHead(302, { location: `ws://${new URL(trap.origin).host}/devtools/browser/x` }).end());
    redirector.on('upgrade', (_req, socket) => socket.end(`HTTP/1.1 302 Found\r\nLocation: ws://${new URL(trap.origin).host}/devtools/browser/x\r\nContent-Length: 0\r\n\r\n`));
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const port = (redirector.address() as AddressInfo).port;
      const response = await t.request('POST', '/v1/sessions', { body: { agent_session_type: 'external-cdp', cdp_url: `ws://127.0.0.1:${port}/devtools/browser/x` } });
      expect(response.status).toBe(422);
      expect(JSON.stringify(response.body)).toMatch(/could not connect to the browser at cdp_url \(127\.0\.0\.1:\d+\): the DevTools address answered HTTP 302/);
      expect(trap.connections).toBe(before);
    } finally {
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  it('answers 422 for what it cannot run: no cdp_url, an http:// address, nothing listening', async () => {
    const missing = await t.request('POST', '/v1/sessions', { body: { agent_session_type: 'external-cdp' } });
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.body)).toMatch(/needs cdp_url/);
    const http = await t.request('POST', '/v1/sessions', { body: { agent_session_type: 'external-cdp', cdp_url: chrome.httpBase } });
    expect(http.status).toBe(422);
    expect(JSON.stringify(http.body)).toMatch(/ws:\/\/ or wss:\/\//);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const nobody = await t.request('POST', '/v1/sessions', { body: { agent_session_type: 'external-cdp', cdp_url: `ws://127.0.0.1:${freePort}/devtools/browser/x` } });
    expect(nobody.status).toBe(422);
    expect(JSON.stringify(nobody.body)).toMatch(/could not connect to the browser at cdp_url/);
  });
});
