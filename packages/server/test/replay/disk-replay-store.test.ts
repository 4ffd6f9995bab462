import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskReplayStore } from '../../src/replay/disk/disk-replay-store.ts';
import { CONTRACT_LIMITS, frameOf, runReplayStoreContract, SESSION } from './replay-store-contract.ts';

let root: string | undefined;
const freshRoot = (): string => (root = mkdtempSync(join(tmpdir(), 'steward-replay-')));
const removeRoot = (): void => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
  root = undefined;
};

runReplayStoreContract('disk', () => new DiskReplayStore({ root: join(freshRoot(), 'replay'), ...CONTRACT_LIMITS }), removeRoot);

describe('DiskReplayStore on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(freshRoot(), 'replay');
  });
  afterEach(removeRoot);
  const store = (): DiskReplayStore => new DiskReplayStore({ root: dir, ...CONTRACT_LIMITS });
  /** Every entry below the store's root, hidden ones included. */
  const onDisk = (): string[] => readdirSync(dir, { recursive: true }).map(String).sort();

  it('keeps each frame as <session>/<step>.jpg and .json, folders 0700 and files 0600', async () => {
    await store().append(SESSION, frameOf(1, 100));
    expect(onDisk()).toEqual([SESSION, `${SESSION}/1.jpg`, `${SESSION}/1.json`]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, SESSION)).mode & 0o777).toBe(0o700);
    for (const name of ['1.jpg', '1.json']) expect(statSync(join(dir, SESSION, name)).mode & 0o777).toBe(0o600);
  });

  it('a new store over the same folder (a restart) finds the frames and goes on numbering after them', async () => {
    const first = store();
    for (let step = 1; step <= 4; step++) await first.append(SESSION, frameOf(step, 100));
    const second = store();
    expect((await second.list(SESSION)).map((f) => [f.step, f.url])).toEqual([
      [2, 'http://shop.test/2'],
      [3, 'http://shop.test/3'],
      [4, 'http://shop.test/4'],
    ]);
    expect((await second.read(SESSION, 4))?.jpeg.equals(frameOf(4, 100).jpeg)).toBe(true);
    expect((await second.append(SESSION, frameOf(5, 100)))?.step).toBe(5);
    expect((await second.list(SESSION)).map((f) => f.step)).toEqual([3, 4, 5]);
  });

  it('on first use drops what a killed process left: temporary files, a JPEG without its .json, a damaged .json', async () => {
    const first = store();
    await first.append(SESSION, frameOf(1, 100));
    await first.append(SESSION, frameOf(2, 100));
    const session = join(dir, SESSION);
    writeFileSync(join(session, '.part-1234'), 'half a frame');
    writeFileSync(join(session, '3.jpg'), frameOf(3, 100).jpeg);
    writeFileSync(join(session, '2.json'), '{"step": 2, "url": ');
    const second = store();
    expect((await second.list(SESSION)).map((f) => f.step)).toEqual([1]);
    expect(onDisk()).toEqual([SESSION, `${SESSION}/1.jpg`, `${SESSION}/1.json`]);
    // Numbers go on after the newest complete frame.
    expect((await second.append(SESSION, frameOf(4, 100)))?.step).toBe(2);
  });

  it('deleteAll removes the session folder', async () => {
    const s = store();
    await s.append(SESSION, frameOf(1, 100));
    await s.deleteAll(SESSION);
    expect(onDisk()).toEqual([]);
  });

  it('refuses caps that keep nothing: replay is off by leaving the store out', () => {
    expect(() => new DiskReplayStore({ root: dir, maxSteps: 0, maxBytes: 1000 })).toThrow(/at least one step/);
  });
});
