import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { BrowserCapacityError, BrowserClosedError, type SessionBrowser } from '../../src/browser/port.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import { browserMainPid, chromiumProcesses, isAlive } from './chromium-processes.ts';

// One pool for the whole file; the crash and close tests come last because they end it.
describe('Playwright browser pool', () => {
  let server: FixtureServer;
  let pool: PlaywrightBrowserPool;
  const warnings: string[] = [];

  beforeAll(async () => {
    server = await startFixtureServer();
    pool = createPlaywrightBrowserPool({
      warmContexts: 2,
      maxContexts: 3,
      logger: { info: () => undefined, warn: (_obj, msg) => warnings.push(msg ?? ''), error: () => undefined },
    });
    await pool.start();
  });

  afterAll(async () => {
    await pool.close();
    await server.close();
  });

  async function bodyText(session: SessionBrowser): Promise<string> {
    return (await session.observe()).text;
  }

  it('fills the warm pool on start and serves acquire from it', async () => {
    expect(pool.stats()).toMatchObject({ warm: 2, active: 0, browserConnected: true, launches: 1 });
    const session = await pool.acquire({ sessionId: 'warm' });
    expect(pool.stats()).toMatchObject({ active: 1, warmHits: 1, coldStarts: 0 });
    expect(await session.pageInfo()).toEqual({ url: 'about:blank', title: '' });
    await session.close();
    await session.close(); // idempotent
    expect(pool.stats().active).toBe(0);
    await expect(session.observe()).rejects.toBeInstanceOf(BrowserClosedError);
  });

  it('warns when it has to disable the sandbox (running as root)', () => {
    const isRoot = process.getuid?.() === 0;
    expect(warnings.some((w) => w.includes('--no-sandbox'))).toBe(isRoot);
  });

  it('isolates cookies and localStorage between sessions and restores a storage state', async () => {
    const a = await pool.acquire({ sessionId: 'a' });
    const b = await pool.acquire({ sessionId: 'b' });
    try {
      await a.navigate(`${server.url}/storage/`);
      expect(await bodyText(a)).toContain('Cookie header: (none)');
      await a.navigate(`${server.url}/storage/`);
      const secondVisit = await bodyText(a);
      expect(secondVisit).toContain('Cookie header: visitor=yes');
      expect(secondVisit).toContain('localStorage before: yes');

      await b.navigate(`${server.url}/storage/`);
      const other = await bodyText(b);
      expect(other).toContain('Cookie header: (none)');
      expect(other).toContain('localStorage before: (none)');

      const saved = await a.storageState();
      expect(JSON.stringify(saved)).toContain('visitor');
      await b.close();
      const restored = await pool.acquire({ sessionId: 'c', storageState: saved });
      try {
        await restored.navigate(`${server.url}/storage/`);
        const text = await bodyText(restored);
        expect(text).toContain('Cookie header: visitor=yes');
        expect(text).toContain('localStorage before: yes');
      } finally {
        await restored.close();
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses to go over maxContexts and frees the slot on close', async () => {
    const sessions = await Promise.all([0, 1, 2].map((i) => pool.acquire({ sessionId: `cap-${i}` })));
    await expect(pool.acquire({ sessionId: 'one-too-many' })).rejects.toBeInstanceOf(BrowserCapacityError);
    await sessions[0]!.close();
    const again = await pool.acquire({ sessionId: 'after-free' });
    await Promise.all([again, ...sessions].map((s) => s.close()));
    expect(pool.stats().active).toBe(0);
  });

  it('rejects an acquire whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by test'));
    await expect(pool.acquire({ sessionId: 'aborted', signal: controller.signal })).rejects.toThrow('cancelled by test');
    expect(pool.stats().active).toBe(0);
  });

  it('tells live sessions when the browser dies and relaunches on the next acquire', async () => {
    const first = await pool.acquire({ sessionId: 'crash-1' });
    const second = await pool.acquire({ sessionId: 'crash-2' });
    await first.navigate(`${server.url}/pages/start.html`);
    const reasons: string[] = [];
    const heard = Promise.all(
      [first, second].map((s) => new Promise<void>((resolve) => s.onCrash((reason) => {
        reasons.push(reason);
        resolve();
      }))),
    );
    const pid = browserMainPid();
    expect(pid).toBeDefined();
    process.kill(-pid!, 'SIGKILL'); // the browser runs in its own process group
    await heard;
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/exited/);
    await expect(first.observe()).rejects.toBeInstanceOf(BrowserClosedError);
    await expect(first.act({ kind: 'scroll', direction: 'down' })).rejects.toBeInstanceOf(BrowserClosedError);
    expect(pool.stats()).toMatchObject({ browserConnected: false, active: 0 });

    const revived = await pool.acquire({ sessionId: 'after-crash' });
    const info = await revived.navigate(`${server.url}/pages/next.html`);
    expect(info.title).toBe('Next page');
    expect(pool.stats()).toMatchObject({ browserConnected: true, launches: 2, active: 1 });
    await first.close(); // closing a crashed session is harmless
  });

  it('close() ends every context and leaves no Chromium process', async () => {
    const session = await pool.acquire({ sessionId: 'last' });
    await session.navigate(`${server.url}/pages/start.html`);
    const before = chromiumProcesses();
    expect(before.length).toBeGreaterThan(0);
    await pool.close();
    await pool.close(); // idempotent
    await expect.poll(() => before.filter((p) => isAlive(p.pid)).length, { timeout: 10_000 }).toBe(0);
    expect(chromiumProcesses()).toEqual([]);
    await expect(pool.acquire({ sessionId: 'too-late' })).rejects.toBeInstanceOf(BrowserClosedError);
    await expect(session.observe()).rejects.toBeInstanceOf(BrowserClosedError);
  });
});

// A pool that sizes its warm contexts to recent demand: bursts find contexts prepared before them.
describe('Playwright browser pool under demand', () => {
  it('keeps as many ready contexts as were acquired recently, up to maxWarmContexts, and closes the surplus when demand falls', async () => {
    // The window outlasts the slowest fill seen under CI load (3 contexts took over 6 s beside
    // other Chromium-heavy files), so the growth is judged before the demand it answers expires.
    const pool = createPlaywrightBrowserPool({ warmContexts: 1, maxWarmContexts: 4, demandWindowMs: 20_000, maxContexts: 20 });
    const until = async (what: string, ok: () => boolean): Promise<void> => {
      const deadline = Date.now() + 40_000;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(pool.stats())}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await pool.start();
      expect(pool.stats()).toMatchObject({ warm: 1, warmTarget: 1 });
      const sessions: SessionBrowser[] = [];
      for (let i = 0; i < 6; i++) sessions.push(await pool.acquire({ sessionId: `demand-${i}` }));
      // Six acquires within the window: the target is capped at 4, and the pool fills up to it.
      expect(pool.stats().warmTarget).toBe(4);
      await until('warm pool grows to 4', () => pool.stats().warm === 4);
      const hitsBefore = pool.stats().warmHits;
      for (let i = 0; i < 4; i++) sessions.push(await pool.acquire({ sessionId: `burst-${i}` }));
      expect(pool.stats().warmHits - hitsBefore).toBe(4);
      await Promise.all(sessions.map((s) => s.close()));
      // Once the window has passed with no acquire, the target is back at 1 and the surplus is closed.
      await until('warm pool shrinks to 1', () => pool.stats().warmTarget === 1 && pool.stats().warm === 1);
    } finally {
      await pool.close();
    }
  }, 120_000);
});
