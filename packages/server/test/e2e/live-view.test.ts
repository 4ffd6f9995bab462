import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
let page: Server;
let pageUrl: string;
beforeAll(async () => {
  // A page that shows input in its title: clicks with their coordinates, typed text.
  page = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(
      `<!doctype html><title>ready</title><body style="margin:0;height:100vh" onclick="document.title='clicked '+event.clientX+','+event.clientY">` +
        `<input id="q" autofocus oninput="document.title='typed '+this.value" style="position:fixed;top:400px;left:10px"></body>`,
    );
  });
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', () => r()));
  pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((r) => page.close(() => r()));
});

/** Reads the MJPEG stream until the first whole JPEG frame. */
async function firstFrame(url: string): Promise<Buffer> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^multipart\/x-mixed-replace; boundary=/);
  let buffer = Buffer.alloc(0);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new Error('stream ended before a frame');
      buffer = Buffer.concat([buffer, value]);
      const head = buffer.indexOf('\r\n\r\n');
      const length = /Content-Length: (\d+)/.exec(buffer.toString('latin1', 0, Math.max(0, head)));
      if (head >= 0 && length && buffer.length >= head + 4 + Number(length[1])) return buffer.subarray(head + 4, head + 4 + Number(length[1]));
    }
  } finally {
    controller.abort();
  }
}

async function titleBecomes(id: string, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { title } = await t.client.sessions.screenshot(id);
    if (pattern.test(title)) return title;
    if (Date.now() > deadline) throw new Error(`title stayed ${title}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('live view (vnc_url)', () => {
  it('gives every live session a vnc_url whose page, stream and input work without an API key', async () => {
    const session = await t.client.sessions.create();
    const id = session.sessionId;
    const vncUrl = session.vncUrl!;
    expect(vncUrl).toMatch(new RegExp(`^${t.url}/sessions/${id}\\?token=[A-Za-z0-9_-]+$`));
    expect((await t.client.sessions.get(id)).vncUrl).toBe(vncUrl);
    await t.client.sessions.navigate(id, pageUrl);

    // vnc_url is the session's dashboard page, for a browser; its stream and input are fetched as the page does.
    const html = await fetch(vncUrl);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await html.text()).toContain('<div id="app">');
    // The first vnc_urls (tokens survive restarts) land on the same page.
    const old = await fetch(`${t.url}/v1/sessions/${id}/live?token=${new URL(vncUrl).searchParams.get('token')}`, { redirect: 'manual' });
    expect(old.status).toBe(302);
    expect(`${t.url}${old.headers.get('location')}`).toBe(vncUrl);

    const token = new URL(vncUrl).searchParams.get('token')!;
    const frame = await firstFrame(`${t.url}/v1/sessions/${id}/live/stream?token=${token}`);
    expect([frame[0], frame[1], frame[2]]).toEqual([0xff, 0xd8, 0xff]);

    const input = (body: unknown) => fetch(`${t.url}/v1/sessions/${id}/live/input?token=${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await input({ type: 'click', x: 100, y: 200 })).status).toBe(200);
    expect(await titleBecomes(id, /^clicked/)).toBe('clicked 100,200');
    expect((await input({ type: 'click', x: 50, y: 410 })).status).toBe(200);
    expect((await input({ type: 'type', text: 'hello' })).status).toBe(200);
    expect(await titleBecomes(id, /^typed hello$/)).toBe('typed hello');
    expect((await input({ type: 'teleport' })).status).toBe(422);
  });

  it('refuses a wrong token or another session\'s token with 404, and works with the owner key', async () => {
    const a = await t.client.sessions.create();
    const b = await t.client.sessions.create();
    const tokenB = new URL(b.vncUrl!).searchParams.get('token')!;
    expect((await fetch(`${t.url}/v1/sessions/${a.sessionId}/live?token=${tokenB}`)).status).toBe(404);
    expect((await fetch(`${t.url}/v1/sessions/${a.sessionId}/live?token=nope`)).status).toBe(404);
    expect((await fetch(`${t.url}/v1/sessions/${a.sessionId}/live`)).status).toBe(401);
    expect((await fetch(`${t.url}/v1/sessions/${a.sessionId}/live`, { headers: { authorization: `Bearer ${t.key}` }, redirect: 'manual' })).status).toBe(302);
    const other = (await t.server.keys.create('other')).key;
    expect((await t.request('GET', `/v1/sessions/${a.sessionId}/live`, { key: other })).status).toBe(404);
  });

  it('shows the screen in a real browser and passes a click on it through to the session', async () => {
    const session = await t.client.sessions.create();
    const id = session.sessionId;
    await t.client.sessions.navigate(id, pageUrl);
    const viewer = await chromium.launch({ executablePath: '/usr/bin/chromium', args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
    try {
      const page = await viewer.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      // Opened from vnc_url alone (no key in this tab): the dashboard shows the live view with the URL's token.
      await page.goto(session.vncUrl!, { waitUntil: 'domcontentloaded' });
      const live = page.getByRole('region', { name: 'Live view' });
      const screen = live.getByRole('img');
      await expect.poll(() => screen.evaluate((image: HTMLImageElement) => image.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await live.getByRole('status').textContent()).toBe('Live');
      await page.getByRole('button', { name: 'Take over' }).click();
      const box = (await screen.boundingBox())!;
      const natural = await screen.evaluate((image: HTMLImageElement) => ({ width: image.naturalWidth, height: image.naturalHeight }));
      // The picture is scaled to the page's width: a click maps back to the session's CSS pixels.
      await page.mouse.click(box.x + (300 * box.width) / natural.width, box.y + (150 * box.height) / natural.height);
      expect(await titleBecomes(id, /^clicked/)).toBe('clicked 300,150');
      expect(errors).toEqual([]);
    } finally {
      await viewer.close();
    }
  });
});
