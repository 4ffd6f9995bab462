import { Redis } from 'ioredis';
import type { WindowCount, WindowCounters } from '../counters/index.ts';

/**
 * One hit, atomically: INCR opens the key at 1, and the window's end is set only then (PEXPIRE
 * NX would do the same on Redis 7; the script works on every version Debian ships). Returns the
 * count and the milliseconds left, so a hit costs one round trip.
 */
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

interface CountingRedis extends Redis {
  stewardHit(key: string, windowMs: number): Promise<[number, number]>;
}

export interface RedisWindowCountersOptions {
  /** `redis://…` or `rediss://…`. */
  url: string;
  /** Put before every key, so several deployments (or test runs) can share one Redis. */
  keyPrefix?: string;
}

/**
 * Fixed-window counters in Redis, shared by every API node that points at it: rate limits and
 * quotas are then global across the cluster. Redis expires ended windows itself, so storage
 * holds only keys hit within their window. A lost connection rejects the calls (the caller
 * decides whether the request passes) and ioredis reconnects behind them.
 */
export class RedisWindowCounters implements WindowCounters {
  private readonly redis: CountingRedis;

  constructor(options: RedisWindowCountersOptions) {
    this.redis = new Redis(options.url, {
      keyPrefix: options.keyPrefix ?? 'steward:rate:',
      // A rate-limit check must not wait for a reconnection: fail the call, let the caller decide.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: false,
    }) as CountingRedis;
    this.redis.defineCommand('stewardHit', { numberOfKeys: 1, lua: HIT });
    // Without a listener ioredis prints every failed reconnection; the calls reject meanwhile.
    this.redis.on('error', () => {});
  }

  /** Resolves once connected (or rejects with why not), for a clear start-up error. */
  async ready(timeoutMs = 5_000): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
      const onReady = (): void => done();
      const onError = (error: Error): void => done(error);
      const done = (error?: Error): void => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        this.redis.off('error', onError);
        if (error) reject(error);
        else resolve();
      };
      this.redis.once('ready', onReady);
      this.redis.once('error', onError);
    });
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const [count, ttl] = await this.redis.stewardHit(key, Math.max(1, Math.ceil(windowMs)));
    return { count: Number(count), resetInMs: Math.max(0, Number(ttl)) };
  }

  async peek(key: string): Promise<WindowCount> {
    const [[, count], [, ttl]] = (await this.redis.multi().get(key).pttl(key).exec()) as [[unknown, string | null], [unknown, number]];
    if (count === null || ttl < 0) return { count: 0, resetInMs: 0 };
    return { count: Number(count), resetInMs: ttl };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
