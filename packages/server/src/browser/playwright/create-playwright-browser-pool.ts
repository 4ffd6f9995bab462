import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { errorMessage } from '../../util/abort.ts';
import type { EgressResolver } from '../../safety/check-destination.ts';
import type { EgressPolicy } from '../../safety/egress-policy.ts';
import { startEgressProxy, type EgressBlockedEvent, type EgressChannel, type EgressProxy } from '../egress-proxy/egress-proxy.ts';
import { startNetworkNamespace, type BrowserNetworkNamespace } from '../egress-proxy/network-namespace.ts';
import {
  BrowserCapacityError,
  BrowserClosedError,
  type AcquireOptions,
  type BrowserPool,
  type BrowserPoolStats,
  type SessionBrowser,
} from '../port.ts';
import { browserOwnMemoryBytes, findBrowserPid, INSTANCE_SWITCH } from './chromium-memory.ts';
import { chromiumArgs } from './launch-args.ts';
import { PlaywrightSessionBrowser } from './playwright-session-browser.ts';
import { connectExternalBrowser } from './external-browser.ts';
import { systemResolver } from '../egress-proxy/system-resolver.ts';
import { markPointerListeners } from './listener-marks.ts';

/** pino-compatible subset. */
export interface PoolLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type BrowserIsolation = 'shared' | 'key' | 'session';

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

export interface PoolEgressOptions {
  policy: EgressPolicy;
  /** Defaults to the system resolver (getaddrinfo). */
  resolver?: EgressResolver | undefined;
  /** Every refusal, with the session it happened in (none for a warm context not yet handed out). */
  onBlocked?: ((event: EgressBlockedEvent) => void) | undefined;
  /**
   * Default true: Chromium runs in a network namespace whose only way out is the proxy, so
   * nothing a page does (WebRTC/UDP, QUIC, DNS, TCP around the proxy settings) reaches the
   * network directly. A machine that cannot provide one makes launches fail with the fix.
   * false: the proxy settings alone, which Chromium does not apply to WebRTC's UDP.
   */
  networkNamespace?: boolean | undefined;
}

