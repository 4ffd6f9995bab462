import { APIUserAbortError } from './errors.ts';

/** Resolves after `ms`, or rejects with `APIUserAbortError` as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError({ cause: signal.reason }));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new APIUserAbortError({ cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Throws `APIUserAbortError` when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new APIUserAbortError({ cause: signal.reason });
}

/**
 * A controller that aborts when `parent` does, with `detach()` to stop listening once the work
 * it guards is over (so a long-lived parent signal does not collect listeners).
 */
export function linkedController(parent: AbortSignal | undefined): { controller: AbortController; detach: () => void } {
  const controller = new AbortController();
  if (parent === undefined) return { controller, detach: () => {} };
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, detach: () => {} };
  }
  const onAbort = (): void => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { controller, detach: () => parent.removeEventListener('abort', onAbort) };
}

/** `AbortSignal.any`, linked by hand on runtimes that lack it (Safari before 17.4, older edge runtimes). */
export function anySignal(signals: AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}
