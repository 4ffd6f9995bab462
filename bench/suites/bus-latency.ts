import { InMemoryEventBus } from '../../packages/server/src/bus/memory/in-memory-event-bus.ts';
import type { EventBus } from '../../packages/server/src/bus/port.ts';
import { InMemoryWindowCounters } from '../../packages/server/src/counters/memory/in-memory-window-counters.ts';
import type { WindowCounters } from '../../packages/server/src/counters/index.ts';
import { RedisEventBus, RedisWindowCounters } from '../../packages/server/src/redis/index.ts';
import { startRedisProcess } from '../../scripts/redis-process.ts';
import { summarize, type LatencySummary } from '../stats.ts';

export interface BusSuiteOptions {
  /** Events published one after another, `intervalMs` apart. */
  events: number;
  intervalMs: number;
  /** Subscribers of the session on the receiving node. */
  subscribers: number;
  /** Rate-limit hits timed one after another. */
  hits: number;
  signal?: AbortSignal | undefined;
}

interface Timed {
  seq: number;
  sentAt: number;
}

export interface BusSuiteResult {
  /** Publish → every subscriber's onEvent, per event (the slowest subscriber), in ms. */
  event_latency_ms: { embedded: LatencySummary; redis_across_nodes: LatencySummary };
  /** One rate-limit hit, awaited, in ms. */
  rate_limit_hit_ms: { embedded: LatencySummary; redis: LatencySummary };
  all_events_delivered: boolean;
  note: string;
}

/**
 * What cluster mode adds on the event and counter paths: the same events through the in-process
 * bus and through Redis pub/sub from one node's bus to another's (two connections each, a
 * redis-server of the bench's own on loopback), and rate-limit hits in memory and in Redis.
 * SSE latency through Redis is the embedded SSE latency plus this difference.
 */
export async function runBusSuite(options: BusSuiteOptions): Promise<BusSuiteResult> {
  const redis = await startRedisProcess();
  try {
    const embedded = new InMemoryEventBus<Timed>();
    const codec = { encode: (event: Timed) => JSON.stringify(event), decode: (text: string) => JSON.parse(text) as Timed };
    const publisher = new RedisEventBus<Timed>({ url: redis.url, codec });
    const receiver = new RedisEventBus<Timed>({ url: redis.url, codec });
    try {
      const embeddedRun = await timeEvents(embedded, embedded, options);
      const redisRun = await timeEvents(publisher, receiver, options, () => receiver.settle());
      const memoryCounters = new InMemoryWindowCounters();
      const redisCounters = new RedisWindowCounters({ url: redis.url });
      await redisCounters.ready();
      try {
        return {
          event_latency_ms: { embedded: embeddedRun.latency, redis_across_nodes: redisRun.latency },
          rate_limit_hit_ms: { embedded: await timeHits(memoryCounters, options), redis: await timeHits(redisCounters, options) },
          all_events_delivered: embeddedRun.complete && redisRun.complete,
          note: `${options.events} events ${options.intervalMs} ms apart to ${options.subscribers} subscribers; redis-server ${redis.port} on loopback, no persistence`,
        };
      } finally {
        await memoryCounters.close();
        await redisCounters.close();
      }
    } finally {
      await publisher.close();
      await receiver.close();
    }
  } finally {
    await redis.close();
  }
}

async function timeEvents(from: EventBus<Timed>, to: EventBus<Timed>, options: BusSuiteOptions, ready?: () => Promise<void>): Promise<{ latency: LatencySummary; complete: boolean }> {
  const received = new Map<number, number>();
  const arrivals = new Map<number, number>();
  const subscriptions = Array.from({ length: options.subscribers }, () =>
    to.subscribe('bench-session', {
      onEvent: (event) => {
        const count = (arrivals.get(event.seq) ?? 0) + 1;
        arrivals.set(event.seq, count);
        if (count === options.subscribers) received.set(event.seq, performance.now() - event.sentAt);
      },
    }),
  );
  await ready?.();
  for (let seq = 1; seq <= options.events; seq++) {
    options.signal?.throwIfAborted();
    from.publish('bench-session', { seq, sentAt: performance.now() });
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  const deadline = Date.now() + 5_000;
  while (received.size < options.events && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  for (const subscription of subscriptions) subscription.unsubscribe();
  return { latency: summarize([...received.values()]), complete: received.size === options.events };
}

async function timeHits(counters: WindowCounters, options: BusSuiteOptions): Promise<LatencySummary> {
  const samples: number[] = [];
  for (let i = 0; i < options.hits; i++) {
    const started = performance.now();
    await counters.hit(`bench:${i % 50}`, 60_000);
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}
