import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WindowCounters } from '../../src/counters/index.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour every `WindowCounters` adapter must show (the contract in
 * `src/counters/window-counters.ts`). Real time, short windows: a networked store cannot be
 * given a fake clock, so the waits have generous margins instead. `make` returns fresh, empty
 * counters (a Redis adapter: a fresh key prefix); the suite closes them after each test.
 */
export function runWindowCountersContract(name: string, make: () => WindowCounters | Promise<WindowCounters>): void {
  describe(`WindowCounters contract: ${name}`, () => {
    let counters: WindowCounters;
    beforeEach(async () => {
      counters = await make();
    });
    afterEach(async () => {
      await counters.close();
    });

    it('counts hits from 1 within a window and says when the window ends', async () => {
      const first = await counters.hit('k', 10_000);
      expect(first.count).toBe(1);
      expect(first.resetInMs).toBeGreaterThan(9_000);
      expect(first.resetInMs).toBeLessThanOrEqual(10_000);
      expect((await counters.hit('k', 10_000)).count).toBe(2);
      expect((await counters.hit('k', 10_000)).count).toBe(3);
    });

    it('keeps keys apart', async () => {
      await counters.hit('a', 10_000);
      await counters.hit('a', 10_000);
      expect((await counters.hit('b', 10_000)).count).toBe(1);
      expect((await counters.peek('a')).count).toBe(2);
    });

    it('peeks without counting and without opening a window', async () => {
      expect(await counters.peek('k')).toEqual({ count: 0, resetInMs: 0 });
      expect((await counters.hit('k', 10_000)).count).toBe(1);
      const peeked = await counters.peek('k');
      expect(peeked.count).toBe(1);
      expect(peeked.resetInMs).toBeGreaterThan(0);
      expect(peeked.resetInMs).toBeLessThanOrEqual(10_000);
      expect((await counters.peek('k')).count).toBe(1);
      expect((await counters.hit('k', 10_000)).count).toBe(2);
    });

    it('gives concurrent hits on one key the counts 1..N, each once', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => counters.hit('k', 10_000)));
      expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('uses fixed windows: hits do not move the end, and the hit after it starts again at 1', async () => {
      const windowMs = 1_000;
      const started = Date.now();
      await counters.hit('k', windowMs);
      await sleep(400);
      const second = await counters.hit('k', windowMs);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(windowMs);
      expect(second.count).toBe(2);
      // A sliding window would report ~windowMs again here.
      expect(second.resetInMs).toBeLessThanOrEqual(windowMs - elapsed + 50);
      await sleep(second.resetInMs + 50);
      expect(await counters.peek('k')).toEqual({ count: 0, resetInMs: 0 });
      const reopened = await counters.hit('k', windowMs);
      expect(reopened.count).toBe(1);
      expect(reopened.resetInMs).toBeGreaterThan(windowMs - 200);
    });

    it('keeps each key to the window length it opened with', async () => {
      await counters.hit('short', 100);
      await counters.hit('long', 10_000);
      await sleep(200);
      expect((await counters.hit('short', 100)).count).toBe(1);
      expect((await counters.hit('long', 10_000)).count).toBe(2);
    });
  });
}
