import {
  BrowserCapacityError,
  BrowserClosedError,
  NavigationError,
  type AcquireOptions,
  type ActionResult,
  type BrowserAction,
  type BrowserPool,
  type BrowserPoolStats,
  type CallOptions,
  type NavigationGuard,
  type Observation,
  type PageInfo,
  type ScreenshotOptions,
  type SessionBrowser,
  type StorageState,
  type LiveInput,
  type ScreencastFrame,
} from '../port.ts';

/**
 * In-memory BrowserPool for unit tests of the layers above the browser: records every call,
 * answers with configurable observations and action results, and can simulate a crash.
 */

export interface FakeCall {
  sessionId: string;
  method: 'navigate' | 'screenshot' | 'observe' | 'act' | 'pageInfo' | 'storageState' | 'close' | 'startScreencast' | 'input';
  /** The action for `act`, the URL for `navigate`, the size and marks asked of a `screenshot` (when any). */
  arg?: unknown;
}

export type FakeActionHandler = (action: BrowserAction, session: FakeSessionBrowser) => ActionResult | Promise<ActionResult>;
export type FakeObservationSource = Observation | ((session: FakeSessionBrowser) => Observation);

export interface FakeBrowserPoolOptions {
  /** Max sessions at once; acquire beyond it throws BrowserCapacityError. Default: unlimited. */
  maxContexts?: number | undefined;
  observation?: FakeObservationSource | undefined;
  onAction?: FakeActionHandler | undefined;
  /** Start URL of every session. Default about:blank. */
  startUrl?: string | undefined;
}

/** Smallest valid JPEG header + end marker: enough for code that checks the magic bytes. */
export const FAKE_JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);

export function emptyObservation(info: PageInfo): Observation {
  return {
    url: info.url,
    title: info.title,
    elements: [],
    text: '',
    truncated: false,
    scroll: { y: 0, height: 800, viewportHeight: 800 },
    tabs: [{ index: 0, url: info.url, title: info.title, active: true }],
  };
}

export class FakeSessionBrowser implements SessionBrowser {
  url: string;
  title = '';
  storage: StorageState;
  closed = false;
  crashedWith: string | undefined;
  private readonly crashListeners: ((reason: string) => void)[] = [];

  constructor(
    readonly sessionId: string,
    private readonly pool: FakeBrowserPool,
    startUrl: string,
    storage: StorageState | undefined,
  ) {
    this.url = startUrl;
    this.storage = storage ?? { cookies: [], origins: [] };
  }

  /** The guard a task set: the fake asks it before each navigation, as the real adapter does. */
  navigationGuard: NavigationGuard | undefined;

  async setNavigationGuard(guard: NavigationGuard | undefined): Promise<void> {
    this.navigationGuard = guard;
  }

  async navigate(url: string, options?: CallOptions): Promise<PageInfo> {
    this.enter('navigate', url, options);
    if (!/^https?:/i.test(url)) throw new NavigationError(`Only http and https URLs can be opened: ${url}`);
    const refused = this.navigationGuard?.({ url, method: 'GET', body: undefined, carriesSecret: false });
    if (refused !== undefined) throw new NavigationError(`Stopped before leaving: ${url} (${refused})`);
    this.url = url;
    this.title = `Page at ${url}`;
    return { url: this.url, title: this.title };
  }

  /** The same tiny JPEG whatever is asked: it has no pixels to scale, so `maxWidth` always holds. */
  async screenshot(options?: ScreenshotOptions): Promise<{ jpeg: Buffer } & PageInfo> {
    const { marks, maxWidth, quality } = options ?? {};
    const asked = { ...(marks === undefined ? {} : { marks }), ...(maxWidth === undefined ? {} : { maxWidth }), ...(quality === undefined ? {} : { quality }) };
    this.enter('screenshot', Object.keys(asked).length === 0 ? undefined : asked, options);
    return { jpeg: FAKE_JPEG, url: this.url, title: this.title };
  }

  /** Sends one frame at once (the fake page never changes). */
  async startScreencast(onFrame: (frame: ScreencastFrame) => void): Promise<{ stop(): Promise<void> }> {
    this.enter('startScreencast', undefined, undefined);
    onFrame({ jpeg: FAKE_JPEG, width: 1280, height: 800 });
    return { stop: async () => undefined };
  }

  async input(event: LiveInput, options?: CallOptions): Promise<void> {
    this.enter('input', event, options);
  }

  async observe(options?: CallOptions): Promise<Observation> {
    this.enter('observe', undefined, options);
    return this.pool.observationFor(this);
  }

  async act(action: BrowserAction, options?: CallOptions): Promise<ActionResult> {
    this.enter('act', action, options);
    return this.pool.actionFor(action, this);
  }

  async pageInfo(): Promise<PageInfo> {
    this.enter('pageInfo');
    return { url: this.url, title: this.title };
  }

