import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionBrowser } from '../../src/browser/port.ts';
import { createPlaywrightBrowserPool, type BrowserIsolation, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import { chromiumProcesses, isAlive } from './chromium-processes.ts';
import { startStorageProbeServer, type StorageProbeServer } from './storage-probe-server.ts';

const NOTHING = 'cookie=none local=none session=none idb=none cache=none workers=0 notifications=prompt read done';
const EVERYTHING = 'cookie=written local=written session=written idb=written cache=written workers=1 notifications=denied read done';

let probe: StorageProbeServer;
let pool: PlaywrightBrowserPool | undefined;

beforeAll(async () => {
  probe = await startStorageProbeServer();
});

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

afterAll(async () => {
  await probe.close();
});

async function visit(session: SessionBrowser, path: '/write' | '/read'): Promise<string> {
  await session.navigate(`${probe.url}${path}`);
  const done = path === '/write' ? 'write done' : 'read done';
  const waited = await session.act({ kind: 'wait_for', text: done, timeoutMs: 10_000 });
  const text = (await session.observe()).text.trim();
  expect(waited.ok, text).toBe(true);
  return text;
}

/** A pool with no warm browsers, so `stats().browsers` counts exactly what sessions use. */
function newPool(isolation: BrowserIsolation, extra: Parameters<typeof createPlaywrightBrowserPool>[0] = {}): PlaywrightBrowserPool {
  pool = createPlaywrightBrowserPool({ isolation, warmContexts: 0, maxContexts: 6, actionTimeoutMs: 5_000, ...extra });
  return pool;
}

describe.each([
  { isolation: 'shared' as const, browsers: 1 },
  { isolation: 'key' as const, browsers: 2 },
  { isolation: 'session' as const, browsers: 3 },
])('$isolation isolation', ({ isolation, browsers }) => {
  it('keeps every storage kind and the HTTP cache apart across sessions and keys', async () => {
    const pool = newPool(isolation);
    const writer = await pool.acquire({ sessionId: 'writer', apiKeyId: 'key-1' });
    const sameKey = await pool.acquire({ sessionId: 'same-key', apiKeyId: 'key-1' });
    const otherKey = await pool.acquire({ sessionId: 'other-key', apiKeyId: 'key-2' });
    expect(pool.stats().browsers).toBe(browsers);

    expect(await visit(writer, '/write')).toBe('write done');
    const hitsAfterWrite = probe.cacheableHits();
    // The writer sees its own storage, and its second fetch of the resource comes from its cache.
    // (sessionStorage belongs to the tab's browsing session, which a new navigation keeps.)
    expect(await visit(writer, '/read')).toBe(EVERYTHING);
    expect(probe.cacheableHits()).toBe(hitsAfterWrite);

    for (const other of [sameKey, otherKey]) {
      const before = probe.cacheableHits();
      expect(await visit(other, '/read')).toBe(NOTHING);
      // Not served from the writer's HTTP cache.
      expect(probe.cacheableHits()).toBe(before + 1);
    }
  }, 60_000);

  it('closes dedicated browsers with their last session and leaves no process behind', async () => {
    const pool = newPool(isolation);
    const sessions = [
      await pool.acquire({ sessionId: 'a', apiKeyId: 'key-1' }),
      await pool.acquire({ sessionId: 'b', apiKeyId: 'key-1' }),
      await pool.acquire({ sessionId: 'c', apiKeyId: 'key-2' }),
    ];
    await Promise.all(sessions.map((s) => s.navigate(`${probe.url}/read`)));
    const running = chromiumProcesses();
    await Promise.all(sessions.map((s) => s.close()));
    expect(pool.stats()).toMatchObject({ active: 0, browsers: isolation === 'shared' ? 1 : 0 });
    await pool.close();
    await expect.poll(() => running.filter((p) => isAlive(p.pid)).length, { timeout: 10_000 }).toBe(0);
  }, 60_000);
});

describe('warm dedicated browsers', () => {
  it('keeps browsers ready for new keys and gives a known key a context in its own browser', async () => {
    const pool = newPool('key', { warmContexts: 1 });
    await pool.start();
    expect(pool.stats()).toMatchObject({ warm: 1, browsers: 1, launches: 1 });
    const first = await pool.acquire({ sessionId: 'first', apiKeyId: 'key-1' });
    expect(pool.stats()).toMatchObject({ warmHits: 1, coldStarts: 0 });
    // The same key's next session is a new context in the browser the key already has.
    const second = await pool.acquire({ sessionId: 'second', apiKeyId: 'key-1' });
    expect(pool.stats()).toMatchObject({ warmHits: 1, coldStarts: 1 });
    await expect.poll(() => pool.stats().warm, { timeout: 20_000 }).toBe(1);
    expect(pool.stats().browsers).toBe(2); // key-1's browser and one warm for whoever comes next
    await first.close();
    await second.close();
    expect(pool.stats().browsers).toBe(1);
  }, 60_000);
});

describe('recycling', () => {
  it('retires the shared browser after N sessions without touching the live ones', async () => {
    const infos: object[] = [];
    const pool = newPool('shared', {
      recycleAfterContexts: 2,
      logger: { info: (obj) => infos.push(obj), warn: () => undefined, error: () => undefined },
    });
    const first = await pool.acquire({ sessionId: 'first' });
    const second = await pool.acquire({ sessionId: 'second' });
    const oldBrowser = chromiumProcesses().filter((p) => p.ppid === process.pid);
    expect(oldBrowser).toHaveLength(1);
    expect(pool.stats()).toMatchObject({ recycled: 1 });
    expect(infos).toContainEqual(expect.objectContaining({ why: 'contexts', contexts: 2, liveSessions: 2 }));

    const third = await pool.acquire({ sessionId: 'third' });
    expect(pool.stats()).toMatchObject({ launches: 2, browsers: 2 });
    // The retired browser still serves its sessions.
    expect((await first.navigate(`${probe.url}/read`)).title).toBe('probe');
    expect((await third.navigate(`${probe.url}/read`)).title).toBe('probe');

    await first.close();
    expect(pool.stats().browsers).toBe(2);
    await second.close();
    await expect.poll(() => isAlive(oldBrowser[0]!.pid), { timeout: 10_000 }).toBe(false);
    expect(pool.stats().browsers).toBe(1);
    expect((await third.observe()).title).toBe('probe');
  }, 60_000);

  it('retires a browser whose own processes grow past the memory limit', async () => {
    const infos: object[] = [];
    // One byte: any real browser is over it, so the check always retires.
    const pool = newPool('shared', {
      recycleAboveBytes: 1,
      memoryCheckIntervalMs: 3_600_000,
      logger: { info: (obj) => infos.push(obj), warn: () => undefined, error: () => undefined },
    });
    const live = await pool.acquire({ sessionId: 'live' });
    pool.checkMemory();
    expect(pool.stats()).toMatchObject({ recycled: 1 });
    const retired = infos.find((i) => (i as { why?: string }).why === 'memory') as { megabytes: number } | undefined;
    expect(retired?.megabytes).toBeGreaterThan(10);
    const next = await pool.acquire({ sessionId: 'next' });
    expect(pool.stats().launches).toBe(2);
    expect((await live.navigate(`${probe.url}/read`)).title).toBe('probe');
    expect((await next.navigate(`${probe.url}/read`)).title).toBe('probe');
  }, 60_000);
});

describe('a crash under session isolation', () => {
  it("reaches only the sessions of the browser that died", async () => {
    const pool = newPool('session');
    const first = await pool.acquire({ sessionId: 'first' });
    const second = await pool.acquire({ sessionId: 'second' });
    const crashed: string[] = [];
    for (const session of [first, second]) session.onCrash(() => crashed.push(session.sessionId));
    // Each session's Chromium is a child of this process, launched in turn: kill the first one.
    const [firstBrowser] = chromiumProcesses()
      .filter((p) => p.ppid === process.pid)
      .map((p) => p.pid)
      .sort((a, b) => a - b);
    process.kill(-firstBrowser!, 'SIGKILL'); // each browser runs in its own process group
    await expect.poll(() => crashed, { timeout: 10_000 }).toEqual(['first']);
    expect((await second.navigate(`${probe.url}/read`)).title).toBe('probe');
    expect(pool.stats()).toMatchObject({ active: 1, browsers: 1 });
  }, 60_000);
});
