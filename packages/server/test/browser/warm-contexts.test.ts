import { describe, expect, it } from 'vitest';
import type { ChromiumInstance, ReadyContext } from '../../src/browser/playwright/pool/chromium-fleet.ts';
import { WarmContexts, type WarmSource } from '../../src/browser/playwright/pool/warm-contexts.ts';

/** Units made on demand by the test: each `begin` waits until the test releases it. */
function scriptedSource() {
  const instance = { closing: false } as ChromiumInstance;
  const pending: Array<() => void> = [];
  const closed: ReadyContext[] = [];
  let made = 0;
  let canMake = true;
  const unusable = new Set<ReadyContext>();
  const source: WarmSource = {
    begin() {
      if (!canMake) return undefined;
      const ready = new Promise<ReadyContext>((resolve) => {
        pending.push(() => {
          made++;
          const unit = {
            context: { close: async () => void closed.push(unit) },
            page: {},
            instance,
            channel: undefined,
          } as unknown as ReadyContext;
          resolve(unit);
        });
      });
      return { in: instance, ready };
    },
    usable: (ready) => !unusable.has(ready) && !closed.includes(ready),
    discard: async (ready) => void closed.push(ready),
  };
  return {
    source,
    instance,
    closed,
    unusable,
    made: () => made,
    waiting: () => pending.length,
    stopMaking: () => void (canMake = false),
    /** Lets every unit begun so far arrive. */
    async release(): Promise<void> {
      for (const finish of pending.splice(0)) finish();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

function warmPool(source: WarmSource, overrides: Partial<ConstructorParameters<typeof WarmContexts>[0]> = {}) {
  const counters = { warmHits: 0 };
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const pool = new WarmContexts(
    { base: 2, max: 2, demandWindowMs: 10_000, room: () => 20, track: (p) => p, counters, logger: silent, ...overrides },
    source,
  );
  return { pool, counters };
}

describe('WarmContexts', () => {
  it('fills to its base and hands out ready units, counting hits', async () => {
    const made = scriptedSource();
    const { pool, counters } = warmPool(made.source);
    pool.refill();
    expect(made.waiting()).toBe(2);
    await made.release();
    expect(pool.size).toBe(2);
    expect(await pool.take()).toBeDefined();
    expect(counters.warmHits).toBe(1);
    pool.stop();
  });

  it('gives an acquire the unit already being made instead of starting another', async () => {
    const made = scriptedSource();
    const { pool, counters } = warmPool(made.source, { base: 1, max: 1 });
    pool.refill();
    const taking = pool.take();
    pool.refill();
    expect(made.waiting()).toBe(1);
    await made.release();
    const handed = await taking;
    expect(handed).toBeDefined();
    expect(counters.warmHits).toBe(1);
    expect(pool.size).toBe(0);
    // The one the waiter took never reached the pool: its replacement starts at once.
    expect(made.waiting()).toBe(1);
    pool.stop();
  });

  it('answers undefined when nothing is being made, so the caller makes one', async () => {
    const made = scriptedSource();
    made.stopMaking();
    const { pool } = warmPool(made.source);
    pool.refill();
    await expect(pool.take()).resolves.toBeUndefined();
    pool.stop();
  });

  it('discards a unit that may no longer be handed out (its browser was retired)', async () => {
    const made = scriptedSource();
    const { pool, counters } = warmPool(made.source, { base: 1, max: 1 });
    pool.refill();
    await made.release();
    expect(pool.size).toBe(1);
    const unit = (pool as unknown as { ready: ReadyContext[] }).ready[0]!;
    made.unusable.add(unit);
    made.stopMaking();
    await expect(pool.take()).resolves.toBeUndefined();
    expect(made.closed).toContain(unit);
    expect(counters.warmHits).toBe(0);
    pool.stop();
  });

  it('sizes itself to recent demand, up to max, within the room under the cap', async () => {
    const made = scriptedSource();
    let room = 20;
    const { pool } = warmPool(made.source, { base: 1, max: 4, room: () => room });
    for (let i = 0; i < 6; i++) pool.noteAcquire();
    expect(pool.target()).toBe(4);
    pool.refill();
    expect(made.waiting()).toBe(4);
    await made.release();
    room = 0;
    await pool.take();
    pool.refill();
    expect(made.waiting()).toBe(0);
    pool.stop();
  });

  it('forgets demand older than its window', async () => {
    const made = scriptedSource();
    const { pool } = warmPool(made.source, { base: 1, max: 4, demandWindowMs: 50 });
    for (let i = 0; i < 3; i++) pool.noteAcquire();
    expect(pool.target()).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(pool.target()).toBe(1);
    pool.stop();
  });

  it('wakes waiting acquires empty-handed when their browser dies', async () => {
    const made = scriptedSource();
    const { pool } = warmPool(made.source, { base: 1, max: 1 });
    pool.refill();
    const taking = pool.take();
    made.instance.closing = true;
    pool.wakeAllWaiters();
    await expect(taking).resolves.toBeUndefined();
    // A unit of a browser that went cannot arrive, so nobody waits for it.
    await expect(pool.take()).resolves.toBeUndefined();
    pool.stop();
  });
});
