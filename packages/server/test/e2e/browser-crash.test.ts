import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APIError } from '@steward/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserMainPid, chromiumProcesses, cpuSeconds, rendererPids, residentBytes } from '../browser/chromium-processes.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/** A screenshot answers a JPEG as a data URL: the session has a working page. */
const JPEG_DATA_URL = /^data:image\/jpeg;base64,/;

/** Why the session's screenshot is refused (the error's detail), or 'captured' when it is not. */
async function screenshotRefusal(server: TestServer, id: string): Promise<string> {
  try {
    await server.client.sessions.screenshot(id);
    return 'captured';
  } catch (error) {
    if (!(error instanceof APIError)) throw error;
    return (error.body as { detail?: string } | undefined)?.detail ?? 'captured';
  }
}

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
    const busy = (await t.client.sessions.create()).sessionId;
    const idle = (await t.client.sessions.create()).sessionId;
    await t.client.sessions.sendMessage(idle, 'finish before');
    await t.waitForStatus(idle, ['finished']);
    await t.client.sessions.sendMessage(busy, 'loop');
    await t.waitForStatus(busy, ['running']);

    const pid = browserMainPid();
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');

    await t.waitForStatus(busy, ['error']);
    const last = (await t.client.sessions.getMessages(busy)).messages.at(-1);
    expect(last).toMatchObject({ type: 'ERROR', metadata: { code: 'browser_crashed' } });
    // The idle session's finished task is untouched.
    expect((await t.client.sessions.getStatus(idle)).status).toBe('finished');

    for (const id of [busy, idle]) {
      expect((await t.client.sessions.get(id)).status).toBe('ready');
      expect((await t.client.sessions.screenshot(id)).screenshot).toMatch(JPEG_DATA_URL);
      await t.client.sessions.sendMessage(id, 'finish after the crash');
      await t.waitForStatus(id, ['finished']);
    }
    expect((await t.client.sessions.create()).status).toBe('ready');
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
    const victim = (await s.client.sessions.create()).sessionId;
    const bystander = (await s.client.sessions.create()).sessionId;
    expect((await s.client.sessions.screenshot(bystander)).screenshot).toMatch(JPEG_DATA_URL);
    return { victim, bystander };
  }

  async function stopBystander(bystander: string): Promise<void> {
    // The bystander's task never noticed: it is still running and finishes when told to.
    expect((await s.client.sessions.getStatus(bystander)).status).toBe('running');
    await s.client.sessions.sendMessage(bystander, 'stop unaffected');
    await s.waitForStatus(bystander, ['finished']);
    const done = (await s.client.sessions.getMessages(bystander)).messages.at(-1);
    expect(done).toMatchObject({ type: 'DONE', content: 'updated: unaffected' });
  }

  it('a killed renderer ends only that session’s task, and the session recovers', async () => {
    const { victim, bystander } = await twoRunningSessions();
    // Renderers do not say whose page they hold, so the victim's page makes its renderer the
    // one that holds 300 MB more than any other.
    expect((await s.client.sessions.navigate(victim, `${siteUrl}/big`)).currentUrl).toBe(`${siteUrl}/big`);
    const [largest, runnerUp] = rendererPids()
      .map((pid) => ({ pid, bytes: residentBytes(pid) }))
      .sort((a, b) => b.bytes - a.bytes);
    expect(largest!.bytes - (runnerUp?.bytes ?? 0)).toBeGreaterThan(200 * 1_048_576);

    for (const id of [victim, bystander]) {
      await s.client.sessions.sendMessage(id, 'loop');
      await s.waitForStatus(id, ['running']);
    }
    process.kill(largest!.pid, 'SIGKILL');

    await s.waitForStatus(victim, ['error']);
    const last = (await s.client.sessions.getMessages(victim)).messages.at(-1);
    expect(last).toMatchObject({ type: 'ERROR', metadata: { code: 'browser_crashed' } });
    await stopBystander(bystander);

    // The victim has a fresh context and works again.
    expect((await s.client.sessions.screenshot(victim)).screenshot).toMatch(JPEG_DATA_URL);
    await s.client.sessions.sendMessage(victim, 'finish after the crash');
    await s.waitForStatus(victim, ['finished']);
  }, 90_000);

  it('a hung page is replaced by a new tab; the task goes on and the other session never notices', async () => {
    const { victim, bystander } = await twoRunningSessions();
    await s.client.sessions.sendMessage(bystander, 'loop');
    await s.waitForStatus(bystander, ['running']);

    await s.client.sessions.sendMessage(victim, `visit ${siteUrl}/hang`);
    await s.waitForStatus(victim, ['finished', 'error'], { timeoutMs: 60_000 });
    const { messages } = await s.client.sessions.getMessages(victim);
    expect(messages.at(-1)).toMatchObject({ type: 'DONE', content: expect.stringContaining(`The page ${siteUrl}/hang stopped responding`) });
    await stopBystander(bystander);

    // Its renderer went with it: no renderer keeps burning a core (an endless loop uses all it gets).
    const before = new Map(rendererPids().map((pid) => [pid, cpuSeconds(pid)]));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const busiest = Math.max(0, ...[...before].map(([pid, cpu]) => cpuSeconds(pid) - cpu));
    expect(busiest).toBeLessThan(0.3);

    // The hung tab is gone; the session goes on in a responsive one.
    expect((await s.client.sessions.navigate(victim, `${siteUrl}/`)).currentUrl).toBe(`${siteUrl}/`);
    expect((await s.client.sessions.screenshot(victim)).screenshot).toMatch(JPEG_DATA_URL);
  }, 90_000);

  it('a screenshot answers 409 dialog_open while a dialog waits, and 502 screenshot_failed for a hung page', async () => {
    const id = (await s.client.sessions.create()).sessionId;
    expect((await s.client.sessions.navigate(id, `${siteUrl}/confirm`)).currentUrl).toBe(`${siteUrl}/confirm`);
    await expect.poll(() => screenshotRefusal(s, id), { timeout: 10_000 }).toContain('confirm dialog is open');
    await expect(s.client.sessions.screenshot(id)).rejects.toMatchObject({ status: 409, code: 'dialog_open' });

    expect((await s.client.sessions.navigate(id, `${siteUrl}/hang`)).currentUrl).toBe(`${siteUrl}/hang`);
    await expect(s.client.sessions.screenshot(id)).rejects.toMatchObject({ status: 502, code: 'screenshot_failed' });
  }, 60_000);
});