  async storageState(): Promise<StorageState> {
    this.enter('storageState');
    return structuredClone(this.storage);
  }

  onCrash(listener: (reason: string) => void): () => void {
    if (this.crashedWith !== undefined) {
      const reason = this.crashedWith;
      queueMicrotask(() => listener(reason));
      return () => undefined;
    }
    this.crashListeners.push(listener);
    return () => {
      const at = this.crashListeners.indexOf(listener);
      if (at >= 0) this.crashListeners.splice(at, 1);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.pool.record({ sessionId: this.sessionId, method: 'close' });
    this.closed = true;
    this.pool.released(this);
  }

  /** Simulates the context dying under the session. */
  crash(reason = 'simulated crash'): void {
    if (this.crashedWith !== undefined || this.closed) return;
    this.crashedWith = reason;
    for (const listener of this.crashListeners.splice(0)) listener(reason);
    this.pool.released(this);
  }

  private enter(method: FakeCall['method'], arg?: unknown, options?: CallOptions): void {
    if (this.crashedWith !== undefined) throw new BrowserClosedError(this.crashedWith);
    if (this.closed) throw new BrowserClosedError();
    if (options?.signal?.aborted) throw options.signal.reason;
    this.pool.record(arg === undefined ? { sessionId: this.sessionId, method } : { sessionId: this.sessionId, method, arg });
  }
}

export class FakeBrowserPool implements BrowserPool {
  readonly calls: FakeCall[] = [];
  readonly sessions: FakeSessionBrowser[] = [];
  started = false;
  closed = false;
  private observation: FakeObservationSource | undefined;
  private onAction: FakeActionHandler | undefined;
  private readonly queuedResults: ActionResult[] = [];
  private readonly live = new Set<FakeSessionBrowser>();

  constructor(private readonly options: FakeBrowserPoolOptions = {}) {
    this.observation = options.observation;
    this.onAction = options.onAction;
  }

  async start(): Promise<void> {
    this.started = true;
  }

  async acquire(options: AcquireOptions): Promise<SessionBrowser> {
    if (options.signal?.aborted) throw options.signal.reason;
    if (this.closed) throw new BrowserClosedError('The browser pool is closed');
    if (this.live.size >= (this.options.maxContexts ?? Number.POSITIVE_INFINITY)) {
      throw new BrowserCapacityError('All fake browser contexts are in use');
    }
    const session = new FakeSessionBrowser(options.sessionId, this, this.options.startUrl ?? 'about:blank', options.storageState);
    this.sessions.push(session);
    this.live.add(session);
    return session;
  }

  stats(): BrowserPoolStats {
    return { warm: 0, active: this.live.size, browserConnected: this.started && !this.closed };
  }

  async close(): Promise<void> {
    for (const session of [...this.live]) await session.close();
    this.closed = true;
  }

  /** The latest session acquired for `sessionId`. */
  session(sessionId: string): FakeSessionBrowser | undefined {
    return this.sessions.filter((s) => s.sessionId === sessionId).at(-1);
  }

  setObservation(source: FakeObservationSource): void {
    this.observation = source;
  }

  setActionHandler(handler: FakeActionHandler): void {
    this.onAction = handler;
  }

  /** Results returned, in order, by the next `act` calls (before the handler is consulted). */
  queueActionResults(...results: ActionResult[]): void {
    this.queuedResults.push(...results);
  }

  /** Crashes every live session, as a browser crash would. */
  crashAll(reason = 'The browser process exited'): void {
    for (const session of [...this.live]) session.crash(reason);
  }

  callsOf(method: FakeCall['method']): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  // ---- used by FakeSessionBrowser ----

  record(call: FakeCall): void {
    this.calls.push(call);
  }

  released(session: FakeSessionBrowser): void {
    this.live.delete(session);
  }

  observationFor(session: FakeSessionBrowser): Observation {
    const source = this.observation;
    if (source === undefined) return emptyObservation({ url: session.url, title: session.title });
    return typeof source === 'function' ? source(session) : structuredClone(source);
  }

  async actionFor(action: BrowserAction, session: FakeSessionBrowser): Promise<ActionResult> {
    const queued = this.queuedResults.shift();
    if (queued !== undefined) return queued;
    if (this.onAction !== undefined) return this.onAction(action, session);
    if (action.kind === 'navigate') {
      if (!/^https?:/i.test(action.url)) {
        return { ok: false, message: `Only http and https URLs can be opened: ${action.url}`, pageChanged: false };
      }
      session.url = action.url;
      session.title = `Page at ${action.url}`;
      return { ok: true, message: `Opened ${action.url}`, pageChanged: true };
    }
    return { ok: true, message: `Performed ${action.kind}`, pageChanged: false };
  }
}

export function createFakeBrowserPool(options: FakeBrowserPoolOptions = {}): FakeBrowserPool {
  return new FakeBrowserPool(options);
}
