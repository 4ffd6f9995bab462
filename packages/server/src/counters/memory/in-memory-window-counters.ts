import type { WindowCount, WindowCounters } from '../window-counters.ts';

export interface InMemoryWindowCountersOptions {
  /** Open windows kept at most; beyond it the window that ends soonest is forgotten. */
  maxKeys?: number | undefined;
  /** Milliseconds since the epoch; injectable so tests need not sleep. */
  now?: (() => number) | undefined;
}

interface Window {
  count: number;
  endsAt: number;
}

/** How often ended windows are swept out, at most. */
const SWEEP_INTERVAL_MS = 1_000;

/**
 * `WindowCounters` in this process: each API node limits its own traffic. Single-threaded
 * JavaScript makes every `hit` atomic. Memory is bounded by `maxKeys` (default 100,000 open
 * windows, ~10 MB): a flood of distinct clients past it makes the oldest windows start over,
 * which loosens the limit for them rather than letting memory grow without end.
 */
export class InMemoryWindowCounters implements WindowCounters {
  // Insertion order is the order windows opened (a reopened window is re-inserted), so the
  // first entry is the one that ends soonest when all windows of a policy have one length.
  readonly #windows = new Map<string, Window>();
  readonly #maxKeys: number;
  readonly #now: () => number;
  #nextSweepAt = 0;

  constructor(options: InMemoryWindowCountersOptions = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.#now();
    this.#sweep(now);
    let window = this.#windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      this.#windows.delete(key);
      while (this.#windows.size >= this.#maxKeys) this.#forgetOldest();
      window = { count: 0, endsAt: now + windowMs };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  async peek(key: string): Promise<WindowCount> {
    const now = this.#now();
    const window = this.#windows.get(key);
    if (window === undefined || window.endsAt <= now) return { count: 0, resetInMs: 0 };
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  async close(): Promise<void> {
    this.#windows.clear();
  }

  /** Open windows held (tests). */
  size(): number {
    return this.#windows.size;
  }

  #sweep(now: number): void {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const [key, window] of this.#windows) if (window.endsAt <= now) this.#windows.delete(key);
  }

  #forgetOldest(): void {
    const first = this.#windows.keys().next();
    if (first.done === true) return;
    this.#windows.delete(first.value);
  }
}
