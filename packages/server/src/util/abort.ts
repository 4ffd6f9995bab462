/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** Error message of any thrown value, never throwing itself. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return 'unknown error';
  }
}

/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it aborts (`onAbort`
 * runs then, to stop what the promise is waiting for). The losing promise may still reject later;
 * that never surfaces as unhandled.
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort?: () => void): Promise<T> {
  if (signal === undefined) return promise;
  promise.catch(() => undefined);
  if (signal.aborted) {
    onAbort?.();
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort?.();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error as Error);
      },
    );
  });
}

const SOURCES = Symbol('sources');

/**
 * Aborts when any of `signals` does; the undefined ones are left out. Use it rather than
 * `AbortSignal.any` whenever a source is an `AbortSignal.timeout`.
 */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  const sources = signals.filter((s): s is AbortSignal => s !== undefined);
  const combined = AbortSignal.any(sources);
  // Node (measured on 20.20; nodejs/node#57736) holds a composite's sources only weakly, and an
  // `AbortSignal.timeout` nothing else refers to is collected by the next full GC, its timer
  // cancelled: the composite then never aborts, and a deadline such as `withinMs` on a hung page
  // never fires (a task stayed `running` for good). The composite holds its sources itself, so a
  // deadline lives as long as anyone can still wait on it, and no longer.
  Object.defineProperty(combined, SOURCES, { value: sources });
  return combined;
}
