/**
 * Run as an unprivileged user by sandbox.test.ts: starts a pool with the egress firewall, opens a
 * page, and prints what the pool logged, whether Chromium's main process runs with its sandbox
 * (no --no-sandbox), and whether it runs in a network namespace other than the probe's.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { createPlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import { EgressPolicy } from '../../src/safety/egress-policy.ts';
import { browserMainPid } from './chromium-processes.ts';

const warnings: string[] = [];
const pool = createPlaywrightBrowserPool({
  warmContexts: 0,
  logger: { info: () => undefined, warn: (_obj, msg) => warnings.push(msg ?? ''), error: (_obj, msg) => warnings.push(msg ?? '') },
  egress: { policy: new EgressPolicy({ allow: [] }) },
});
try {
  const session = await pool.acquire({ sessionId: 'sandbox' });
  const info = await session.pageInfo();
  const pid = browserMainPid();
  const args = pid === undefined ? [] : readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const ownNetwork = pid !== undefined && readlinkSync(`/proc/${pid}/ns/net`) !== readlinkSync('/proc/self/ns/net');
  console.log(JSON.stringify({ uid: process.getuid?.(), url: info.url, noSandbox: args.includes('--no-sandbox'), found: pid !== undefined, ownNetwork, warnings }));
} finally {
  await pool.close();
}
