import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { errorMessage } from '../../util/abort.ts';
import type { EgressResolver } from '../../safety/check-destination.ts';
import type { EgressPolicy } from '../../safety/egress-policy.ts';
import { startEgressProxy, type EgressBlockedEvent, type EgressChannel, type EgressProxy } from '../egress-proxy/egress-proxy.ts';
import {
  BrowserCapacityError,
  BrowserClosedError,
  type AcquireOptions,
  type BrowserPool,
  type BrowserPoolStats,
  type SessionBrowser,
} from '../port.ts';
import { chromiumArgs } from './launch-args.ts';
import { PlaywrightSessionBrowser } from './playwright-session-browser.ts';

/** pino-compatible subset. */
export interface PoolLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PlaywrightBrowserPoolOptions {
  executablePath?: string | undefined;
  headless?: boolean | undefined;
  /** Contexts kept ready (one about:blank page each) so acquire does not wait for Chromium. */
  warmContexts?: number | undefined;
  /** Cap on live session contexts; acquire beyond it throws BrowserCapacityError. */
  maxContexts?: number | undefined;
  viewport?: { width: number; height: number } | undefined;
  navigationTimeoutMs?: number | undefined;
  actionTimeoutMs?: number | undefined;
  launchTimeoutMs?: number | undefined;
  logger?: PoolLogger | undefined;
  /**
   * The egress firewall: every request of every context goes through a local proxy that applies
   * `policy` (narrowed per session by `AcquireOptions.egress`). Without it the browser reaches
   * anything the machine can.
   */
  egress?: PoolEgressOptions | undefined;
}

export interface PoolEgressOptions {
  policy: EgressPolicy;
  /** Defaults to the system resolver (getaddrinfo). */
  resolver?: EgressResolver | undefined;
  /** Every refusal, with the session it happened in (none for a warm context not yet handed out). */
  onBlocked?: ((event: EgressBlockedEvent) => void) | undefined;
}

export interface PlaywrightBrowserPoolStats extends BrowserPoolStats {
  /** Browser launches so far (more than 1 means it was relaunched after a crash). */
  launches: number;
  /** Acquires served from a warm context. */
  warmHits: number;
  /** Acquires that had to create a context on the spot. */
  coldStarts: number;
}

export interface PlaywrightBrowserPool extends BrowserPool {
  stats(): PlaywrightBrowserPoolStats;
}

interface WarmContext {
  context: BrowserContext;
  page: Page;
  browser: Browser;
  /** This context's own proxy listener, which is how the proxy knows whose request it is. */
  channel: EgressChannel | undefined;
}

const silentLogger: PoolLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * One shared Chromium with a context per session. A few contexts are kept warm and refilled in
 * the background after each acquire. When the browser disconnects, every live session hears
 * about it through `onCrash` and the next acquire launches a new browser.
 */
