import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { runInPage } from './run-in-page.ts';

/** Timers an input handler sets with at most this delay are waited for; longer ones are the page's own later business. */
export const SHORT_TIMER_MS = 100;
/** Longest the probe waits in the page for short timers (a chain of them, an animation loop on setTimeout). */
const SETTLE_CAP_MS = 150;
/** Longest a probe's round trip may take before the page counts as too busy to answer it. */
const ROUND_TRIP_LIMIT_MS = 1_000;

/** What the page did while the action ran and the timers it set then ran out. */
export interface PendingNavigation {
  /** The main frame began a navigation (the Navigation API's `navigate` event, not cancelled). */
  navigating: boolean;
  /** The page called `window.open`. */
  opened: boolean;
}

interface ProbeArgs {
  key: string;
  shortTimerMs: number;
  capMs: number;
}

/**
 * Tells whether an action started a navigation without a fixed sleep after it. Before the action
 * it wraps the main frame's `setTimeout`, `clearTimeout`, `requestAnimationFrame`,
 * `cancelAnimationFrame` and `window.open` (Proxies, so their `toString` stays native) and
 * listens for the Navigation API's `navigate` event; after it, `settle()` waits in the page until
 * the short timers and animation frames the input's handlers asked for (or those callbacks did)
 * have run, then reports what the page started and restores the originals. A navigation a
 * handler starts at once Playwright's input already waits for; one it starts from a short timer
 * or a frame callback is seen here; one started later (after a fetch, a long timer) is not
 * followed (decision 0015).
 *
 * The wrappers exist only while an action runs, under a name random per session and not
 * enumerable, so a page sees them only if it looks during its own input handlers.
 */
export class PendingNavigationProbe {
  private readonly key = `__steward_${randomBytes(6).toString('hex')}`;

  /** Installs the wrappers; false when the page cannot run them now (then the caller falls back to a grace). */
  async arm(page: Page): Promise<boolean> {
    try {
      return await withLimit(runInPage(page, armInPage, this.args()));
    } catch {
      return false;
    }
  }

  /**
   * What the page started; undefined when it could not say (a new document replaced the armed
   * one, or the page did not answer). Rejects never.
   */
  async settle(page: Page): Promise<PendingNavigation | undefined> {
    try {
      return (await withLimit(runInPage(page, settleInPage, this.args()))) ?? undefined;
    } catch (error) {
      // The armed document went away under the probe: that was a navigation.
      if (/context was destroyed|navigat/i.test(String(error))) return { navigating: true, opened: false };
      return undefined;
    }
  }

  private args(): ProbeArgs {
    return { key: this.key, shortTimerMs: SHORT_TIMER_MS, capMs: SETTLE_CAP_MS };
  }
}

function withLimit<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the page did not answer the navigation probe')), ROUND_TRIP_LIMIT_MS);
    timer.unref();
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** Page state of one armed probe, kept under the probe's key. */
interface ArmedProbe {
  /** Short timers and animation frames an input's handlers asked for, not yet run. */
  pending: Set<number>;
  pendingFrames: Set<number>;
  navigations: Event[];
  opened: boolean;
  stop(): void;
  nativeSetTimeout: Window['setTimeout'];
}

