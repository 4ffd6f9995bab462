import type { ExecutionStatus } from '@steward/protocol';
import { BrowserClosedError, type BrowserPool, type SessionBrowser, type SessionBrowserOptions, type StorageState } from '../browser/port.ts';
import { SerialQueue } from '../util/index.ts';

/** A task in flight: how to stop it and what it is waiting for. Lives in memory only. */
export interface RunningTask {
  readonly abort: AbortController;
  /** USER messages sent during the task, not yet read by the agent. */
  readonly updates: string[];
  /** Set once the task's final DONE/ERROR is stored; nothing is recorded for it afterwards. */
  finalized: boolean;
  /** The execution status a pause interrupted. */
  pausedFrom?: ExecutionStatus | undefined;
  /** Resolves the agent's `checkpoint` when resumed. */
  resumeWaiters: Array<() => void>;
  /** The agent's pending `ask_user`. */
  answer?: { resolve: (text: string) => void } | undefined;
  /** An answer that arrived while paused, delivered on resume. */
  pendingAnswer?: string | undefined;
  /**
   * Follow-ups still being screened by the classifier, in the order they were sent; later ones
   * wait behind it so the agent reads them in order.
   */
  screening?: Promise<void> | undefined;
}

/**
 * The live side of one session: its browser context, its task, and the lock that serializes every
 * state change. Durable state is in the store; this holds only what a restart may lose.
 */
export class SessionRuntime {
  readonly lock = new SerialQueue();
  task: RunningTask | undefined;
  lastActivity: number;
  private browser: SessionBrowser | undefined;
  private browserPromise: Promise<SessionBrowser> | undefined;
  private closed = false;

  constructor(
    readonly sessionId: string,
    readonly createdAt: number,
    lastActivity: number,
    private readonly pool: BrowserPool,
    private readonly onBrowserCrash: (runtime: SessionRuntime, reason: string) => void,
    private storageState?: StorageState | undefined,
    private readonly browserOptions: SessionBrowserOptions = {},
  ) {
    this.lastActivity = lastActivity;
  }

  /** Closed: the session ended (deleted, expired, or the server is stopping). */
  get isClosed(): boolean {
    return this.closed;
  }

  get hasBrowser(): boolean {
    return this.browser !== undefined;
  }

  /** The session's browser context, created (once) on first need. */
  ensureBrowser(): Promise<SessionBrowser> {
    if (this.browser) return Promise.resolve(this.browser);
    if (this.closed) return Promise.reject(new BrowserClosedError('Session runtime is closed'));
    this.browserPromise ??= this.pool
      .acquire({ ...this.browserOptions, sessionId: this.sessionId, storageState: this.storageState })
      .then(async (browser) => {
        this.browserPromise = undefined;
        if (this.closed) {
          await browser.close();
          throw new BrowserClosedError('Session runtime is closed');
        }
        this.storageState = undefined;
        this.browser = browser;
        browser.onCrash((reason) => {
          if (this.browser === browser) this.browser = undefined;
          this.onBrowserCrash(this, reason);
        });
        return browser;
      })
      .catch((error: unknown) => {
        this.browserPromise = undefined;
        throw error;
      });
    return this.browserPromise;
  }

  /** The current browser, if one is attached (no creation). */
  currentBrowser(): SessionBrowser | undefined {
    return this.browser;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.task?.abort.abort(new Error('session closed'));
    const browser = this.browser ?? (await this.browserPromise?.catch(() => undefined));
    this.browser = undefined;
    await browser?.close().catch(() => undefined);
  }
}
