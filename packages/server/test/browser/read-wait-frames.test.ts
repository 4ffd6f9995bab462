import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionBrowser } from '../../src/browser/port.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import { CROSS_ORIGIN_PAGES, framePages } from './dialog-input-frame-pages.ts';
import { startPagesServer, type PagesServer } from './observe-pages-server.ts';

let pages: PagesServer;
let other: PagesServer;
let slow: PagesServer;
let pool: PlaywrightBrowserPool;
let session: SessionBrowser | undefined;
let count = 0;

beforeAll(async () => {
  // 127.0.0.1 on another port is another origin: the page cannot reach into its frames.
  other = await startPagesServer(CROSS_ORIGIN_PAGES);
  pages = await startPagesServer(framePages(other.url));
  // A frame that answers after the outer page's DOMContentLoaded, where navigation stops waiting.
  slow = await startPagesServer({
    '/outer.html': '<!doctype html><title>Slow outer</title><h1>Outer of a slow frame</h1><iframe src="/frame.html" width="400" height="150"></iframe>',
    '/frame.html': { html: '<!doctype html><title>Slow frame</title><p>Words of the slow frame</p>', delayMs: 400 },
  });
  pool = createPlaywrightBrowserPool({ warmContexts: 1, actionTimeoutMs: 5_000, navigationTimeoutMs: 10_000 });
  await pool.start();
});

afterAll(async () => {
  await pool.close();
  await pages.close();
  await other.close();
  await slow.close();
});

afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function open(path: string): Promise<SessionBrowser> {
  session = await pool.acquire({ sessionId: `read-wait-${++count}` });
  await session.navigate(`${pages.url}${path}`);
  return session;
}

describe('read_text', () => {
  it('reads same-origin frames where they stand, open shadow roots with their slotted content, and cross-origin frames after the page', async () => {
    const s = await open('/frames.html');
    await s.act({ kind: 'wait_for', text: 'Late cross-frame words', timeoutMs: 5_000 });
    const read = await s.act({ kind: 'read_text' });
    expect(read).toMatchObject({ ok: true, pageChanged: false, textPages: 1, message: `Read page 1 of 1 of the visible text of ${pages.url}/frames.html` });
    const text = read.text!;
    const order = [
      'Outer heading',
      'Outer words',
      '[frame: Same frame]\nSame-origin frame words',
      'Late same-frame words',
      'Shadow paragraph',
      'Slotted words',
      'Late shadow words',
      '[frame: Cross frame]\nCross-origin frame words',
      'Late cross-frame words',
    ];
    for (const piece of order) expect(text, piece).toContain(piece);
    const positions = order.map((piece) => text.indexOf(piece));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(text).not.toContain('could not be read');
  });

  it('reads a frame that is still loading when the navigation returns, as observe does', async () => {
    session = await pool.acquire({ sessionId: `read-wait-${++count}` });
    await session.navigate(`${slow.url}/outer.html`);
    const read = await session.act({ kind: 'read_text' });
    expect(read.text).toContain('Words of the slow frame');
    await session.navigate(`${slow.url}/outer.html`);
    expect((await session.observe()).text).toContain('Words of the slow frame');
  });
});

describe('wait_for', () => {
  it('sees text appear in a same-origin frame', async () => {
    const s = await open('/frames.html');
    expect(await s.act({ kind: 'wait_for', text: 'Late same-frame words', timeoutMs: 5_000 })).toEqual({
      ok: true,
      message: `'Late same-frame words' is visible on ${pages.url}/frames.html`,
      pageChanged: false,
    });
  });

  it('sees text appear in a cross-origin frame', async () => {
    const s = await open('/frames.html');
    expect(await s.act({ kind: 'wait_for', text: 'Late cross-frame words', timeoutMs: 5_000 })).toMatchObject({ ok: true });
  });

  it('sees text appear in an open shadow root', async () => {
    const s = await open('/frames.html');
    expect(await s.act({ kind: 'wait_for', text: 'Late shadow words', timeoutMs: 5_000 })).toMatchObject({ ok: true });
  });

  it('sees text in a frame that is attached while it waits', async () => {
    const s = await open('/frame-later.html');
    expect(await s.act({ kind: 'wait_for', text: 'Cross-origin frame words', timeoutMs: 5_000 })).toMatchObject({ ok: true });
  });

  it('still reports text that never comes', async () => {
    const s = await open('/frames.html');
    expect(await s.act({ kind: 'wait_for', text: 'Words nobody wrote', timeoutMs: 300 })).toEqual({
      ok: false,
      message: `'Words nobody wrote' not seen within 300 ms on ${pages.url}/frames.html`,
      pageChanged: false,
    });
  });
});
