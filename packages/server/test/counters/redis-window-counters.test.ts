import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisWindowCounters } from '../../src/redis/index.ts';
import { startRedisProcess, type RedisProcess } from '../../../../scripts/redis-process.ts';
import { runWindowCountersContract } from './window-counters-contract.ts';

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedisProcess();
});
afterAll(async () => {
  await redis?.close();
});

const fresh = async (prefix = `test:${randomUUID()}:`): Promise<RedisWindowCounters> => {
  const counters = new RedisWindowCounters({ url: redis.url, keyPrefix: prefix });
  await counters.ready();
  return counters;
};

runWindowCountersContract('RedisWindowCounters', () => fresh());

describe('RedisWindowCounters', () => {
  it('shares one count between two nodes (two connections): concurrent hits get 1..N once each', async () => {
    const prefix = `test:${randomUUID()}:`;
    const [a, b] = [await fresh(prefix), await fresh(prefix)];
    try {
      const hits = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).hit('key:shared', 60_000)));
      expect(hits.map((h) => h.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect((await a.peek('key:shared')).count).toBe(40);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('rejects when Redis is gone (the caller decides), instead of waiting for it', async () => {
    const own = await startRedisProcess();
    const counters = new RedisWindowCounters({ url: own.url });
    await counters.ready();
    expect((await counters.hit('k', 60_000)).count).toBe(1);
    own.kill();
    await expect.poll(() => counters.hit('k', 60_000).then(() => 'answered', () => 'rejected'), { timeout: 10_000 }).toBe('rejected');
    await counters.close();
    await own.close();
  });

  it('says why at start when nothing listens', async () => {
    const counters = new RedisWindowCounters({ url: 'redis://127.0.0.1:1' });
    await expect(counters.ready(2_000)).rejects.toThrow(/ECONNREFUSED|did not answer/);
    await counters.close();
  });
});
