import { errorMessage } from '../../../util/abort.ts';
import { BrowserClosedError } from '../../port.ts';
import type { ChromiumFleet, ChromiumInstance, PoolLogger, ReadyContext } from './chromium-fleet.ts';
import type { WarmSource } from './warm-contexts.ts';

export type BrowserIsolation = 'shared' | 'key' | 'session';

/**
 * How sessions are spread over Chromium processes: which browser a new session's context comes
 * from, what the warm pool holds, and when a browser closes. The pool is the same for every mode.
 */
export interface IsolationStrategy extends WarmSource {
  readonly mode: BrowserIsolation;
  /** Browsers belong to an owner and close with its last session; warm units are whole browsers (~150 MB each). */
  readonly dedicated: boolean;
  /** Makes ready what the first acquire needs. */
  start(): Promise<void>;
  /** A context for this session outside the warm pool (a key's own browser), already counted; undefined to use the pool. */
  own(apiKeyId: string | undefined): Promise<ReadyContext | undefined>;
  /** A context made now, when the warm pool had none. */
  cold(): Promise<ReadyContext>;
  /** `ready` (taken from the pool or made cold) now serves this session. */
  claim(instance: ChromiumInstance, sessionId: string, apiKeyId: string | undefined): void;
  /** `instance` takes no new sessions from now on. */
  forget(instance: ChromiumInstance): void;
  /** `instance` was retired: what replaces it. */
  retired(instance: ChromiumInstance): void;
  /** Whether a browser of the pool is up, for stats. */
  connected(): boolean;
  /** Forgets every browser (the pool is closing). */
  clear(): void;
}

export function isolationStrategy(
  mode: BrowserIsolation,
  fleet: ChromiumFleet,
  refill: () => void,
  track: <T>(promise: Promise<T>) => Promise<T>,
  logger: PoolLogger,
): IsolationStrategy {
  switch (mode) {
    case 'shared':
      return new SharedBrowser(fleet, refill, track, logger);
    case 'key':
      return new BrowserPerKey(fleet);
    case 'session':
      return new BrowserPerSession(fleet);
  }
}

/** `shared`: one Chromium, a context per session; a retired one is replaced at once. */
class SharedBrowser implements IsolationStrategy {
  readonly mode = 'shared';
  readonly dedicated = false;
  /** The browser new contexts come from. */
  private current: ChromiumInstance | undefined;
  private launching: Promise<ChromiumInstance> | undefined;

  constructor(
    private readonly fleet: ChromiumFleet,
    private readonly refill: () => void,
    private readonly track: <T>(promise: Promise<T>) => Promise<T>,
    private readonly logger: PoolLogger,
  ) {}

  async start(): Promise<void> {
    await this.ensure();
  }

  begin(): { in: ChromiumInstance; ready: Promise<ReadyContext> } | undefined {
    // Fill only a browser that is up; after a crash the next acquire relaunches it.
    const shared = this.current;
    if (shared === undefined || !this.fleet.usable(shared)) return undefined;
    return { in: shared, ready: this.fleet.createContext(shared) };
  }

  usable(ready: ReadyContext): boolean {
    return this.fleet.usable(ready.instance) && !ready.page.isClosed() && ready.instance === this.current;
  }

  discard(ready: ReadyContext): Promise<void> {
    return ready.context.close().catch(() => undefined);
  }

