/**
 * Run as an unprivileged user by sandbox.test.ts: starts a pool, opens a page, and prints what
 * the pool logged and whether Chromium's main process runs with its sandbox (no --no-sandbox).
 */
import { readFileSync } from 'node:fs';
import { createPlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import { browserMainPid } from './chromium-processes.ts';

const warnings: string[] = [];
const pool = createPlaywrightBrowserPool({
  warmContexts: 0,
  logger: { info: () => undefined, warn: (_obj, msg) => warnings.push(msg ?? ''), error: () => undefined },
});
try {
  const session = await pool.acquire({ sessionId: 'sandbox' });
  const info = await session.pageInfo();
  const pid = browserMainPid();
  const args = pid === undefined ? [] : readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  console.log(JSON.stringify({ uid: process.getuid?.(), url: info.url, noSandbox: args.includes('--no-sandbox'), found: pid !== undefined, warnings }));
} finally {
  await pool.close();
}
