import { anySignal, raceSignal } from '../../util/abort.ts';
import type { CallOptions } from '../port.ts';
import type { SessionLifecycle } from './session-lifecycle.ts';

/**
 * One call into a session's browser, after Playwright's own `Progress`: it starts only on a live
 * session, carries the caller's signal, races each wait against it (and against the wait's own
 * deadline), and maps a failure to what the port promises: the caller's abort as it is, a
 * session that died meanwhile as `BrowserClosedError`, anything else left to the call to word.
 */
export class CallProgress {
  private constructor(
    private readonly life: SessionLifecycle,
    /** The caller's signal: its abort is the caller's, never a failure of the call. */
    readonly signal: AbortSignal | undefined,
  ) {}

  static begin(life: SessionLifecycle, options?: CallOptions): CallProgress {
    life.ensureAlive();
    return new CallProgress(life, options?.signal);
  }

  /** Throws `BrowserClosedError` once the session has died, also midway through the call. */
  ensureAlive(): void {
    this.life.ensureAlive();
  }

  get aborted(): boolean {
    return this.signal?.aborted === true;
  }

  /** Throws the caller's abort at once, before anything starts. */
  throwIfAborted(): void {
    if (this.signal?.aborted) throw this.signal.reason;
  }

  /**
   * `promise`, unless the caller aborts first (`onAbort` stops what it waits for) or `withinMs`
   * passes (a TimeoutError, which `rethrowIfFatal` leaves for the call to word).
   */
  race<T>(promise: Promise<T>, options: { withinMs?: number; onAbort?: () => void } = {}): Promise<T> {
    const signal = options.withinMs === undefined ? this.signal : anySignal(this.signal, AbortSignal.timeout(options.withinMs));
    return raceSignal(promise, signal, options.onAbort);
  }

  /** The caller's abort and the session's death are thrown as they are; any other failure returns. */
  rethrowIfFatal(error: unknown): void {
    this.life.rethrowIfFatal(error, this.signal);
  }

  /** `fail(error)` after `rethrowIfFatal`: the call's own wording of a failure that is not fatal. */
  fail(error: unknown, word: (error: unknown) => Error): never {
    this.rethrowIfFatal(error);
    throw word(error);
  }
}
