import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisEventBus, type EventCodec } from '../../src/redis/index.ts';
import { startRedisProcess, type RedisProcess } from '../../../../scripts/redis-process.ts';
import { runEventBusContract, type ContractEvent } from './event-bus-contract.ts';

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedisProcess();
});
afterAll(async () => {
  await redis?.close();
});

const json: EventCodec<ContractEvent> = { encode: (event) => JSON.stringify(event), decode: (text) => JSON.parse(text) as ContractEvent };

runEventBusContract('RedisEventBus', () => {
  const bus = new RedisEventBus<ContractEvent>({ url: redis.url, codec: json, channelPrefix: `test:${randomUUID()}:` });
  return { bus, settle: () => bus.settle(), close: () => bus.close() };
});

describe('RedisEventBus across nodes', () => {
  it('delivers what one node publishes to another node\'s subscribers, in order, with the codec\'s types', async () => {
    interface Stamped {
      seq: number;
      at: Date;
    }
    const codec: EventCodec<Stamped> = {
      encode: (event) => JSON.stringify(event),
      decode: (text) => {
        const parsed = JSON.parse(text) as { seq: number; at: string };
        return { seq: parsed.seq, at: new Date(parsed.at) };
      },
    };
    const channelPrefix = `test:${randomUUID()}:`;
    const a = new RedisEventBus<Stamped>({ url: redis.url, codec, channelPrefix });
    const b = new RedisEventBus<Stamped>({ url: redis.url, codec, channelPrefix });
    try {
      const heard: Stamped[] = [];
      const subscription = b.subscribe('session-1', { onEvent: (event) => heard.push(event) });
      await subscription.ready;
      for (let seq = 1; seq <= 100; seq++) a.publish('session-1', { seq, at: new Date(Date.UTC(2026, 11, 4, 0, 0, seq)) });
      a.publish('session-2', { seq: 0, at: new Date() });
      await expect.poll(() => heard.length).toBe(100);
      expect(heard.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(heard[0]!.at).toBeInstanceOf(Date);
      expect(heard[99]!.at.toISOString()).toBe('2026-12-04T00:01:40.000Z');
      // Only the node with a subscriber holds the channel; the publisher counts none.
      expect(a.subscriberCount('session-1')).toBe(0);
      expect(b.subscriberCount('session-1')).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