/** The proxy every request goes through and the namespace that leaves the browser no other way. */
interface EgressRuntime {
  proxy: EgressProxy;
  namespace: BrowserNetworkNamespace | undefined;
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

/** One Chromium process. */
interface ChromiumInstance {
  readonly id: string;
  readonly browser: Browser;
  /** Contexts handed to sessions so far: what `recycleAfterContexts` counts. */
  contextsServed: number;
  /** Sessions using it, plus acquires creating a context in it right now. */
  sessions: number;
  /** No new contexts; closed once its last session ends. */
  retired: boolean;
  /** Being closed by the pool (its disconnect is not a crash). */
  closing: boolean;
  /** Dedicated isolation: the key (or session) it serves; undefined while it waits in the warm pool. */
  owner: string | undefined;
  pid: number | undefined;
  /** Rejects when the browser disconnects: a context being made in it then never arrives. */
  readonly lost: Promise<never>;
}

interface WarmContext {
  context: BrowserContext;
  page: Page;
  instance: ChromiumInstance;
  /** This context's own proxy listener, which is how the proxy knows whose request it is. */
  channel: EgressChannel | undefined;
}

const silentLogger: PoolLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
let instanceSeq = 0;

/**
 * Chromium for sessions. With `shared` isolation one browser serves a context per session; with
 * `key` or `session` isolation each key or session gets a browser process of its own. Either way
 * a few ready contexts (in dedicated modes: ready browsers) are kept warm and refilled in the
 * background after each acquire. A browser that crashes tells its sessions through `onCrash`;
 * the next acquire launches a new one. A shared or per-key browser that has served
 * `recycleAfterContexts` contexts or grown past `recycleAboveBytes` is retired: new sessions go
 * to a fresh browser, live ones keep theirs until they end.
 */
export function createPlaywrightBrowserPool(options: PlaywrightBrowserPoolOptions = {}): PlaywrightBrowserPool {
  const executablePath = options.executablePath ?? '/usr/bin/chromium';
  const headless = options.headless ?? true;
  const isolation = options.isolation ?? 'shared';
  const dedicated = isolation !== 'shared';
  const baseWarm = Math.max(0, options.warmContexts ?? 2);
  // Dedicated modes warm whole browsers (~150 MB each): their pool stays at its base size.
  const maxWarm = dedicated ? baseWarm : Math.max(baseWarm, options.maxWarmContexts ?? baseWarm);
  const demandWindowMs = Math.max(1, options.demandWindowMs ?? 10_000);
  /** When recent acquires happened, oldest first: the demand the warm pool sizes itself to. */
  const recentAcquires: number[] = [];
  const warmTarget = (): number => {
    const since = performance.now() - demandWindowMs;
    while (recentAcquires.length > 0 && recentAcquires[0]! < since) recentAcquires.shift();
    return Math.min(maxWarm, Math.max(baseWarm, recentAcquires.length));
  };
  const maxContexts = Math.max(1, options.maxContexts ?? 20);
  const viewport = options.viewport ?? { width: 1280, height: 800 };
  const navigationTimeoutMs = options.navigationTimeoutMs ?? 15_000;
  const actionTimeoutMs = options.actionTimeoutMs ?? 5_000;
  const launchTimeoutMs = options.launchTimeoutMs ?? 30_000;
  const recycleAfterContexts = Math.max(0, options.recycleAfterContexts ?? 0);
  const recycleAboveBytes = Math.max(0, options.recycleAboveBytes ?? 0);
  const logger = options.logger ?? silentLogger;
  const egress = options.egress;
  const isRoot = process.getuid?.() === 0;
  let egressRuntime: Promise<EgressRuntime> | undefined;

  /** Every browser running, whatever its role. */
  const instances = new Set<ChromiumInstance>();
  /** `shared` isolation: the browser new contexts come from. */
  let current: ChromiumInstance | undefined;
  let launchingShared: Promise<ChromiumInstance> | undefined;
  /** `key` isolation: each key's current browser. */
  const byKey = new Map<string, ChromiumInstance>();
  let closed = false;
  let closing: Promise<void> | undefined;
  const warm: WarmContext[] = [];
  /** Contexts being warmed, by the browser they are made in (undefined: a dedicated browser being launched). */
  const warmingIn = new Map<symbol, ChromiumInstance | undefined>();
  /** Warm contexts that can still arrive: not those of a browser that has gone. */
  const warmingAlive = (): number => [...warmingIn.values()].filter((instance) => instance === undefined || !instance.closing).length;
  /** Acquires waiting for a context that is already being warmed (first come, first served). */
  const waiters: Array<(ready: WarmContext | undefined) => void> = [];
  const wakeAllWaiters = (): void => {
    for (const wake of waiters.splice(0)) wake(undefined);
  };
  const inFlight = new Set<Promise<unknown>>();
  /** Sessions handed out plus acquires in progress: what the cap counts. */
  let reserved = 0;
  const sessions = new Map<PlaywrightSessionBrowser, ChromiumInstance>();
  /** Sessions in clients' own browsers (`externalCdpUrl`): not the pool's Chromium, not its cap. */
  const externalSessions = new Set<PlaywrightSessionBrowser>();
  const counters = { launches: 0, warmHits: 0, coldStarts: 0, recycled: 0 };

  if (isRoot) logger.warn({ executablePath }, 'running as root: Chromium is launched with --no-sandbox (run as an unprivileged user to keep its sandbox)');

  const memoryTimer =
    recycleAboveBytes > 0 && isolation !== 'session'
      ? setInterval(() => checkMemory(), options.memoryCheckIntervalMs ?? 30_000).unref()
      : undefined;

  // When demand falls, the contexts warmed for it are closed (they hold ~20 MB each).
  const demandTimer =
    maxWarm > baseWarm
      ? setInterval(() => {
          const target = warmTarget();
          while (!closed && warm.length > target) void discard(warm.pop()!);
        }, Math.min(2_000, demandWindowMs)).unref()
      : undefined;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    const untrack = (): void => {
      inFlight.delete(promise);
    };
    promise.then(untrack, untrack);
    return promise;
  };

  async function launch(): Promise<ChromiumInstance> {
    if (closed) throw new BrowserClosedError('The browser pool is closed');
    const runtime = egress === undefined ? undefined : await startEgress();
    const proxy = runtime?.proxy;
    const id = `${process.pid}-${++instanceSeq}`;
    const launched = await chromium.launch({
      executablePath: runtime?.namespace === undefined ? executablePath : runtime.namespace.launcher(executablePath),
      headless,
      args: [...chromiumArgs(isRoot), `${INSTANCE_SWITCH}=${id}`],
      // Browser-wide fallback; each context names its own listener. `<-loopback>` removes
      // Chromium's implicit bypass, so loopback goes through the firewall like everything else.
      ...(proxy === undefined ? {} : { proxy: { server: proxy.url, bypass: '<-loopback>' } }),
      // Playwright adds --no-sandbox by itself unless told the sandbox is wanted.
      chromiumSandbox: !isRoot,
      // Playwright would kill the browser on these signals, racing the server's own orderly
      // shutdown (running tasks recorded as interrupted, then close()). A server that dies
      // without one still leaves nothing: Chromium exits when its DevTools pipe closes.
      handleSIGTERM: false,
      handleSIGINT: false,
      handleSIGHUP: false,
      timeout: launchTimeoutMs,
    });
    counters.launches++;
    const instance: ChromiumInstance = {
      id,
      browser: launched,
      contextsServed: 0,
      sessions: 0,
      retired: false,
      closing: false,
      owner: undefined,
      pid: undefined,
      lost: new Promise<never>((_, reject) => launched.once('disconnected', () => reject(new BrowserClosedError('The browser process exited')))),
    };
    instance.lost.catch(() => undefined);
    instances.add(instance);
    launched.on('disconnected', () => onDisconnected(instance));
    logger.info({ version: launched.version(), launches: counters.launches, isolation }, 'browser launched');
    if (closed) {
      await closeInstance(instance);
      throw new BrowserClosedError('The browser pool is closed');
    }
    return instance;
  }

