import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionBrowser } from '../../src/browser/port.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import { jpegSize } from '../support/jpeg-size.ts';
import { startPagesServer, type PagesServer } from './observe-pages-server.ts';

// `screenshot({ maxWidth, quality })` on real Chromium: the scaled capture the replay keeps.

const TEXT = `<div style="height:800px;overflow:hidden;font:14px serif">${'Many small words make a busy picture. '.repeat(400)}</div>`;
const FLAT = '<div style="height:800px;background:#3366cc"></div>';
/** Three viewports high: a flat colour, busy text, the flat colour again. */
const STRIPES = `<!doctype html><html><head><title>Stripes</title><style>body{margin:0}</style></head><body>${FLAT}${TEXT}${FLAT}</body></html>`;

let pages: PagesServer;
let pool: PlaywrightBrowserPool;
let session: SessionBrowser;

beforeAll(async () => {
  pages = await startPagesServer({ '/stripes.html': STRIPES });
  pool = createPlaywrightBrowserPool({ warmContexts: 1, actionTimeoutMs: 5_000, navigationTimeoutMs: 10_000 });
  await pool.start();
  session = await pool.acquire({ sessionId: 'scaled-screenshot' });
  await session.navigate(`${pages.url}/stripes.html`);
});
afterAll(async () => {
  await session?.close();
  await pool?.close();
  await pages?.close();
});

describe('a scaled screenshot', () => {
  it('is the 1280 × 800 viewport at half size for maxWidth 640, with the page it shows', async () => {
    const shot = await session.screenshot({ maxWidth: 640, quality: 60 });
    expect(jpegSize(shot.jpeg)).toEqual({ width: 640, height: 400 });
    expect(shot.title).toBe('Stripes');
    expect(jpegSize((await session.screenshot()).jpeg)).toEqual({ width: 1280, height: 800 });
  });

  it('is never scaled up past the viewport', async () => {
    expect(jpegSize((await session.screenshot({ maxWidth: 4000 })).jpeg)).toEqual({ width: 1280, height: 800 });
  });

  it('shows the part of the page scrolled into view', async () => {
    const flat = await session.screenshot({ maxWidth: 640, quality: 60 });
    // The busy stripe now fills the viewport: a far larger picture than the flat one. (A clip
    // that missed the scroll, or counted it twice, would show a flat stripe or nothing.)
    await session.act({ kind: 'scroll', direction: 'down', amount: 1 });
    const busy = await session.screenshot({ maxWidth: 640, quality: 60 });
    expect(busy.jpeg.length).toBeGreaterThan(flat.jpeg.length * 4);
    await session.act({ kind: 'scroll', direction: 'up', amount: 1 });
  });

  it('follows the quality asked for', async () => {
    const low = await session.screenshot({ maxWidth: 640, quality: 20 });
    const high = await session.screenshot({ maxWidth: 640, quality: 90 });
    expect(low.jpeg.length).toBeLessThan(high.jpeg.length);
  });
});
