import { describe, expect, it } from 'vitest';
import { InMemoryWindowCounters } from '../../src/counters/memory/in-memory-window-counters.ts';
import { runWindowCountersContract } from './window-counters-contract.ts';

runWindowCountersContract('InMemoryWindowCounters', () => new InMemoryWindowCounters());

describe('InMemoryWindowCounters', () => {
  it('forgets ended windows, so memory holds only the keys of the last window', async () => {
    let now = 0;
    const counters = new InMemoryWindowCounters({ now: () => now });
    for (let i = 0; i < 1_000; i++) await counters.hit(`ip:${i}`, 60_000);
    expect(counters.size()).toBe(1_000);
    now = 60_000;
    await counters.hit('ip:fresh', 60_000);
    expect(counters.size()).toBe(1);
  });

  it('holds at most maxKeys windows, forgetting the one that ends soonest', async () => {
    let now = 0;
    const counters = new InMemoryWindowCounters({ maxKeys: 3, now: () => now });
    for (const key of ['a', 'b', 'c']) {
      await counters.hit(key, 60_000);
      now += 1;
    }
    // A hit does not move a window's end: `a` still ends first.
    await counters.hit('a', 60_000);
    await counters.hit('d', 60_000);
    expect(counters.size()).toBe(3);
    expect((await counters.peek('a')).count).toBe(0);
    expect((await counters.peek('b')).count).toBe(1);
    expect((await counters.peek('d')).count).toBe(1);
  });
});
