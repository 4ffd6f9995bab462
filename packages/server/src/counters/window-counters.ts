/** The state of one key's current window. */
export interface WindowCount {
  /** Hits counted in the current window; 0 when no window is open. */
  count: number;
  /** Milliseconds until the current window ends and counting starts again; 0 when no window is open. */
  resetInMs: number;
}

/**
 * Fixed-window hit counters: the storage behind the rate limits, so that a shared store (Redis:
 * `INCR` + `PEXPIRE … NX`, `PTTL`) can take over from the in-process one when several API nodes
 * must share a limit. Every adapter runs the suite in `test/counters/window-counters-contract.ts`.
 *
 * Contract:
 * - `hit(key, windowMs)` counts one hit and returns the count including it. A key's first hit
 *   opens a window that ends `windowMs` later; windows are fixed, not sliding: hits inside it
 *   never move its end, and the first hit after it ended opens a new window at count 1.
 * - Atomic per key: concurrent hits on one key get the counts 1..N, each exactly once, across
 *   every process sharing the store.
 * - `peek(key)` reports the same state without counting and without opening a window.
 * - Keys are opaque and independent; callers prefix them by policy (`key:`, `ip:`, …).
 * - An ended window is forgotten; storage holds only keys hit within their last window. An
 *   adapter may bound its storage further by forgetting the windows that end soonest first.
 * - Infrastructure failures reject; whether a request then passes is the caller's decision.
 */
export interface WindowCounters {
  hit(key: string, windowMs: number): Promise<WindowCount>;
  peek(key: string): Promise<WindowCount>;
  /** Releases timers and connections; later calls may reject. */
  close(): Promise<void>;
}