  function startEgress(): Promise<EgressRuntime> {
    if (egress === undefined) throw new Error('no egress policy');
    const starting = (egressRuntime ??= (async (): Promise<EgressRuntime> => {
      const namespace = egress.networkNamespace === false ? undefined : await startNetworkNamespace();
      try {
        const proxy = await startEgressProxy({
          policy: egress.policy,
          resolver: egress.resolver,
          onBlocked: egress.onBlocked,
          ...(namespace === undefined ? {} : { listen: () => namespace.listen() }),
        });
        namespace?.onExit((reason) => {
          // Browsers in the old namespace could not reach listeners opened in a new one: they
          // drain, and new sessions get a browser in a fresh namespace.
          logger.error({ reason }, "the browser's network namespace ended; its browsers are retired");
          if (egressRuntime === starting) egressRuntime = undefined;
          for (const instance of instances) retire(instance, 'network namespace ended', {});
          void proxy.close();
        });
        return { proxy, namespace };
      } catch (error) {
        await namespace?.close();
        throw error;
      }
    })());
    // A failed start is retried on the next launch.
    starting.catch(() => {
      if (egressRuntime === starting) egressRuntime = undefined;
    });
    return starting;
  }

  const usable = (instance: ChromiumInstance): boolean => !instance.retired && !instance.closing && instance.browser.isConnected();

  function ensureShared(): Promise<ChromiumInstance> {
    if (closed) return Promise.reject(new BrowserClosedError('The browser pool is closed'));
    if (current !== undefined && usable(current)) return Promise.resolve(current);
    launchingShared ??= track(
      launch().then(
        (instance) => {
          launchingShared = undefined;
          current = instance;
          return instance;
        },
        (error: unknown) => {
          launchingShared = undefined;
          throw error;
        },
      ),
    );
    return launchingShared;
  }

  async function closeInstance(instance: ChromiumInstance): Promise<void> {
    if (instance.closing) return;
    instance.closing = true;
    stopServing(instance);
    await instance.browser.close().catch(() => undefined);
    instances.delete(instance);
  }

  /** No new session will be given `instance`: it is no longer current or a key's, its warm contexts go. */
  function stopServing(instance: ChromiumInstance): void {
    if (current === instance) current = undefined;
    if (instance.owner !== undefined && byKey.get(instance.owner) === instance) byKey.delete(instance.owner);
    discardWarm((w) => w.instance === instance);
  }

  function discardWarm(match: (w: WarmContext) => boolean): void {
    for (let i = warm.length - 1; i >= 0; i--) {
      const entry = warm[i]!;
      if (!match(entry)) continue;
      warm.splice(i, 1);
      void entry.context.close().catch(() => undefined);
    }
  }

  function onDisconnected(gone: ChromiumInstance): void {
    instances.delete(gone);
    if (gone.closing) return;
    gone.closing = true;
    stopServing(gone);
    if (closed) return;
    const affected = [...sessions].filter(([, instance]) => instance === gone).map(([session]) => session);
    logger.error({ sessions: affected.length, browser: gone.id }, 'browser disconnected; a new one is launched on the next acquire');
    for (const session of affected) session.browserGone('The browser process exited');
    // Acquires waiting for a context of the dead browser create one in a new browser instead.
    wakeAllWaiters();
  }

