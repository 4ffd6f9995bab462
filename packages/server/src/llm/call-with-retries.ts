import { delay, raceSignal } from '../util/abort.ts';
import { ModelError } from './port.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Backoff before the second attempt; doubles after each further failure. */
  baseDelayMs: number;
  /** Cap on one backoff computed here (a provider's Retry-After is honoured as sent). */
  maxDelayMs: number;
}

// setTimeout fires at once for delays beyond a signed 32-bit millisecond count.
const MAX_TIMER_MS = 2_147_483_647;

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8_000 };

/** How one failed attempt should be treated, as judged by the adapter that knows its errors. */
export interface AttemptFailure {
  retryable: boolean;
  /** Short operator-facing reason, e.g. `429 rate limited (slow down)`. */
  reason: string;
  /** Wait the provider asked for (Retry-After). */
  retryAfterMs?: number | undefined;
}

export interface CallWithRetriesOptions {
  /** The caller's signal: when it aborts, the call rejects at once with its reason. */
  signal: AbortSignal;
  /** Total deadline over all attempts and backoffs. */
  timeoutMs: number;
  /** Cap on a single attempt; by default an attempt may use all the time left. */
  attemptTimeoutMs?: number | undefined;
  policy: RetryPolicy;
  classify(error: unknown): AttemptFailure;
  /** Prefix of every ModelError message, e.g. `Model provider error`. */
  label: string;
  /** Jitter source, injectable for tests; returns [0, 1). */
  random?: (() => number) | undefined;
}

/**
 * Runs `attempt` until it succeeds, a failure is not retryable, attempts run out, or the deadline
 * leaves no room for another try. Every failure other than the caller's abort becomes a ModelError.
 * An attempt that ignores its signal cannot hold the call: the race rejects as soon as it aborts.
 */
export async function callWithRetries<T>(attempt: (signal: AbortSignal) => Promise<T>, options: CallWithRetriesOptions): Promise<T> {
  const { signal, timeoutMs, policy, label } = options;
  const random = options.random ?? Math.random;
  const deadline = performance.now() + timeoutMs;
  for (let attempts = 1; ; attempts++) {
    signal.throwIfAborted();
    const remaining = Math.max(0, deadline - performance.now());
    const attemptMs = Math.min(remaining, options.attemptTimeoutMs ?? Number.POSITIVE_INFINITY);
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new Error(`attempt timed out after ${Math.round(attemptMs)} ms`)),
      Math.min(attemptMs, MAX_TIMER_MS),
    );
    const attemptSignal = AbortSignal.any([signal, timeout.signal]);
    let failure: AttemptFailure;
    let cause: unknown;
    try {
      return await raceSignal(attempt(attemptSignal), attemptSignal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      cause = error;
      failure = timeout.signal.aborted
        ? { retryable: true, reason: `timed out after ${Math.round(attemptMs)} ms` }
        : options.classify(error);
    } finally {
      clearTimeout(timer);
    }
    const gaveUp = `gave up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`;
    if (!failure.retryable) throw new ModelError(`${label}: ${failure.reason}`, { retryable: false, cause });
    if (attempts >= policy.maxAttempts) {
      const suffix = policy.maxAttempts > 1 ? `; ${gaveUp}` : '';
      throw new ModelError(`${label}: ${failure.reason}${suffix}`, { retryable: true, cause });
    }
    const wait = failure.retryAfterMs ?? backoffMs(policy, attempts, random);
    if (performance.now() + wait >= deadline) {
      const why = `the ${timeoutMs} ms deadline leaves no time to retry`;
      throw new ModelError(`${label}: ${failure.reason}; ${gaveUp}, ${why}`, { retryable: true, cause });
    }
    await delay(wait, signal);
  }
}

/** Exponential backoff with jitter in [half, full] so that concurrent sessions spread out. */
export function backoffMs(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
  return Math.round(full / 2 + (full / 2) * random());
}
