import { afterAll, afterEach, beforeAll } from 'vitest';
import type { AcquireOptions, Observation, ObservedElement, SessionBrowser } from '../../src/browser/port.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import { startPagesServer, type PagesServer } from './observe-pages-server.ts';

export interface PagesHarness {
  /** Base URL of the served pages (known once the file's tests start). */
  readonly url: string;
  readonly pool: PlaywrightBrowserPool;
  /** A new session, closed after the test; on `path` of the served pages when given; `options` go to acquire. */
  open(path?: string, options?: Omit<AcquireOptions, 'sessionId'>): Promise<SessionBrowser>;
}

/**
 * The frame most browser tests share, registered as the file's hooks: `pages` served on
 * loopback and one warm pool for the file, a fresh session per test. Call at a file's top level.
 */
export function usePagesHarness(name: string, pages: Record<string, string>): PagesHarness {
  let server: PagesServer | undefined;
  let pool: PlaywrightBrowserPool | undefined;
  const open: SessionBrowser[] = [];
  let count = 0;

  beforeAll(async () => {
    server = await startPagesServer(pages);
    pool = createPlaywrightBrowserPool({ warmContexts: 1, actionTimeoutMs: 5_000, navigationTimeoutMs: 10_000 });
    await pool.start();
  });
  afterAll(async () => {
    await pool?.close();
    await server?.close();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((session) => session.close()));
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the pages harness is used before its beforeAll ran');
    return value;
  };
  return {
    get url() {
      return started(server).url;
    },
    get pool() {
      return started(pool);
    },
    async open(path, options = {}) {
      const session = await started(pool).acquire({ ...options, sessionId: `${name}-${++count}` });
      open.push(session);
      if (path !== undefined) await session.navigate(`${started(server).url}${path}`);
      return session;
    },
  };
}

/** The observed element with exactly this accessible name; fails with what was there. */
export function elementNamed(observation: Observation, name: string): ObservedElement {
  const found = observation.elements.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no element named '${name}' in ${JSON.stringify(observation.elements)}`);
  return found;
}
