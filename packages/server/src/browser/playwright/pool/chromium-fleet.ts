import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { EgressResolver } from '../../../safety/check-destination.ts';
import type { EgressPolicy } from '../../../safety/egress-policy.ts';
import { startEgressProxy, type EgressBlockedEvent, type EgressChannel, type EgressProxy } from '../../egress-proxy/egress-proxy.ts';
import { startNetworkNamespace, type BrowserNetworkNamespace } from '../../egress-proxy/network-namespace.ts';
import { BrowserClosedError } from '../../port.ts';
import { browserOwnMemoryBytes, findBrowserPid, INSTANCE_SWITCH } from '../chromium-memory.ts';
import { chromiumArgs } from '../launch-args.ts';
import { markPointerListeners } from '../listener-marks.ts';

/** pino-compatible subset. */
export interface PoolLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
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

/** One Chromium process. */
export interface ChromiumInstance {
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

/** A context with one blank page, ready to be a session's. */
export interface ReadyContext {
  context: BrowserContext;
  page: Page;
  instance: ChromiumInstance;
  /** This context's own proxy listener, which is how the proxy knows whose request it is. */
  channel: EgressChannel | undefined;
}

export interface FleetOptions {
  executablePath: string;
  headless: boolean;
  launchTimeoutMs: number;
  viewport: { width: number; height: number };
  actionTimeoutMs: number;
  navigationTimeoutMs: number;
  /** A browser is replaced after this many contexts (0: never)… */
  recycleAfterContexts: number;
  /** … or once its own processes (renderers excluded) use more than this (0: never). */
  recycleAboveBytes: number;
  /** False where a browser serves one session and ends with it: nothing to recycle. */
  recycles: boolean;
  egress: PoolEgressOptions | undefined;
  logger: PoolLogger;
  /** For the launch log. */
  isolation: string;
}

/** What the pool does when the fleet's browsers change under it. */
export interface FleetEvents {
  /** `instance` takes no new session any more (retired, closing or gone): forget it and drop its warm contexts. */
  stoppedServing(instance: ChromiumInstance): void;
  /** `instance` disconnected on its own: its sessions must hear of it. */
  lost(instance: ChromiumInstance): void;
  /** `instance` was retired for its age or memory. */
  retired(instance: ChromiumInstance): void;
}

/** The proxy every request goes through and the namespace that leaves the browser no other way. */
interface EgressRuntime {
  proxy: EgressProxy;
  namespace: BrowserNetworkNamespace | undefined;
}

let instanceSeq = 0;

/**
 * The Chromium processes the pool runs, whatever isolation hands them out: launching them behind
 * the egress firewall, making contexts in them, retiring them for their age or memory, and
 * closing them. A browser that disconnects without being closed is told to `events.lost`.
 */
export class ChromiumFleet {
  /** Every browser running, whatever its role. */
  readonly instances = new Set<ChromiumInstance>();
  readonly counters = { launches: 0, warmHits: 0, coldStarts: 0, recycled: 0 };
  private closed = false;
  private egressRuntime: Promise<EgressRuntime> | undefined;
  private readonly isRoot = process.getuid?.() === 0;
  private readonly memoryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: FleetOptions,
    private readonly events: FleetEvents,
    memoryCheckIntervalMs: number,
  ) {
    if (this.isRoot) {
      options.logger.warn(
        { executablePath: options.executablePath },
        'running as root: Chromium is launched with --no-sandbox (run as an unprivileged user to keep its sandbox)',
      );
    }
    this.memoryTimer =
      options.recycleAboveBytes > 0 && options.recycles ? setInterval(() => this.checkMemory(), memoryCheckIntervalMs).unref() : undefined;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Takes new contexts: not retired, not closing, connected. */
  usable(instance: ChromiumInstance): boolean {
    return !instance.retired && !instance.closing && instance.browser.isConnected();
  }

  async launch(): Promise<ChromiumInstance> {
    if (this.closed) throw new BrowserClosedError('The browser pool is closed');
    const { executablePath, logger } = this.options;
    const runtime = this.options.egress === undefined ? undefined : await this.startEgress();
    const proxy = runtime?.proxy;
    const id = `${process.pid}-${++instanceSeq}`;
    const launched = await chromium.launch({
      executablePath: runtime?.namespace === undefined ? executablePath : runtime.namespace.launcher(executablePath),
      headless: this.options.headless,
      args: [...chromiumArgs(this.isRoot), `${INSTANCE_SWITCH}=${id}`],
      // Browser-wide fallback; each context names its own listener. `<-loopback>` removes
      // Chromium's implicit bypass, so loopback goes through the firewall like everything else.
      ...(proxy === undefined ? {} : { proxy: { server: proxy.url, bypass: '<-loopback>' } }),
      // Playwright adds --no-sandbox by itself unless told the sandbox is wanted.
      chromiumSandbox: !this.isRoot,
      // Playwright would kill the browser on these signals, racing the server's own orderly
      // shutdown (running tasks recorded as interrupted, then close()). A server that dies
      // without one still leaves nothing: Chromium exits when its DevTools pipe closes.
      handleSIGTERM: false,
      handleSIGINT: false,
      handleSIGHUP: false,
      timeout: this.options.launchTimeoutMs,
    });
    this.counters.launches++;
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
    this.instances.add(instance);
    launched.on('disconnected', () => this.onDisconnected(instance));
    logger.info({ version: launched.version(), launches: this.counters.launches, isolation: this.options.isolation }, 'browser launched');
    if (this.closed) {
      await this.closeInstance(instance);
      throw new BrowserClosedError('The browser pool is closed');
    }
    return instance;
  }

  /** A context with one blank page in `instance`, on a proxy listener of its own. */
  async createContext(instance: ChromiumInstance): Promise<ReadyContext> {
    const { viewport, actionTimeoutMs, navigationTimeoutMs } = this.options;
    const channel = this.options.egress === undefined ? undefined : await (await this.startEgress()).proxy.openChannel();
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

  /** A browser of its own with one ready context: the warm unit of dedicated isolation. */
  async createDedicated(): Promise<ReadyContext> {
    const instance = await this.launch();
    try {
      return await this.createContext(instance);
    } catch (error) {
      await this.closeInstance(instance);
      throw error;
    }
  }

  async closeInstance(instance: ChromiumInstance): Promise<void> {
    if (instance.closing) return;
    instance.closing = true;
    this.events.stoppedServing(instance);
    await instance.browser.close().catch(() => undefined);
    this.instances.delete(instance);
  }

  /** Stops new contexts in `instance`; it closes when its last session ends. */
  retire(instance: ChromiumInstance, why: string, detail: object): void {
    if (instance.retired || instance.closing || this.closed) return;
    instance.retired = true;
    this.counters.recycled++;
    this.events.stoppedServing(instance);
    this.options.logger.info({ browser: instance.id, why, ...detail, liveSessions: instance.sessions }, 'browser retired; new sessions get a fresh one');
    if (instance.sessions === 0) void this.closeInstance(instance);
    this.events.retired(instance);
  }

  /** A context of `instance` went to a session: a browser that has served its share is retired (it keeps them until they end). */
  countServed(instance: ChromiumInstance): void {
    instance.contextsServed++;
    const limit = this.options.recycleAfterContexts;
    if (limit > 0 && this.options.recycles && instance.contextsServed >= limit) {
      this.retire(instance, 'contexts', { contexts: instance.contextsServed });
    }
  }

  /** A session of `instance` ended; the browser closes with its last one when `closeWhenIdle` or retired. */
  sessionEnded(instance: ChromiumInstance, closeWhenIdle: boolean): void {
    instance.sessions--;
    if (instance.sessions > 0 || instance.closing) return;
    if (closeWhenIdle || instance.retired) void this.closeInstance(instance);
  }

  /** Measures every reusable browser now and retires those over the memory limit. */
  checkMemory(): void {
    const limit = this.options.recycleAboveBytes;
    if (limit === 0 || !this.options.recycles) return;
    for (const instance of this.instances) {
      if (!this.usable(instance)) continue;
      instance.pid ??= findBrowserPid(instance.id);
      if (instance.pid === undefined) continue;
      const bytes = browserOwnMemoryBytes(instance.pid);
      if (bytes > limit) this.retire(instance, 'memory', { megabytes: Math.round(bytes / 1_048_576) });
    }
  }

  /** The egress resolver, for checking an external browser's address the way the proxy checks requests. */
  get resolver(): EgressResolver | undefined {
    return this.options.egress?.resolver;
  }

  /** Marks the fleet closed (no launch succeeds from now on); `close()` then ends what runs. */
  stop(): void {
    this.closed = true;
    if (this.memoryTimer !== undefined) clearInterval(this.memoryTimer);
  }

  async close(): Promise<void> {
    this.stop();
    await Promise.allSettled([...this.instances].map((instance) => this.closeInstance(instance)));
    const runtime = this.egressRuntime;
    this.egressRuntime = undefined;
    if (runtime !== undefined) {
      await runtime
        .then(async ({ proxy, namespace }) => {
          await proxy.close();
          await namespace?.close();
        })
        .catch(() => undefined);
    }
  }

  private onDisconnected(gone: ChromiumInstance): void {
    this.instances.delete(gone);
    if (gone.closing) return;
    gone.closing = true;
    this.events.stoppedServing(gone);
    if (this.closed) return;
    this.events.lost(gone);
  }

  private startEgress(): Promise<EgressRuntime> {
    const egress = this.options.egress;
    if (egress === undefined) throw new Error('no egress policy');
    const starting = (this.egressRuntime ??= (async (): Promise<EgressRuntime> => {
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
          this.options.logger.error({ reason }, "the browser's network namespace ended; its browsers are retired");
          if (this.egressRuntime === starting) this.egressRuntime = undefined;
          for (const instance of this.instances) this.retire(instance, 'network namespace ended', {});
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
      if (this.egressRuntime === starting) this.egressRuntime = undefined;
    });
    return starting;
  }
}
