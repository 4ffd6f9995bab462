import { Redis } from 'ioredis';
import { InMemoryEventBus, type EventBusLogger } from '../bus/memory/in-memory-event-bus.ts';
import type { EventBus, Subscriber, Subscription } from '../bus/port.ts';

/** How events cross the wire: JSON-plain types need no more than JSON; others revive their dates. */
export interface EventCodec<E> {
  encode(event: E): string;
  decode(text: string): E;
}

export interface RedisEventBusOptions<E> {
  url: string;
  codec: EventCodec<E>;
  /** Put before every channel, so several deployments (or test runs) can share one Redis. */
  channelPrefix?: string;
  logger?: EventBusLogger | undefined;
}

/** A subscription that can say when it takes effect (the SUBSCRIBE reached Redis). */
export interface RedisSubscription extends Subscription {
  readonly ready: Promise<void>;
}

const SETTLE_CHANNEL = 'settle';

/**
 * Session events across processes on Redis pub/sub: every node publishes to the session's
 * channel and hears it on its own subscriber connection, then fans out to its local subscribers
 * with the in-process bus's rules (a subscriber that throws is dropped). One publisher
 * connection keeps each node's events in publish order; a channel is subscribed while the node
 * has a subscriber for that session. Publishing never blocks: a lost Redis loses the events
 * published meanwhile (clients resume from the store with Last-Event-ID) and is logged.
 */
export class RedisEventBus<E> implements EventBus<E> {
  readonly #local: InMemoryEventBus<E>;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #codec: EventCodec<E>;
  readonly #prefix: string;
  readonly #logger: EventBusLogger | undefined;
  /** Channel subscriptions in effect or on their way, by session. */
  readonly #channels = new Map<string, Promise<void>>();
  readonly #settlers = new Map<string, () => void>();
  #settleSeq = 0;
  readonly #settleChannel: Promise<void>;

  constructor(options: RedisEventBusOptions<E>) {
    this.#codec = options.codec;
    this.#prefix = options.channelPrefix ?? 'steward:events:';
    this.#logger = options.logger;
    this.#local = new InMemoryEventBus<E>({ logger: options.logger });
    const connection = { maxRetriesPerRequest: null, enableOfflineQueue: true } as const;
    this.#publisher = new Redis(options.url, connection);
    this.#subscriber = new Redis(options.url, connection);
    for (const redis of [this.#publisher, this.#subscriber]) redis.on('error', (error: Error) => this.#warn({ err: error }, 'redis_event_bus_connection_error'));
    this.#subscriber.on('message', (channel: string, text: string) => this.#deliver(channel, text));
    this.#settleChannel = this.#subscriber.subscribe(this.#prefix + SETTLE_CHANNEL).then(() => undefined);
    this.#settleChannel.catch((error: unknown) => this.#warn({ err: error }, 'redis_event_bus_subscribe_failed'));
  }

  publish(sessionId: string, event: E): void {
    let text: string;
    try {
      text = this.#codec.encode(event);
    } catch (error) {
      this.#warn({ sessionId, err: error }, 'redis_event_bus_encode_failed');
      return;
    }
    this.#publisher.publish(this.#prefix + sessionId, text).catch((error: unknown) => this.#warn({ sessionId, err: error }, 'redis_event_bus_publish_failed'));
  }

  subscribe(sessionId: string, subscriber: Subscriber<E>): RedisSubscription {
    const local = this.#local.subscribe(sessionId, subscriber);
    let ready = this.#channels.get(sessionId);
    if (ready === undefined) {
      ready = this.#subscriber.subscribe(this.#prefix + sessionId).then(() => undefined);
      ready.catch((error: unknown) => this.#warn({ sessionId, err: error }, 'redis_event_bus_subscribe_failed'));
      this.#channels.set(sessionId, ready);
    }
    return {
      ready,
      unsubscribe: () => {
        local.unsubscribe();
        if (this.#local.subscriberCount(sessionId) > 0 || !this.#channels.has(sessionId)) return;
        this.#channels.delete(sessionId);
        this.#subscriber.unsubscribe(this.#prefix + sessionId).catch((error: unknown) => this.#warn({ sessionId, err: error }, 'redis_event_bus_unsubscribe_failed'));
      },
    };
  }

  subscriberCount(sessionId: string): number {
    return this.#local.subscriberCount(sessionId);
  }

  /**
   * Resolves once everything this node published or subscribed so far has taken effect: a marker
   * published after them comes back on the subscriber connection, which Redis serves in order.
   */
  async settle(): Promise<void> {
    await Promise.all([this.#settleChannel, ...this.#channels.values()]);
    const marker = `${process.pid}:${++this.#settleSeq}`;
    const heard = new Promise<void>((resolve) => this.#settlers.set(marker, resolve));
    await this.#publisher.publish(this.#prefix + SETTLE_CHANNEL, marker);
    await heard;
  }

  async close(): Promise<void> {
    await Promise.all([this.#publisher.quit().catch(() => this.#publisher.disconnect()), this.#subscriber.quit().catch(() => this.#subscriber.disconnect())]);
  }

  #deliver(channel: string, text: string): void {
    if (!channel.startsWith(this.#prefix)) return;
    const sessionId = channel.slice(this.#prefix.length);
    if (sessionId === SETTLE_CHANNEL) {
      this.#settlers.get(text)?.();
      this.#settlers.delete(text);
      return;
    }
    let event: E;
    try {
      event = this.#codec.decode(text);
    } catch (error) {
      this.#warn({ sessionId, err: error }, 'redis_event_bus_decode_failed');
      return;
    }
    this.#local.publish(sessionId, event);
  }

  #warn(obj: object, msg: string): void {
    try {
      this.#logger?.warn(obj, msg);
    } catch {
      // A failing logger must not break delivery.
    }
  }
}
