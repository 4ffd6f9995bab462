import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserMainPid, chromiumProcesses, cpuSeconds, rendererPids, residentBytes } from '../browser/chromium-processes.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
  // Nothing of ours survives the server.
  expect(chromiumProcesses()).toEqual([]);
});

describe('a browser crash mid-task', () => {
  it('ends only the running tasks with an ERROR, and the sessions get a fresh browser', async () => {
    const busy = (await t.request('POST', '/v1/sessions', { body: {} })).body.session_id;
    const idle = (await t.request('POST', '/v1/sessions', { body: {} })).body.session_id;
    await t.request('POST', `/v1/sessions/${idle}/message`, { body: { message: 'finish before' } });
    await t.waitForStatus(idle, ['finished']);
    await t.request('POST', `/v1/sessions/${busy}/message`, { body: { message: 'loop' } });
    await t.waitForStatus(busy, ['running']);

    const pid = browserMainPid();
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');

    await t.waitForStatus(busy, ['error']);
    const last = (await t.request('GET', `/v1/sessions/${busy}/messages`)).body.messages.at(-1);
    expect(last).toMatchObject({ type: 'ERROR', metadata: { code: 'browser_crashed' } });
    // The idle session's finished task is untouched.
    expect((await t.request('GET', `/v1/sessions/${idle}/status`)).body.status).toBe('finished');

    for (const id of [busy, idle]) {
      expect((await t.request('GET', `/v1/sessions/${id}`)).body.status).toBe('ready');
      expect((await t.request('GET', `/v1/sessions/${id}/screenshot`)).status).toBe(200);
      await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'finish after the crash' } });
      await t.waitForStatus(id, ['finished']);
    }
    expect((await t.request('POST', '/v1/sessions', { body: {} })).status).toBe(200);
  }, 60_000);
});