  own(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  async cold(): Promise<ReadyContext> {
    const instance = await this.ensure();
    try {
      return await this.fleet.createContext(instance);
    } catch (error) {
      // The browser died between our last look and newContext: relaunch once.
      if (this.fleet.isClosed || instance.browser.isConnected()) throw error;
      return this.fleet.createContext(await this.ensure());
    }
  }

  claim(): void {}

  forget(instance: ChromiumInstance): void {
    if (this.current === instance) this.current = undefined;
  }

  retired(): void {
    // The replacement starts now so the next acquire finds warm contexts.
    void this.ensure()
      .then(() => this.refill())
      .catch((error: unknown) => this.logger.warn({ err: errorMessage(error) }, 'could not launch the replacement browser'));
  }

  connected(): boolean {
    return this.current?.browser.isConnected() ?? false;
  }

  clear(): void {
    this.current = undefined;
  }

  private ensure(): Promise<ChromiumInstance> {
    if (this.fleet.isClosed) return Promise.reject(new BrowserClosedError('The browser pool is closed'));
    if (this.current !== undefined && this.fleet.usable(this.current)) return Promise.resolve(this.current);
    this.launching ??= this.track(
      this.fleet.launch().then(
        (instance) => {
          this.launching = undefined;
          this.current = instance;
          return instance;
        },
        (error: unknown) => {
          this.launching = undefined;
          throw error;
        },
      ),
    );
    return this.launching;
  }
}

/** What `key` and `session` share: browsers of their own, warmed whole and unassigned. */
abstract class DedicatedBrowsers implements IsolationStrategy {
  abstract readonly mode: BrowserIsolation;
  readonly dedicated = true;

  constructor(protected readonly fleet: ChromiumFleet) {}

  start(): Promise<void> {
    return Promise.resolve();
  }

  begin(): { in: undefined; ready: Promise<ReadyContext> } {
    return { in: undefined, ready: this.fleet.createDedicated() };
  }

  usable(ready: ReadyContext): boolean {
    return this.fleet.usable(ready.instance) && !ready.page.isClosed() && ready.instance.owner === undefined;
  }

  /** A browser nobody took goes with its context. */
  async discard(ready: ReadyContext): Promise<void> {
    if (ready.instance.owner === undefined && ready.instance.sessions === 0) await this.fleet.closeInstance(ready.instance);
    else await ready.context.close().catch(() => undefined);
  }

  own(_apiKeyId: string | undefined): Promise<ReadyContext | undefined> {
    return Promise.resolve(undefined);
  }

  cold(): Promise<ReadyContext> {
    return this.fleet.createDedicated();
  }

  abstract claim(instance: ChromiumInstance, sessionId: string, apiKeyId: string | undefined): void;

  forget(_instance: ChromiumInstance): void {}

  retired(): void {}

  connected(): boolean {
    return [...this.fleet.instances].some((instance) => instance.browser.isConnected());
  }

  clear(): void {}
}

/** `key`: each API key's sessions share a Chromium of their own. */
class BrowserPerKey extends DedicatedBrowsers {
  readonly mode = 'key';
  /** Each key's current browser. */
  private readonly byKey = new Map<string, ChromiumInstance>();

  override async own(apiKeyId: string | undefined): Promise<ReadyContext | undefined> {
    const own = apiKeyId === undefined ? undefined : this.byKey.get(apiKeyId);
    if (own === undefined || !this.fleet.usable(own)) return undefined;
    own.sessions++;
    try {
      this.fleet.counters.coldStarts++;
      const context = await this.fleet.createContext(own);
      this.fleet.countServed(own);
      return context;
    } catch (error) {
      own.sessions--;
      if (own.sessions === 0 && !this.fleet.usable(own)) void this.fleet.closeInstance(own);
      if (this.fleet.isClosed || own.browser.isConnected()) throw error;
      // Its browser died meanwhile: a fresh one.
      return undefined;
    }
  }

  claim(instance: ChromiumInstance, _sessionId: string, apiKeyId: string | undefined): void {
    if (apiKeyId === undefined) return;
    // Two first sessions of a key racing may each claim a browser: both serve only this key.
    instance.owner = apiKeyId;
    this.byKey.set(apiKeyId, instance);
  }

  override forget(instance: ChromiumInstance): void {
    if (instance.owner !== undefined && this.byKey.get(instance.owner) === instance) this.byKey.delete(instance.owner);
  }

  override clear(): void {
    this.byKey.clear();
  }
}

/** `session`: a Chromium per session, closed with it. */
class BrowserPerSession extends DedicatedBrowsers {
  readonly mode = 'session';

  claim(instance: ChromiumInstance, sessionId: string): void {
    instance.owner = sessionId;
  }
}
