import type { BrowserContext } from 'playwright-core';
import { errorMessage } from '../../util/abort.ts';
import type { EgressPolicy } from '../../safety/egress-policy.ts';
import {
  BrowserCapacityError,
  BrowserClosedError,
  type AcquireOptions,
  type BrowserPool,
  type BrowserPoolStats,
  type SessionBrowser,
} from '../port.ts';
import { systemResolver } from '../egress-proxy/system-resolver.ts';
import { connectExternalBrowser } from './external-browser.ts';
import { PlaywrightSessionBrowser } from './playwright-session-browser.ts';
import { ChromiumFleet, type ChromiumInstance, type PoolEgressOptions, type PoolLogger, type ReadyContext } from './pool/chromium-fleet.ts';
import { isolationStrategy, type BrowserIsolation } from './pool/isolation-strategies.ts';
import { WarmContexts } from './pool/warm-contexts.ts';

export type { BrowserIsolation } from './pool/isolation-strategies.ts';
export type { PoolEgressOptions, PoolLogger } from './pool/chromium-fleet.ts';

export interface PlaywrightBrowserPoolOptions {
  executablePath?: string | undefined;
  headless?: boolean | undefined;
  /** Contexts kept ready (one about:blank page each) so acquire does not wait for Chromium. */
  warmContexts?: number | undefined;
  /**
   * `shared` isolation: the most ready contexts kept while demand is high. The pool keeps as many
   * as were acquired in the last `demandWindowMs` (never fewer than `warmContexts`, never more
   * than this), so a burst of creates finds contexts Chromium prepared before it; when demand
   * falls, the surplus is closed. Default: `warmContexts` (a fixed pool).
   */
  maxWarmContexts?: number | undefined;
  /** How far back acquires count as demand. Default 10 s. */
  demandWindowMs?: number | undefined;
  /** Cap on live session contexts; acquire beyond it throws BrowserCapacityError. */
  maxContexts?: number | undefined;
  viewport?: { width: number; height: number } | undefined;
  navigationTimeoutMs?: number | undefined;
  actionTimeoutMs?: number | undefined;
  launchTimeoutMs?: number | undefined;
  logger?: PoolLogger | undefined;
  /**
   * `shared` (default): one Chromium, a context per session. `key`: each API key's sessions share
   * a Chromium of their own. `session`: a Chromium per session. Dedicated browsers are kept warm
   * like contexts (`warmContexts` of them, unassigned) and closed when their last session ends.
   */
  isolation?: BrowserIsolation | undefined;
  /** A shared or per-key Chromium is replaced after this many contexts (0: never). */
  recycleAfterContexts?: number | undefined;
  /** … or once the browser's own processes (renderers excluded) use more than this (0: never). */
  recycleAboveBytes?: number | undefined;
  /** How often that memory is measured. */
  memoryCheckIntervalMs?: number | undefined;
  /**
   * The egress firewall: every request of every context goes through a local proxy that applies
   * `policy` (narrowed per session by `AcquireOptions.egress`). Without it the browser reaches
   * anything the machine can.
   */
  egress?: PoolEgressOptions | undefined;
}

export interface PlaywrightBrowserPoolStats extends BrowserPoolStats {
  /** Ready contexts the pool aims to hold now: `warmContexts`, or more while demand is high. */
  warmTarget: number;
  /** Browser launches so far (more than 1 means a relaunch after a crash, a recycle, or dedicated browsers). */
  launches: number;
  /** Acquires served from a warm context. */
  warmHits: number;
  /** Acquires that had to create a context (or launch a browser) on the spot. */
  coldStarts: number;
  /** Browsers running and not being closed, retired ones still serving sessions included. */
  browsers: number;
  /** Browsers retired for their age in contexts or their memory. */
  recycled: number;
}

export interface PlaywrightBrowserPool extends BrowserPool {
  stats(): PlaywrightBrowserPoolStats;
  /** Measures every reusable browser now and retires those over the memory limit (also runs on a timer). */
  checkMemory(): void;
}

const silentLogger: PoolLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Chromium for sessions, composed of three pieces: the browsers themselves (`ChromiumFleet`:
 * launched behind the egress firewall, retired for their age in contexts or their memory), the
 * contexts made ahead of demand (`WarmContexts`), and how sessions are spread over browsers
 * (`IsolationStrategy`: `shared`, `key` or `session`). A browser that crashes tells its sessions
 * through `onCrash`; the next acquire launches a new one. A retired browser keeps its live
 * sessions until they end; new ones go to a fresh browser.
 */