describe('one session’s page crashing or hanging mid-task', () => {
  let s: TestServer;
  let sites: Server[];
  let siteUrl: string;

  beforeAll(async () => {
    s = await startTestServer({ warmContexts: 0, actionTimeoutS: 2 });
    // A site of its own (127.0.0.7), so the session that opens it has a renderer process of its own.
    const handler: Parameters<typeof createServer>[1] = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      // `/hang` stops its main thread for good as soon as it has loaded; `/big` holds 300 MB;
      // `/confirm` opens a confirm dialog right after loading.
      const pages: Record<string, string> = {
        '/hang': "<title>hangs</title><p>about to hang</p><script>addEventListener('DOMContentLoaded', () => setTimeout(() => { for (;;) {} }, 0))</script>",
        '/confirm': "<title>asks</title><p>asks</p><script>setTimeout(() => confirm('Really?'), 50)</script>",
        '/big': '<title>big</title><p>holds memory</p><script>window.held = new Uint8Array(300 * 1048576).fill(1)</script>',
      };
      res.end(pages[req.url ?? ''] ?? '<title>own site</title><p>a page on a site of its own</p>');
    };
    sites = [createServer(handler)];
    await new Promise<void>((resolve) => sites[0]!.listen(0, '127.0.0.7', resolve));
    siteUrl = `http://127.0.0.7:${(sites[0]!.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await s.close();
    for (const site of sites) {
      site.closeAllConnections();
      await new Promise((resolve) => site.close(resolve));
    }
  });

  async function twoRunningSessions(): Promise<{ victim: string; bystander: string }> {
    const victim = (await s.request('POST', '/v1/sessions', { body: {} })).body.session_id;
    const bystander = (await s.request('POST', '/v1/sessions', { body: {} })).body.session_id;
    expect((await s.request('GET', `/v1/sessions/${bystander}/screenshot`)).status).toBe(200);
    return { victim, bystander };
  }

  async function stopBystander(bystander: string): Promise<void> {
    // The bystander's task never noticed: it is still running and finishes when told to.
    expect((await s.request('GET', `/v1/sessions/${bystander}/status`)).body.status).toBe('running');
    await s.request('POST', `/v1/sessions/${bystander}/message`, { body: { message: 'stop unaffected' } });
    await s.waitForStatus(bystander, ['finished']);
    const done = (await s.request('GET', `/v1/sessions/${bystander}/messages`)).body.messages.at(-1);
    expect(done).toMatchObject({ type: 'DONE', content: 'updated: unaffected' });
  }

  it('a killed renderer ends only that session’s task, and the session recovers', async () => {
    const { victim, bystander } = await twoRunningSessions();
    // Renderers do not say whose page they hold, so the victim's page makes its renderer the
    // one that holds 300 MB more than any other.
    expect((await s.request('POST', `/v1/sessions/${victim}/navigate`, { body: { url: `${siteUrl}/big` } })).status).toBe(200);
    const [largest, runnerUp] = rendererPids()
      .map((pid) => ({ pid, bytes: residentBytes(pid) }))
      .sort((a, b) => b.bytes - a.bytes);
    expect(largest!.bytes - (runnerUp?.bytes ?? 0)).toBeGreaterThan(200 * 1_048_576);

    for (const id of [victim, bystander]) {
      await s.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'loop' } });
      await s.waitForStatus(id, ['running']);
    }
    process.kill(largest!.pid, 'SIGKILL');

    await s.waitForStatus(victim, ['error']);
    const last = (await s.request('GET', `/v1/sessions/${victim}/messages`)).body.messages.at(-1);
    expect(last).toMatchObject({ type: 'ERROR', metadata: { code: 'browser_crashed' } });
    await stopBystander(bystander);

    // The victim has a fresh context and works again.
    expect((await s.request('GET', `/v1/sessions/${victim}/screenshot`)).status).toBe(200);
    await s.request('POST', `/v1/sessions/${victim}/message`, { body: { message: 'finish after the crash' } });
    await s.waitForStatus(victim, ['finished']);
  }, 90_000);

  it('a hung page is replaced by a new tab; the task goes on and the other session never notices', async () => {
    const { victim, bystander } = await twoRunningSessions();
    await s.request('POST', `/v1/sessions/${bystander}/message`, { body: { message: 'loop' } });
    await s.waitForStatus(bystander, ['running']);

    await s.request('POST', `/v1/sessions/${victim}/message`, { body: { message: `visit ${siteUrl}/hang` } });
    await s.waitForStatus(victim, ['finished', 'error'], { timeoutMs: 60_000 });
    const messages = (await s.request('GET', `/v1/sessions/${victim}/messages`)).body.messages as Array<{ type: string; content: unknown }>;
    expect(messages.at(-1)).toMatchObject({ type: 'DONE', content: expect.stringContaining(`The page ${siteUrl}/hang stopped responding`) });
    await stopBystander(bystander);

    // Its renderer went with it: no renderer keeps burning a core (an endless loop uses all it gets).
    const before = new Map(rendererPids().map((pid) => [pid, cpuSeconds(pid)]));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const busiest = Math.max(0, ...[...before].map(([pid, cpu]) => cpuSeconds(pid) - cpu));
    expect(busiest).toBeLessThan(0.3);

    // The hung tab is gone; the session goes on in a responsive one.
    expect((await s.request('POST', `/v1/sessions/${victim}/navigate`, { body: { url: `${siteUrl}/` } })).status).toBe(200);
    expect((await s.request('GET', `/v1/sessions/${victim}/screenshot`)).status).toBe(200);
  }, 90_000);

  it('a screenshot answers 409 dialog_open while a dialog waits, and 502 screenshot_failed for a hung page', async () => {
    const id = (await s.request('POST', '/v1/sessions', { body: {} })).body.session_id;
    expect((await s.request('POST', `/v1/sessions/${id}/navigate`, { body: { url: `${siteUrl}/confirm` } })).status).toBe(200);
    await expect
      .poll(async () => (await s.request('GET', `/v1/sessions/${id}/screenshot`)).body?.detail ?? 'captured', { timeout: 10_000 })
      .toContain('confirm dialog is open');
    const refused = await s.request('GET', `/v1/sessions/${id}/screenshot`);
    expect(refused).toMatchObject({ status: 409, body: { error: 'dialog_open' } });

    expect((await s.request('POST', `/v1/sessions/${id}/navigate`, { body: { url: `${siteUrl}/hang` } })).status).toBe(200);
    const hung = await s.request('GET', `/v1/sessions/${id}/screenshot`);
    expect(hung).toMatchObject({ status: 502, body: { error: 'screenshot_failed' } });
  }, 60_000);
});
