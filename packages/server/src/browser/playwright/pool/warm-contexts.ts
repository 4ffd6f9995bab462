import { errorMessage } from '../../../util/abort.ts';
import type { ChromiumInstance, PoolLogger, ReadyContext } from './chromium-fleet.ts';

/** Where warm contexts come from: the isolation strategy. */
export interface WarmSource {
  /** The next warm unit and the browser it is made in (undefined: a browser being launched for it), or undefined when none can be made now. */
  begin(): { in: ChromiumInstance | undefined; ready: Promise<ReadyContext> } | undefined;
  /** Whether `ready` may be handed to any new session now. */
  usable(ready: ReadyContext): boolean;
  /** Closes a unit nobody will use. */
  discard(ready: ReadyContext): Promise<void>;
}

export interface WarmContextsOptions {
  /** Ready contexts kept at all times. */
  base: number;
  /** The most kept while demand is high (the base where warm units are whole browsers). */
  max: number;
  /** How far back acquires count as demand. */
  demandWindowMs: number;
  /** Free places under the pool's cap: warming never takes more. */
  room: () => number;
  /** Keeps `close()` of the pool waiting for work in flight. */
  track: <T>(promise: Promise<T>) => Promise<T>;
  counters: { warmHits: number };
  logger: PoolLogger;
}

/**
 * Contexts (or, in dedicated isolation, whole browsers) made before anyone asks, so an acquire
 * does not wait for Chromium: as many as were acquired in the last `demandWindowMs`, never fewer
 * than `base` nor more than `max`, refilled in the background after each acquire; when demand
 * falls, the surplus is closed (each holds ~20 MB). An acquire finding none waits for one being
 * made rather than start another that would compete with it for the same CPU.
 */
export class WarmContexts {
  private readonly ready: ReadyContext[] = [];
  /** Units being made, by the browser they are made in (undefined: a dedicated browser being launched). */
  private readonly warmingIn = new Map<symbol, ChromiumInstance | undefined>();
  /** Acquires waiting for a unit already being made (first come, first served). */
  private readonly waiters: Array<(ready: ReadyContext | undefined) => void> = [];
  /** When recent acquires happened, oldest first: the demand the pool sizes itself to. */
  private readonly recentAcquires: number[] = [];
  private readonly demandTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly options: WarmContextsOptions,
    private readonly source: WarmSource,
  ) {
    this.demandTimer =
      options.max > options.base
        ? setInterval(() => {
            const target = this.target();
            while (!this.closed && this.ready.length > target) void this.source.discard(this.ready.pop()!);
          }, Math.min(2_000, options.demandWindowMs)).unref()
        : undefined;
  }

  get size(): number {
    return this.ready.length;
  }

  /** Ready units the pool aims to hold now. */
  target(): number {
    const since = performance.now() - this.options.demandWindowMs;
    while (this.recentAcquires.length > 0 && this.recentAcquires[0]! < since) this.recentAcquires.shift();
    return Math.min(this.options.max, Math.max(this.options.base, this.recentAcquires.length));
  }

  /** An acquire happened: demand. */
  noteAcquire(): void {
    this.recentAcquires.push(performance.now());
  }

  refill(): void {
    if (this.closed) return;
    const target = Math.min(this.target(), this.options.room());
    while (this.ready.length + this.warmingIn.size < target) {
      const started = this.source.begin();
      if (started === undefined) return;
      const ticket = Symbol('warming');
      this.warmingIn.set(ticket, started.in);
      let handedToWaiter = false;
      void this.options.track(
        started.ready
          .then(async (ready) => {
            const usable = !this.closed && this.source.usable(ready);
            const waiter = usable ? this.waiters.shift() : undefined;
            handedToWaiter = waiter !== undefined;
            if (waiter) waiter(ready);
            else if (!usable || this.ready.length >= this.target()) await this.source.discard(ready);
            else this.ready.push(ready);
          })
          .catch((error: unknown) => {
            this.waiters.shift()?.(undefined);
            if (!this.closed) this.options.logger.warn({ err: errorMessage(error) }, 'could not create a warm context');
          })
          .finally(() => {
            this.warmingIn.delete(ticket);
            // One a waiting acquire took never reached the pool: start its replacement (a failed
            // creation does not retry here, or a broken browser would spin).
            if (handedToWaiter) this.refill();
          }),
      );
    }
  }

  /** A ready unit, one being made if any can still arrive, or undefined (the caller makes one). */
  async take(): Promise<ReadyContext | undefined> {
    while (this.ready.length > 0) {
      const candidate = this.ready.shift()!;
      if (this.source.usable(candidate)) {
        this.options.counters.warmHits++;
        return candidate;
      }
      await this.source.discard(candidate);
    }
    // A context already being warmed arrives sooner than a new one started now, and starting
    // another would only make the two compete for the same CPU.
    if (this.warmingAlive() > this.waiters.length) {
      const handed = await new Promise<ReadyContext | undefined>((resolve) => this.waiters.push(resolve));
      if (handed !== undefined && this.source.usable(handed)) {
        this.options.counters.warmHits++;
        return handed;
      }
      if (handed !== undefined) await this.source.discard(handed);
    }
    return undefined;
  }

  /** Closes the ready contexts `match` picks (those of a browser that stopped serving). */
  discardWhere(match: (ready: ReadyContext) => boolean): void {
    for (let i = this.ready.length - 1; i >= 0; i--) {
      const entry = this.ready[i]!;
      if (!match(entry)) continue;
      this.ready.splice(i, 1);
      void entry.context.close().catch(() => undefined);
    }
  }

  /** Acquires waiting for a unit of a browser that died make one elsewhere instead. */
  wakeAllWaiters(): void {
    for (const wake of this.waiters.splice(0)) wake(undefined);
  }

  /** Stops refilling and wakes every waiter; `closeReady()` then closes what is left. */
  stop(): void {
    this.closed = true;
    if (this.demandTimer !== undefined) clearInterval(this.demandTimer);
    this.wakeAllWaiters();
  }

  async closeReady(): Promise<void> {
    await Promise.allSettled(this.ready.splice(0).map((ready) => ready.context.close()));
  }

  /** Units being made that can still arrive: not those of a browser that has gone. */
  private warmingAlive(): number {
    return [...this.warmingIn.values()].filter((instance) => instance === undefined || !instance.closing).length;
  }
}