export function createPlaywrightBrowserPool(options: PlaywrightBrowserPoolOptions = {}): PlaywrightBrowserPool {
  const executablePath = options.executablePath ?? '/usr/bin/chromium';
  const isolation = options.isolation ?? 'shared';
  const maxContexts = Math.max(1, options.maxContexts ?? 20);
  const viewport = options.viewport ?? { width: 1280, height: 800 };
  const navigationTimeoutMs = options.navigationTimeoutMs ?? 15_000;
  const actionTimeoutMs = options.actionTimeoutMs ?? 5_000;
  const launchTimeoutMs = options.launchTimeoutMs ?? 30_000;
  const logger = options.logger ?? silentLogger;
  const egress = options.egress;

  let closing: Promise<void> | undefined;
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    const untrack = (): void => {
      inFlight.delete(promise);
    };
    promise.then(untrack, untrack);
    return promise;
  };
  /** Sessions handed out plus acquires in progress: what the cap counts. */
  let reserved = 0;
  const sessions = new Map<PlaywrightSessionBrowser, ChromiumInstance>();
  /** Sessions in clients' own browsers (`externalCdpUrl`): not the pool's Chromium, not its cap. */
  const externalSessions = new Set<PlaywrightSessionBrowser>();

  const fleet = new ChromiumFleet(
    {
      executablePath,
      headless: options.headless ?? true,
      launchTimeoutMs,
      viewport,
      actionTimeoutMs,
      navigationTimeoutMs,
      recycleAfterContexts: Math.max(0, options.recycleAfterContexts ?? 0),
      recycleAboveBytes: Math.max(0, options.recycleAboveBytes ?? 0),
      recycles: isolation !== 'session',
      egress,
      logger,
      isolation,
    },
    {
      stoppedServing: (instance) => {
        strategy.forget(instance);
        warm.discardWhere((ready) => ready.instance === instance);
      },
      lost: (gone) => {
        const affected = [...sessions].filter(([, instance]) => instance === gone).map(([session]) => session);
        logger.error({ sessions: affected.length, browser: gone.id }, 'browser disconnected; a new one is launched on the next acquire');
        for (const session of affected) session.browserGone('The browser process exited');
        // Acquires waiting for a context of the dead browser create one in a new browser instead.
        warm.wakeAllWaiters();
      },
      retired: (instance) => strategy.retired(instance),
    },
    options.memoryCheckIntervalMs ?? 30_000,
  );
  const strategy = isolationStrategy(isolation, fleet, () => warm.refill(), track, logger);
  const baseWarm = Math.max(0, options.warmContexts ?? 2);
  const warm = new WarmContexts(
    {
      base: baseWarm,
      // Dedicated modes warm whole browsers (~150 MB each): their pool stays at its base size.
      max: strategy.dedicated ? baseWarm : Math.max(baseWarm, options.maxWarmContexts ?? baseWarm),
      demandWindowMs: Math.max(1, options.demandWindowMs ?? 10_000),
      room: () => maxContexts - reserved,
      track,
      counters: fleet.counters,
      logger,
    },
    strategy,
  );

  /** A context for a session of `apiKeyId`; its browser's `sessions` already counts it. */
  async function takeContext(sessionId: string, apiKeyId: string | undefined): Promise<ReadyContext> {
    const own = await strategy.own(apiKeyId);
    if (own !== undefined) return own;
    let taken = await warm.take();
    if (taken === undefined) {
      fleet.counters.coldStarts++;
      taken = await strategy.cold();
    }
    taken.instance.sessions++;
    fleet.countServed(taken.instance);
    strategy.claim(taken.instance, sessionId, apiKeyId);
    return taken;
  }

  /** A context in the client's own Chromium; closing the session leaves that browser as it was. */
  async function acquireExternal(acquireOptions: AcquireOptions & { externalCdpUrl: string }, policy: EgressPolicy | undefined): Promise<SessionBrowser> {
    const external = await connectExternalBrowser(acquireOptions.externalCdpUrl, {
      policy,
      resolver: egress?.resolver ?? systemResolver,
      viewport,
      actionTimeoutMs,
      navigationTimeoutMs,
      connectTimeoutMs: launchTimeoutMs,
      signal: acquireOptions.signal,
    });
    try {
      if (acquireOptions.storageState !== undefined) {
        await external.context.setStorageState(acquireOptions.storageState as unknown as Parameters<BrowserContext['setStorageState']>[0]);
      }
      if (fleet.isClosed) throw new BrowserClosedError('The browser pool is closed');
    } catch (error) {
      await external.release();
      throw error;
    }
    const session = new PlaywrightSessionBrowser(
      acquireOptions.sessionId,
      external.context,
      external.page,
      { acquire: acquireOptions, navigationTimeoutMs, actionTimeoutMs, egress: policy === undefined ? undefined : { policy } },
      () => {
        externalSessions.delete(session);
        void external.release();
      },
    );
    external.browser.on('disconnected', () => session.browserGone(`The external browser at ${external.address} disconnected`));
    externalSessions.add(session);
    logger.info({ sessionId: acquireOptions.sessionId, address: external.address }, 'external browser connected');
    return session;
  }

  return {
    async start() {
      await strategy.start();
      warm.refill();
      // Let the first acquire find a warm context.
      await Promise.allSettled([...inFlight]);
    },

    async acquire(acquireOptions: AcquireOptions): Promise<SessionBrowser> {
      if (fleet.isClosed) throw new BrowserClosedError('The browser pool is closed');
      const signal = acquireOptions.signal;
      if (signal?.aborted) throw signal.reason;
      // Built before a context is taken: a bad domain list fails here and wastes nothing.
      const sessionPolicy =
        egress === undefined || acquireOptions.egress === undefined ? egress?.policy : egress.policy.forSession(acquireOptions.egress);
      const { externalCdpUrl } = acquireOptions;
      if (externalCdpUrl !== undefined) return acquireExternal({ ...acquireOptions, externalCdpUrl }, sessionPolicy);
      if (reserved >= maxContexts) {
        throw new BrowserCapacityError(`All ${maxContexts} browser contexts are in use`);
      }
      warm.noteAcquire();
      reserved++;
      let taken: ReadyContext | undefined;
      try {
        taken = await track(takeContext(acquireOptions.sessionId, acquireOptions.apiKeyId));
        if (taken.channel !== undefined && sessionPolicy !== undefined) {
          taken.channel.bind({ sessionId: acquireOptions.sessionId, policy: sessionPolicy, upstreamProxy: acquireOptions.upstreamProxy });
        }
        if (acquireOptions.storageState !== undefined) {
          await taken.context.setStorageState(
            acquireOptions.storageState as unknown as Parameters<BrowserContext['setStorageState']>[0],
          );
        }
        if (signal?.aborted) throw signal.reason;
        if (fleet.isClosed) throw new BrowserClosedError('The browser pool is closed');
      } catch (error) {
        reserved--;
        if (taken !== undefined) {
          await taken.context.close().catch(() => undefined);
          fleet.sessionEnded(taken.instance, strategy.dedicated);
        }
        if (signal?.aborted || error instanceof BrowserClosedError) throw error;
        throw new BrowserCapacityError(`Could not create a browser context: ${errorMessage(error)}`, { cause: error });
      }
      const instance = taken.instance;
      const session = new PlaywrightSessionBrowser(
        acquireOptions.sessionId,
        taken.context,
        taken.page,
        {
          acquire: acquireOptions,
          navigationTimeoutMs,
          actionTimeoutMs,
          egress: taken.channel === undefined || sessionPolicy === undefined ? undefined : { policy: sessionPolicy, channel: taken.channel },
        },
        () => {
          if (sessions.delete(session)) {
            reserved--;
            fleet.sessionEnded(instance, strategy.dedicated);
          }
          warm.refill();
        },
      );
      sessions.set(session, instance);
      warm.refill();
      return session;
    },

    stats(): PlaywrightBrowserPoolStats {
      return {
        warm: warm.size,
        warmTarget: warm.target(),
        active: sessions.size,
        browserConnected: strategy.connected(),
        browsers: [...fleet.instances].filter((i) => !i.closing).length,
        ...fleet.counters,
      };
    },

    checkMemory: () => fleet.checkMemory(),

    close(): Promise<void> {
      closing ??= (async () => {
        fleet.stop();
        warm.stop();
        await Promise.allSettled([...sessions.keys(), ...externalSessions].map((session) => session.close()));
        await Promise.allSettled([...inFlight]);
        await warm.closeReady();
        await fleet.close();
        strategy.clear();
        logger.info({}, 'browser pool closed');
      })();
      return closing;
    },
  };
}
