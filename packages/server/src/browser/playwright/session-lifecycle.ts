import type { BrowserContext } from 'playwright-core';
import { isAbortError } from '../../util/abort.ts';
import { BrowserClosedError } from '../port.ts';
import { isTargetClosedError } from './readable-error.ts';

/** When the whole browser dies its contexts close first; the pool's disconnect notice names the real cause. */
const CONTEXT_CLOSE_GRACE_MS = 250;

/**
 * Whether a session's context still lives, and what a failure means once it does not: after a
 * crash (page, context or browser) or a close, every call throws `BrowserClosedError`, and the
 * crash is told to `onCrash` listeners once.
 */
export class SessionLifecycle {
  private readonly crashListeners: ((reason: string) => void)[] = [];
  private deadReason: string | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly context: BrowserContext,
    private readonly onClosed: () => void,
  ) {
    context.on('close', () => {
      if (this.closing !== undefined) return;
      setTimeout(() => this.die('The browser context was closed'), CONTEXT_CLOSE_GRACE_MS).unref();
    });
  }

  get isClosed(): boolean {
    return this.closing !== undefined || this.deadReason !== undefined;
  }

  ensureAlive(): void {
    if (this.deadReason !== undefined) throw new BrowserClosedError(this.deadReason);
    if (this.closing !== undefined) throw new BrowserClosedError();
  }

  /** Aborts propagate as they are; a dead context becomes BrowserClosedError; anything else returns. */
  rethrowIfFatal(error: unknown, signal: AbortSignal | undefined): void {
    if (signal?.aborted && (error === signal.reason || isAbortError(error))) throw error;
    if (this.isClosed) throw new BrowserClosedError(this.deadReason ?? 'The browser context is closed', { cause: error });
    if (isTargetClosedError(error) && this.context.pages().length === 0 && !this.context.browser()?.isConnected()) {
      throw new BrowserClosedError('The browser is gone', { cause: error });
    }
  }

  die(reason: string): void {
    if (this.deadReason !== undefined) return;
    this.deadReason = reason;
    for (const listener of this.crashListeners.splice(0)) {
      try {
        listener(reason);
      } catch {
        // a listener's failure must not stop the others from hearing about the crash
      }
    }
  }

  onCrash(listener: (reason: string) => void): () => void {
    const reason = this.deadReason;
    if (reason !== undefined && this.closing === undefined) {
      queueMicrotask(() => listener(reason));
      return () => undefined;
    }
    this.crashListeners.push(listener);
    return () => {
      const at = this.crashListeners.indexOf(listener);
      if (at >= 0) this.crashListeners.splice(at, 1);
    };
  }

  close(): Promise<void> {
    this.closing ??= this.context
      .close()
      .catch(() => undefined)
      .finally(() => this.onClosed());
    return this.closing;
  }

  /** The browser died under the session: it is dead and closed at once. */
  browserGone(reason: string): void {
    if (this.closing !== undefined) return;
    this.die(reason);
    this.closing = Promise.resolve();
    this.onClosed();
  }
}