// Runs in the page (main world): self-contained.
function armInPage(args: ProbeArgs): boolean {
  const w = window as unknown as Window & Record<string, unknown> & { navigation?: EventTarget };
  (w[args.key] as ArmedProbe | undefined)?.stop();
  const nativeSetTimeout = w.setTimeout;
  const nativeClearTimeout = w.clearTimeout;
  const nativeOpen = w.open;
  const nativeRequestFrame = w.requestAnimationFrame;
  const nativeCancelFrame = w.cancelAnimationFrame;
  const pending = new Set<number>();
  const pendingFrames = new Set<number>();
  const navigations: Event[] = [];
  let tracking = 0;
  let inInputTask = false;
  const state: ArmedProbe = {
    pending,
    pendingFrames,
    navigations,
    opened: false,
    nativeSetTimeout,
    stop: () => {
      // What the page put there meanwhile (a library patching timers) stays.
      if (w.setTimeout === wrappedSetTimeout) w.setTimeout = nativeSetTimeout;
      if (w.clearTimeout === wrappedClearTimeout) w.clearTimeout = nativeClearTimeout;
      if (w.open === wrappedOpen) w.open = nativeOpen;
      if (w.requestAnimationFrame === wrappedRequestFrame) w.requestAnimationFrame = nativeRequestFrame;
      if (w.cancelAnimationFrame === wrappedCancelFrame) w.cancelAnimationFrame = nativeCancelFrame;
      for (const type of inputEvents) w.removeEventListener(type, onInput, true);
      w.navigation?.removeEventListener('navigate', onNavigate);
      delete w[args.key];
    },
  };
  // Only timers set in an input's task (or in such a timer) count: an animation loop already
  // running on setTimeout would otherwise hold every action.
  const onInput = (): void => {
    if (inInputTask) return;
    inInputTask = true;
    nativeSetTimeout.call(w, () => {
      inInputTask = false;
    }, 0);
  };
  const onNavigate = (event: Event): void => {
    navigations.push(event);
  };
  const inputEvents = ['pointerdown', 'pointerup', 'mousedown', 'mouseup', 'click', 'dblclick', 'auxclick', 'contextmenu', 'keydown', 'keypress', 'keyup', 'input', 'change', 'submit', 'drop', 'dragend'];
  for (const type of inputEvents) w.addEventListener(type, onInput, true);
  w.navigation?.addEventListener('navigate', onNavigate);
  // Proxies keep the originals' behaviour and their native `toString`.
  const wrappedSetTimeout = new Proxy(nativeSetTimeout, {
    apply(target, self: unknown, callArgs: Parameters<Window['setTimeout']>): number {
      const [handler, delay, ...rest] = callArgs;
      if (typeof handler !== 'function' || (Number(delay) || 0) > args.shortTimerMs || (!inInputTask && tracking === 0)) {
        return Reflect.apply(target, self, callArgs);
      }
      const id: number = Reflect.apply(target, self, [
        function (this: unknown, ...fired: unknown[]) {
          pending.delete(id);
          tracking++;
          try {
            return (handler as (...a: unknown[]) => unknown).apply(this, fired);
          } finally {
            tracking--;
          }
        },
        delay,
        ...rest,
      ]);
      pending.add(id);
      return id;
    },
  });
  const wrappedClearTimeout = new Proxy(nativeClearTimeout, {
    apply(target, self: unknown, callArgs: Parameters<Window['clearTimeout']>): void {
      if (typeof callArgs[0] === 'number') pending.delete(callArgs[0]);
      Reflect.apply(target, self, callArgs);
    },
  });
  const wrappedOpen = new Proxy(nativeOpen, {
    apply(target, self: unknown, callArgs: Parameters<Window['open']>): Window | null {
      state.opened = true;
      return Reflect.apply(target, self, callArgs) as Window | null;
    },
  });
  const wrappedRequestFrame = new Proxy(nativeRequestFrame, {
    apply(target, self: unknown, callArgs: Parameters<Window['requestAnimationFrame']>): number {
      const [callback] = callArgs;
      if (typeof callback !== 'function' || (!inInputTask && tracking === 0)) return Reflect.apply(target, self, callArgs);
      const id: number = Reflect.apply(target, self, [
        (time: number) => {
          pendingFrames.delete(id);
          tracking++;
          try {
            callback(time);
          } finally {
            tracking--;
          }
        },
      ]);
      pendingFrames.add(id);
      return id;
    },
  });
  const wrappedCancelFrame = new Proxy(nativeCancelFrame, {
    apply(target, self: unknown, callArgs: Parameters<Window['cancelAnimationFrame']>): void {
      if (typeof callArgs[0] === 'number') pendingFrames.delete(callArgs[0]);
      Reflect.apply(target, self, callArgs);
    },
  });
  w.requestAnimationFrame = wrappedRequestFrame;
  w.cancelAnimationFrame = wrappedCancelFrame;
  w.setTimeout = wrappedSetTimeout;
  w.clearTimeout = wrappedClearTimeout;
  w.open = wrappedOpen;
  Object.defineProperty(w, args.key, { value: state, configurable: true, enumerable: false, writable: true });
  return true;
}

// Runs in the page (main world): self-contained.
function settleInPage(args: ProbeArgs): Promise<PendingNavigation | null> {
  const w = window as unknown as Window & Record<string, unknown>;
  const state = w[args.key] as ArmedProbe | undefined;
  if (state === undefined) return Promise.resolve(null);
  const started = performance.now();
  const later = (fn: () => void, ms: number): void => void state.nativeSetTimeout.call(w, fn, ms);
  const begun = (): boolean => state.opened || state.navigations.some((event) => !event.defaultPrevented);
  return new Promise((resolve) => {
    const done = (): void => {
      state.stop();
      resolve({ navigating: state.navigations.some((event) => !event.defaultPrevented), opened: state.opened });
    };
    const idle = (): boolean => state.pending.size === 0 && state.pendingFrames.size === 0;
    const check = (): void => {
      if (begun() || performance.now() - started > args.capMs) return done();
      // Hidden tabs get no animation frames: past the cap a frame never run no longer holds the action.
      if (!idle()) return later(check, 2);
      // One more task: what the last callback queued (a message, a zero timer) runs before the answer.
      later(() => (idle() || begun() ? done() : check()), 0);
    };
    check();
  });
}
