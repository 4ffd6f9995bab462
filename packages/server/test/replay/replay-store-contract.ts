import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewReplayFrame, ReplayLimits, ReplayStore } from '../../src/replay/index.ts';

export const SESSION = '0b5e3c1a-7d2f-4c4e-9a51-3f0c2d7e8b11';
export const OTHER = '5f1d2a3b-0c4e-4d6f-8a7b-9c0d1e2f3a4b';

/** The caps every run of the contract uses: 3 frames or 1,000 bytes, whichever comes first. */
export const CONTRACT_LIMITS: ReplayLimits = { maxSteps: 3, maxBytes: 1000 };

/** A frame of `bytes` bytes (a JPEG's first three, then a fill that tells frames apart). */
export function frameOf(taskStep: number, bytes: number, extra: Partial<NewReplayFrame> = {}): NewReplayFrame {
  const jpeg = Buffer.alloc(bytes, taskStep % 256);
  jpeg.set([0xff, 0xd8, 0xff].slice(0, bytes));
  return { taskId: 7, taskStep, url: `http://shop.test/${taskStep}`, title: `Page ${taskStep}`, takenAt: new Date(Date.UTC(2026, 0, 1, 0, 0, taskStep)), jpeg, ...extra };
}

/**
 * The behaviour every `ReplayStore` adapter must show (the contract in `src/replay/port.ts`).
 * `make` returns a fresh, empty store with `CONTRACT_LIMITS`; `cleanup` removes what it left.
 */
export function runReplayStoreContract(name: string, make: () => ReplayStore | Promise<ReplayStore>, cleanup: () => void | Promise<void> = () => undefined): void {
  describe(`ReplayStore contract: ${name}`, () => {
    let store: ReplayStore;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await cleanup();
    });

    it('numbers frames 1, 2, 3 in the order they were appended, and gives back each one whole', async () => {
      const kept = [await store.append(SESSION, frameOf(1, 100)), await store.append(SESSION, frameOf(2, 120, { taskId: 9 }))];
      expect(kept.map((f) => f?.step)).toEqual([1, 2]);
      expect(kept[1]).toEqual({ step: 2, taskId: 9, taskStep: 2, url: 'http://shop.test/2', title: 'Page 2', takenAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 2)), bytes: 120 });
      expect(await store.list(SESSION)).toEqual(kept);
      const read = await store.read(SESSION, 2);
      expect(read?.frame).toEqual(kept[1]);
      expect(read?.jpeg.equals(frameOf(2, 120).jpeg)).toBe(true);
      expect(store.limits).toEqual(CONTRACT_LIMITS);
    });

    it('keeps sessions apart and answers undefined for a step it does not keep', async () => {
      await store.append(SESSION, frameOf(1, 100));
      expect(await store.list(OTHER)).toEqual([]);
      expect(await store.read(OTHER, 1)).toBeUndefined();
      expect(await store.read(SESSION, 2)).toBeUndefined();
    });

    it('past the step cap drops the oldest frames, and never gives a number twice', async () => {
      for (let step = 1; step <= 5; step++) await store.append(SESSION, frameOf(step, 50));
      expect((await store.list(SESSION)).map((f) => [f.step, f.taskStep])).toEqual([
        [3, 3],
        [4, 4],
        [5, 5],
      ]);
      expect(await store.read(SESSION, 1)).toBeUndefined();
      expect((await store.read(SESSION, 5))?.jpeg.length).toBe(50);
    });

    it('past the byte cap drops the oldest frames until the new one fits, and refuses one larger than the cap', async () => {
      await store.append(SESSION, frameOf(1, 400));
      await store.append(SESSION, frameOf(2, 400));
      // 400 + 400 + 300 > 1000: the first goes.
      await store.append(SESSION, frameOf(3, 300));
      expect((await store.list(SESSION)).map((f) => f.step)).toEqual([2, 3]);
      expect(await store.append(SESSION, frameOf(4, 1001))).toBeUndefined();
      expect((await store.list(SESSION)).map((f) => f.step)).toEqual([2, 3]);
      // A frame of exactly the cap takes the whole room.
      expect((await store.append(SESSION, frameOf(5, 1000)))?.step).toBe(4);
      expect((await store.list(SESSION)).map((f) => [f.step, f.bytes])).toEqual([[4, 1000]]);
    });

    it('holds the caps and the order under concurrent appends', async () => {
      const kept = await Promise.all([1, 2, 3, 4, 5, 6].map((step) => store.append(SESSION, frameOf(step, 300))));
      expect(kept.map((f) => f?.step)).toEqual([1, 2, 3, 4, 5, 6]);
      const listed = await store.list(SESSION);
      expect(listed.map((f) => f.taskStep)).toEqual([4, 5, 6]);
      expect(listed.reduce((sum, f) => sum + f.bytes, 0)).toBeLessThanOrEqual(CONTRACT_LIMITS.maxBytes);
    });

    it('deletes every frame of a session, idempotently, and only of that session', async () => {
      await store.append(SESSION, frameOf(1, 100));
      await store.append(OTHER, frameOf(1, 100));
      await store.deleteAll(SESSION);
      await store.deleteAll(SESSION);
      expect(await store.list(SESSION)).toEqual([]);
      expect(await store.read(SESSION, 1)).toBeUndefined();
      expect(await store.list(OTHER)).toHaveLength(1);
    });

    it('refuses what is not a session id', async () => {
      await expect(store.append('../etc', frameOf(1, 10))).rejects.toThrow(/Not a session id/);
      await expect(store.list('a/b')).rejects.toThrow(/Not a session id/);
    });
  });
}
