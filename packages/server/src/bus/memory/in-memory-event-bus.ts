import type { EventBus, Subscriber, Subscription } from '../port.ts';

/** The part of a pino logger the bus uses. */
export interface EventBusLogger {
  warn(obj: object, msg: string): void;
}

/**
 * A subscriber that wants to know when the bus drops it (port.ts: "its `onDrop` is called").
 * The port's `Subscriber` has no such member yet, so the bus looks for it structurally.
 */
export interface DroppableSubscriber<E> extends Subscriber<E> {
  onDrop?(reason: unknown): void;
}

export interface InMemoryEventBusOptions {
  logger?: EventBusLogger | undefined;
}

interface Entry<E> {
  readonly subscriber: DroppableSubscriber<E>;
  active: boolean;
}

/**
 * In-process bus for the embedded mode: synchronous fan-out per session id.
 *
 * Each session's subscribers live in a copy-on-write array, so `publish` walks a stable list
 * without allocating, and a subscribe/unsubscribe made by a subscriber during fan-out takes
 * effect from the next event (an entry removed mid-fan-out is skipped through its `active` flag).
 */
export class InMemoryEventBus<E> implements EventBus<E> {
  readonly #sessions = new Map<string, Entry<E>[]>();
  readonly #logger: EventBusLogger | undefined;

  constructor(options: InMemoryEventBusOptions = {}) {
    this.#logger = options.logger;
  }

  publish(sessionId: string, event: E): void {
    const entries = this.#sessions.get(sessionId);
    if (entries === undefined) return;
    for (const entry of entries) {
      if (!entry.active) continue;
      try {
        entry.subscriber.onEvent(event);
      } catch (error) {
        this.#drop(sessionId, entry, error);
      }
    }
  }

  subscribe(sessionId: string, subscriber: Subscriber<E>): Subscription {
    const entry: Entry<E> = { subscriber, active: true };
    const current = this.#sessions.get(sessionId);
    this.#sessions.set(sessionId, current === undefined ? [entry] : [...current, entry]);
    return {
      unsubscribe: () => {
        this.#remove(sessionId, entry);
      },
    };
  }

  subscriberCount(sessionId: string): number {
    return this.#sessions.get(sessionId)?.length ?? 0;
  }

  /** Sessions that have at least one subscriber (metrics; proves empty sessions are not kept). */
  activeSessionCount(): number {
    return this.#sessions.size;
  }

  #remove(sessionId: string, entry: Entry<E>): boolean {
    if (!entry.active) return false;
    entry.active = false;
    const current = this.#sessions.get(sessionId);
    if (current === undefined) return false;
    const rest = current.filter((e) => e !== entry);
    if (rest.length === 0) this.#sessions.delete(sessionId);
    else this.#sessions.set(sessionId, rest);
    return true;
  }

  #drop(sessionId: string, entry: Entry<E>, error: unknown): void {
    if (!this.#remove(sessionId, entry)) return;
    try {
      this.#logger?.warn({ sessionId, err: error }, 'event_subscriber_dropped');
    } catch {
      // A failing logger must not make publish throw.
    }
    try {
      entry.subscriber.onDrop?.(error);
    } catch {
      // onDrop is a courtesy notification; its failure changes nothing.
    }
  }
}