  /** Stops new contexts in `instance`; it closes when its last session ends. */
  function retire(instance: ChromiumInstance, why: string, detail: object): void {
    if (instance.retired || instance.closing || closed) return;
    instance.retired = true;
    counters.recycled++;
    stopServing(instance);
    logger.info({ browser: instance.id, why, ...detail, liveSessions: instance.sessions }, 'browser retired; new sessions get a fresh one');
    if (instance.sessions === 0) void closeInstance(instance);
    if (isolation === 'shared') {
      // The replacement starts now so the next acquire finds warm contexts.
      void ensureShared()
        .then(() => refill())
        .catch((error: unknown) => logger.warn({ err: errorMessage(error) }, 'could not launch the replacement browser'));
    }
  }

  function checkMemory(): void {
    if (recycleAboveBytes === 0) return;
    for (const instance of instances) {
      if (!usable(instance) || isolation === 'session') continue;
      instance.pid ??= findBrowserPid(instance.id);
      if (instance.pid === undefined) continue;
      const bytes = browserOwnMemoryBytes(instance.pid);
      if (bytes > recycleAboveBytes) retire(instance, 'memory', { megabytes: Math.round(bytes / 1_048_576) });
    }
  }

  async function createContext(instance: ChromiumInstance): Promise<WarmContext> {
    const channel = egress === undefined ? undefined : await (await startEgress()).proxy.openChannel();
    let context: BrowserContext;
    try {
      // A call in flight when Chromium dies may never settle: the disconnect ends the wait.
      context = await Promise.race([
        instance.browser.newContext({
          viewport,
          // The session decides what happens to a download (see PlaywrightSessionBrowser).
          acceptDownloads: true,
          ...(channel === undefined ? {} : { proxy: { server: channel.url, bypass: '<-loopback>' } }),
        }),
        instance.lost,
      ]);
    } catch (error) {
      await channel?.close();
      throw error;
    }
    if (channel !== undefined) context.on('close', () => void channel.close());
    try {
      context.setDefaultTimeout(actionTimeoutMs);
      context.setDefaultNavigationTimeout(navigationTimeoutMs);
      await Promise.race([markPointerListeners(context), instance.lost]);
      const page = await Promise.race([context.newPage(), instance.lost]);
      return { context, page, instance, channel };
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
  }

  /** A browser of its own with one ready context: the warm unit of `key` and `session` isolation. */
  async function createDedicated(): Promise<WarmContext> {
    const instance = await launch();
    try {
      return await createContext(instance);
    } catch (error) {
      await closeInstance(instance);
      throw error;
    }
  }

  /** A warm context is handed out only while its browser takes new sessions of anyone. */
  const warmUsable = (w: WarmContext): boolean =>
    usable(w.instance) && !w.page.isClosed() && (dedicated ? w.instance.owner === undefined : w.instance === current);

  function refill(): void {
    if (closed) return;
    // Shared: fill only a browser that is up; after a crash the next acquire relaunches it.
    const shared = current;
    if (!dedicated && (shared === undefined || !usable(shared))) return;
    const target = Math.min(warmTarget(), maxContexts - reserved);
    while (warm.length + warmingIn.size < target) {
      const ticket = Symbol('warming');
      warmingIn.set(ticket, dedicated ? undefined : shared);
      let handedToWaiter = false;
      void track(
        (dedicated ? createDedicated() : createContext(shared!))
          .then(async (ready) => {
            const waiter = closed || !warmUsable(ready) ? undefined : waiters.shift();
            handedToWaiter = waiter !== undefined;
            if (waiter) waiter(ready);
            else if (closed || !warmUsable(ready) || warm.length >= warmTarget()) await discard(ready);
            else warm.push(ready);
          })
          .catch((error: unknown) => {
            waiters.shift()?.(undefined);
            if (!closed) logger.warn({ err: errorMessage(error) }, 'could not create a warm context');
          })
          .finally(() => {
            warmingIn.delete(ticket);
            // One a waiting acquire took never reached the pool: start its replacement (a failed
            // creation does not retry here, or a broken browser would spin).
            if (handedToWaiter) refill();
          }),
      );
    }
  }

  /** Closes a context nobody will use; a dedicated browser goes with it. */
  async function discard(entry: WarmContext): Promise<void> {
    if (dedicated && entry.instance.owner === undefined && entry.instance.sessions === 0) await closeInstance(entry.instance);
    else await entry.context.close().catch(() => undefined);
  }

  async function takeWarm(): Promise<WarmContext | undefined> {
    while (warm.length > 0) {
      const candidate = warm.shift()!;
      if (warmUsable(candidate)) {
        counters.warmHits++;
        return candidate;
      }
      await discard(candidate);
    }
    // A context already being warmed arrives sooner than a new one started now, and starting
    // another would only make the two compete for the same CPU.
    if (warmingAlive() > waiters.length) {
      const handed = await new Promise<WarmContext | undefined>((resolve) => waiters.push(resolve));
      if (handed !== undefined && warmUsable(handed)) {
        counters.warmHits++;
        return handed;
      }
      if (handed !== undefined) await discard(handed);
    }
    return undefined;
  }

  /** A context for a session of `apiKeyId`; its browser's `sessions` already counts it. */
  async function takeContext(sessionId: string, apiKeyId: string | undefined): Promise<WarmContext> {
    if (isolation === 'key' && apiKeyId !== undefined) {
      const own = byKey.get(apiKeyId);
      if (own !== undefined && usable(own)) {
        own.sessions++;
        try {
          counters.coldStarts++;
          const context = await createContext(own);
          countServed(own);
          return context;
        } catch (error) {
          own.sessions--;
          if (own.sessions === 0 && !usable(own)) void closeInstance(own);
          if (closed || own.browser.isConnected()) throw error;
          // Its browser died meanwhile: fall through to a fresh one.
        }
      }
    }
    let taken = await takeWarm();
    if (taken === undefined) {
      counters.coldStarts++;
      if (dedicated) taken = await createDedicated();
      else {
        const instance = await ensureShared();
        try {
          taken = await createContext(instance);
        } catch (error) {
          // The browser died between our last look and newContext: relaunch once.
          if (closed || instance.browser.isConnected()) throw error;
          taken = await createContext(await ensureShared());
        }
      }
    }
    taken.instance.sessions++;
    countServed(taken.instance);
    if (isolation === 'key' && apiKeyId !== undefined) {
      // Two first sessions of a key racing may each claim a browser: both serve only this key.
      taken.instance.owner = apiKeyId;
      byKey.set(apiKeyId, taken.instance);
    } else if (isolation === 'session') {
      taken.instance.owner = sessionId;
    }
    return taken;
  }

  /** Retires a browser that has served its share of sessions (it keeps them until they end). */
  function countServed(instance: ChromiumInstance): void {
    instance.contextsServed++;
    if (recycleAfterContexts > 0 && isolation !== 'session' && instance.contextsServed >= recycleAfterContexts) {
      retire(instance, 'contexts', { contexts: instance.contextsServed });
    }
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
      if (closed) throw new BrowserClosedError('The browser pool is closed');
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

  function sessionEnded(instance: ChromiumInstance): void {
    instance.sessions--;
    if (instance.sessions > 0 || instance.closing) return;
    // A dedicated browser lives as long as its sessions; a retired shared one has drained.
    if (dedicated || instance.retired) void closeInstance(instance);
  }

  return {
    async start() {
      if (!dedicated) await ensureShared();
      refill();
      // Let the first acquire find a warm context.
      await Promise.allSettled([...inFlight]);
    },

    async acquire(acquireOptions: AcquireOptions): Promise<SessionBrowser> {
      if (closed) throw new BrowserClosedError('The browser pool is closed');
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
      recentAcquires.push(performance.now());
      reserved++;
      let taken: WarmContext | undefined;
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
        if (closed) throw new BrowserClosedError('The browser pool is closed');
      } catch (error) {
        reserved--;
        if (taken !== undefined) {
          await taken.context.close().catch(() => undefined);
          sessionEnded(taken.instance);
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
            sessionEnded(instance);
          }
          refill();
        },
      );
      sessions.set(session, instance);
      refill();
      return session;
    },

    stats(): PlaywrightBrowserPoolStats {
      return {
        warm: warm.length,
        warmTarget: warmTarget(),
        active: sessions.size,
        browserConnected: dedicated ? [...instances].some((i) => i.browser.isConnected()) : (current?.browser.isConnected() ?? false),
        browsers: [...instances].filter((i) => !i.closing).length,
        ...counters,
      };
    },

    checkMemory,

    close(): Promise<void> {
      closing ??= (async () => {
        closed = true;
        if (memoryTimer !== undefined) clearInterval(memoryTimer);
        if (demandTimer !== undefined) clearInterval(demandTimer);
        wakeAllWaiters();
        await Promise.allSettled([...sessions.keys(), ...externalSessions].map((session) => session.close()));
        await Promise.allSettled([...inFlight]);
        const contexts = warm.splice(0);
        await Promise.allSettled(contexts.map((w) => w.context.close()));
        await Promise.allSettled([...instances].map((instance) => closeInstance(instance)));
        current = undefined;
        const runtime = egressRuntime;
        egressRuntime = undefined;
        if (runtime !== undefined) {
          await runtime
            .then(async ({ proxy, namespace }) => {
              await proxy.close();
              await namespace?.close();
            })
            .catch(() => undefined);
        }
        logger.info({}, 'browser pool closed');
      })();
      return closing;
    },
  };
}