export function createPlaywrightBrowserPool(options: PlaywrightBrowserPoolOptions = {}): PlaywrightBrowserPool {
  const executablePath = options.executablePath ?? '/usr/bin/chromium';
  const headless = options.headless ?? true;
  const warmTarget = Math.max(0, options.warmContexts ?? 2);
  const maxContexts = Math.max(1, options.maxContexts ?? 20);
  const viewport = options.viewport ?? { width: 1280, height: 800 };
  const navigationTimeoutMs = options.navigationTimeoutMs ?? 15_000;
  const actionTimeoutMs = options.actionTimeoutMs ?? 5_000;
  const launchTimeoutMs = options.launchTimeoutMs ?? 30_000;
  const logger = options.logger ?? silentLogger;
  const egress = options.egress;
  let egressProxy: Promise<EgressProxy> | undefined;

  let browser: Browser | undefined;
  let launching: Promise<Browser> | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;
  const warm: WarmContext[] = [];
  let warming = 0;
  /** Acquires waiting for a context that is already being warmed (first come, first served). */
  const waiters: Array<(ready: WarmContext | undefined) => void> = [];
  const wakeAllWaiters = (): void => {
    for (const wake of waiters.splice(0)) wake(undefined);
  };
  const inFlight = new Set<Promise<unknown>>();
  /** Sessions handed out plus acquires in progress: what the cap counts. */
  let reserved = 0;
  const sessions = new Set<PlaywrightSessionBrowser>();
  const counters = { launches: 0, warmHits: 0, coldStarts: 0 };

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    const untrack = (): void => {
      inFlight.delete(promise);
    };
    promise.then(untrack, untrack);
    return promise;
  };

  async function launch(): Promise<Browser> {
    const isRoot = process.getuid?.() === 0;
    if (isRoot) logger.warn({ executablePath }, 'running as root: Chromium is launched with --no-sandbox');
    const proxy = egress === undefined ? undefined : await startProxy();
    const launched = await chromium.launch({
      executablePath,
      headless,
      args: chromiumArgs(isRoot, { egressProxy: proxy !== undefined }),
      // Browser-wide fallback; each context names its own listener. `<-loopback>` removes
      // Chromium's implicit bypass, so loopback goes through the firewall like everything else.
      ...(proxy === undefined ? {} : { proxy: { server: proxy.url, bypass: '<-loopback>' } }),
      // Playwright adds --no-sandbox by itself unless told the sandbox is wanted.
      chromiumSandbox: !isRoot,
      timeout: launchTimeoutMs,
    });
    counters.launches++;
    launched.on('disconnected', () => onDisconnected(launched));
    logger.info({ version: launched.version(), launches: counters.launches }, 'browser launched');
    return launched;
  }

  function startProxy(): Promise<EgressProxy> {
    if (egress === undefined) throw new Error('no egress policy');
    egressProxy ??= startEgressProxy({ policy: egress.policy, resolver: egress.resolver, onBlocked: egress.onBlocked });
    // A failed start is retried on the next launch.
    egressProxy.catch(() => {
      egressProxy = undefined;
    });
    return egressProxy;
  }

  function ensureBrowser(): Promise<Browser> {
    if (closed) return Promise.reject(new BrowserClosedError('The browser pool is closed'));
    if (browser?.isConnected()) return Promise.resolve(browser);
    launching ??= track(
      launch().then(
        (launched) => {
          launching = undefined;
          if (closed) {
            return launched.close().then(() => {
              throw new BrowserClosedError('The browser pool is closed');
            });
          }
          browser = launched;
          return launched;
        },
        (error: unknown) => {
          launching = undefined;
          throw error;
        },
      ),
    );
    return launching;
  }

  function onDisconnected(gone: Browser): void {
    if (browser !== gone) return;
    browser = undefined;
    warm.splice(0);
    wakeAllWaiters();
    if (closed) return;
    logger.error({ sessions: sessions.size }, 'browser disconnected; it will be relaunched on the next acquire');
    for (const session of [...sessions]) session.browserGone('The browser process exited');
  }

  async function createContext(target: Browser): Promise<WarmContext> {
    const channel = egress === undefined ? undefined : await (await startProxy()).openChannel();
    let context: BrowserContext;
    try {
      context = await target.newContext({
        viewport,
        // The session decides what happens to a download (see PlaywrightSessionBrowser).
        acceptDownloads: true,
        ...(channel === undefined ? {} : { proxy: { server: channel.url, bypass: '<-loopback>' } }),
      });
    } catch (error) {
      await channel?.close();
      throw error;
    }
    if (channel !== undefined) context.on('close', () => void channel.close());
    try {
      context.setDefaultTimeout(actionTimeoutMs);
      context.setDefaultNavigationTimeout(navigationTimeoutMs);
      const page = await context.newPage();
      return { context, page, browser: target, channel };
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
  }

  function refill(): void {
    const current = browser;
    if (closed || current === undefined || !current.isConnected()) return;
    const target = Math.min(warmTarget, maxContexts - reserved);
    while (warm.length + warming < target) {
      warming++;
      void track(
        createContext(current)
          .then(async (ready) => {
            const waiter = closed || browser !== current ? undefined : waiters.shift();
            if (waiter) waiter(ready);
            else if (closed || browser !== current || warm.length >= warmTarget) await ready.context.close().catch(() => undefined);
            else warm.push(ready);
          })
          .catch((error: unknown) => {
            waiters.shift()?.(undefined);
            if (!closed && current.isConnected()) logger.warn({ err: errorMessage(error) }, 'could not create a warm context');
          })
          .finally(() => {
            warming--;
          }),
      );
    }
  }

  async function takeContext(): Promise<WarmContext> {
    while (warm.length > 0) {
      const candidate = warm.shift()!;
      if (candidate.browser === browser && candidate.browser.isConnected() && !candidate.page.isClosed()) {
        counters.warmHits++;
        return candidate;
      }
      await candidate.context.close().catch(() => undefined);
    }
    // A context already being warmed arrives sooner than a new one started now, and starting
    // another would only make the two compete for the same CPU.
    if (warming > waiters.length) {
      const handed = await new Promise<WarmContext | undefined>((resolve) => waiters.push(resolve));
      if (handed && handed.browser === browser && handed.browser.isConnected() && !handed.page.isClosed()) {
        counters.warmHits++;
        return handed;
      }
      if (handed) await handed.context.close().catch(() => undefined);
    }
    counters.coldStarts++;
    const target = await ensureBrowser();
    try {
      return await createContext(target);
    } catch (error) {
      // The browser died between our last look and newContext: relaunch once.
      if (closed || target.isConnected()) throw error;
      return createContext(await ensureBrowser());
    }
  }

  return {
    async start() {
      await ensureBrowser();
      refill();
      // Let the first acquire find a warm context.
      await Promise.allSettled([...inFlight]);
    },

    async acquire(acquireOptions: AcquireOptions): Promise<SessionBrowser> {
      if (closed) throw new BrowserClosedError('The browser pool is closed');
      const signal = acquireOptions.signal;
      if (signal?.aborted) throw signal.reason;
      if (reserved >= maxContexts) {
        throw new BrowserCapacityError(`All ${maxContexts} browser contexts are in use`);
      }
      // Built before a context is taken: a bad domain list fails here and wastes nothing.
      const sessionPolicy =
        egress === undefined || acquireOptions.egress === undefined ? egress?.policy : egress.policy.forSession(acquireOptions.egress);
      reserved++;
      let taken: WarmContext | undefined;
      try {
        taken = await track(takeContext());
        if (taken.channel !== undefined && sessionPolicy !== undefined) {
          taken.channel.bind({ sessionId: acquireOptions.sessionId, policy: sessionPolicy, upstreamProxy: acquireOptions.upstreamProxy });
        }
        if (acquireOptions.storageState !== undefined) {
          await taken.context.setStorageState(
            acquireOptions.storageState as unknown as Parameters<BrowserContext['setStorageState']>[0],
          );
        }
        if (signal?.aborted) throw signal.reason;
        if (closed) throw new BrowserClosedError('The browser pool is closed');
      } catch (error) {
        reserved--;
        if (taken !== undefined) await taken.context.close().catch(() => undefined);
        if (signal?.aborted || error instanceof BrowserClosedError) throw error;
        throw new BrowserCapacityError(`Could not create a browser context: ${errorMessage(error)}`, { cause: error });
      }
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
          if (sessions.delete(session)) reserved--;
          refill();
        },
      );
      sessions.add(session);
      refill();
      return session;
    },

    stats(): PlaywrightBrowserPoolStats {
      return {
        warm: warm.length,
        active: sessions.size,
        browserConnected: browser?.isConnected() ?? false,
        ...counters,
      };
    },

    close(): Promise<void> {
      closing ??= (async () => {
        closed = true;
        wakeAllWaiters();
        await Promise.allSettled([...sessions].map((session) => session.close()));
        await Promise.allSettled([...inFlight]);
        const contexts = warm.splice(0);
        await Promise.allSettled(contexts.map((w) => w.context.close()));
        const current = browser;
        browser = undefined;
        if (current !== undefined) await current.close().catch(() => undefined);
        const proxy = egressProxy;
        egressProxy = undefined;
        if (proxy !== undefined) await proxy.then((p) => p.close()).catch(() => undefined);
        logger.info({}, 'browser pool closed');
      })();
      return closing;
    },
  };
}
