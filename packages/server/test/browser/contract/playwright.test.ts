import { afterAll, beforeAll } from 'vitest';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../../src/browser/playwright/index.ts';
import { startPagesServer, type PagesServer } from '../observe-pages-server.ts';
import { CONTRACT_PAGE, describeSessionBrowserContract } from './session-browser-contract.ts';

// The Playwright adapter (real Chromium) held to the port's contract the fake is held to.
let server: PagesServer;
let pool: PlaywrightBrowserPool;
let count = 0;
beforeAll(async () => {
  server = await startPagesServer({ '/page.html': CONTRACT_PAGE });
  pool = createPlaywrightBrowserPool({ warmContexts: 1, actionTimeoutMs: 5_000, navigationTimeoutMs: 10_000 });
  await pool.start();
});
afterAll(async () => {
  await pool?.close();
  await server?.close();
});

describeSessionBrowserContract('playwright', () => ({
  open: () => pool.acquire({ sessionId: `contract-${++count}` }),
  pageUrl: () => `${server.url}/page.html`,
}));
