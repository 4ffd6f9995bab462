import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { WindowCounters } from '../counters/index.ts';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * `@fastify/rate-limit`'s store protocol over the `WindowCounters` port: the plugin does the
 * quota arithmetic, the counters live wherever the composition root put them (in this process
 * today, a shared store for a cluster).
 */
export function windowCountersStore(counters: WindowCounters, onError: (error: Error) => void = () => {}): FastifyRateLimitStoreCtor {
  const failed = (callback: Callback) => (error: unknown) => {
    const cause = error instanceof Error ? error : new Error(String(error));
    onError(cause);
    callback(cause);
  };
  return class WindowCountersStore implements FastifyRateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number): void {
      counters.hit(key, timeWindow).then((window) => callback(null, { current: window.count, ttl: window.resetInMs }), failed(callback));
    }

    /** The plugin's `{ increment: false }`: the state without counting. */
    read(key: string, callback: Callback): void {
      counters.peek(key).then((window) => callback(null, { current: window.count, ttl: window.resetInMs }), failed(callback));
    }

    // One store for every quota: each quota's keys carry its name as a prefix.
    child(): FastifyRateLimitStore {
      return this;
    }
  };
}
