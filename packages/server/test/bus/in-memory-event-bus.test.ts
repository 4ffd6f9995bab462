import { describe, expect, it } from 'vitest';
import { InMemoryEventBus, type DroppableSubscriber } from '../../src/bus/memory/in-memory-event-bus.ts';
import type { Subscriber } from '../../src/bus/port.ts';
import { runEventBusContract, type ContractEvent } from './event-bus-contract.ts';

runEventBusContract('InMemoryEventBus', () => ({ bus: new InMemoryEventBus<ContractEvent>() }));

interface LogEntry {
  obj: Record<string, unknown>;
  msg: string;
}

function recordingLogger(): { entries: LogEntry[]; warn(obj: object, msg: string): void } {
  const entries: LogEntry[] = [];
  return {
    entries,
    warn(obj, msg) {
      entries.push({ obj: obj as Record<string, unknown>, msg });
    },
  };
}

function collect(into: number[]): Subscriber<number> {
  return { onEvent: (e) => into.push(e) };
}

describe('InMemoryEventBus', () => {
  it('delivers synchronously, before publish returns', () => {
    const bus = new InMemoryEventBus<number>();
    const got: number[] = [];
    bus.subscribe('s', collect(got));
    bus.publish('s', 1);
    expect(got).toEqual([1]);
  });

  it('logs a dropped subscriber with its error and calls its onDrop', () => {
    const logger = recordingLogger();
    const bus = new InMemoryEventBus<number>({ logger });
    const failure = new Error('boom');
    const drops: unknown[] = [];
    const faulty: DroppableSubscriber<number> = {
      onEvent() {
        throw failure;
      },
      onDrop(reason) {
        drops.push(reason);
      },
    };
    bus.subscribe('s', faulty);
    bus.publish('s', 1);
    bus.publish('s', 2);
    expect(drops).toEqual([failure]);
    expect(logger.entries).toEqual([{ obj: { sessionId: 's', err: failure }, msg: 'event_subscriber_dropped' }]);
    expect(bus.subscriberCount('s')).toBe(0);
  });

  it('survives a logger and an onDrop that throw', () => {
    const bus = new InMemoryEventBus<number>({
      logger: {
        warn() {
          throw new Error('logger down');
        },
      },
    });
    const got: number[] = [];
    const faulty: DroppableSubscriber<number> = {
      onEvent() {
        throw new Error('boom');
      },
      onDrop() {
        throw new Error('onDrop broke too');
      },
    };
    bus.subscribe('s', faulty);
    bus.subscribe('s', collect(got));
    expect(() => bus.publish('s', 1)).not.toThrow();
    expect(got).toEqual([1]);
    expect(bus.subscriberCount('s')).toBe(1);
  });

  it('works without a logger', () => {
    const bus = new InMemoryEventBus<number>();
    bus.subscribe('s', {
      onEvent() {
        throw new Error('boom');
      },
    });
    expect(() => bus.publish('s', 1)).not.toThrow();
    expect(bus.subscriberCount('s')).toBe(0);
  });

  it('keeps no entry for a session whose subscribers all left or were dropped', () => {
    const bus = new InMemoryEventBus<number>();
    const subs = [1, 2, 3].map(() => bus.subscribe('a', collect([])));
    bus.subscribe('b', {
      onEvent() {
        throw new Error('boom');
      },
    });
    expect(bus.activeSessionCount()).toBe(2);
    for (const s of subs) s.unsubscribe();
    bus.publish('b', 1);
    expect(bus.activeSessionCount()).toBe(0);
    // Unsubscribing again must not resurrect or corrupt anything.
    for (const s of subs) s.unsubscribe();
    expect(bus.activeSessionCount()).toBe(0);
    expect(bus.subscriberCount('a')).toBe(0);
  });

  it('treats each subscribe call as its own subscription, even for the same subscriber', () => {
    const bus = new InMemoryEventBus<number>();
    const got: number[] = [];
    const subscriber = collect(got);
    const first = bus.subscribe('s', subscriber);
    bus.subscribe('s', subscriber);
    expect(bus.subscriberCount('s')).toBe(2);
    bus.publish('s', 1);
    first.unsubscribe();
    bus.publish('s', 2);
    expect(got).toEqual([1, 1, 2]);
  });

  it('skips a subscriber unsubscribed by an earlier one during the same fan-out', () => {
    const bus = new InMemoryEventBus<number>();
    const late: number[] = [];
    let lateSub: { unsubscribe(): void } | undefined;
    bus.subscribe('s', { onEvent: () => lateSub?.unsubscribe() });
    lateSub = bus.subscribe('s', collect(late));
    bus.publish('s', 1);
    expect(late).toEqual([]);
    expect(bus.subscriberCount('s')).toBe(1);
  });

  it('does not deliver the current event to a subscriber added during its fan-out', () => {
    const bus = new InMemoryEventBus<number>();
    const added: number[] = [];
    let once = true;
    bus.subscribe('s', {
      onEvent: () => {
        if (once) {
          once = false;
          bus.subscribe('s', collect(added));
        }
      },
    });
    bus.publish('s', 1);
    bus.publish('s', 2);
    expect(added).toEqual([2]);
  });

  it('lets a subscriber unsubscribe itself while handling an event', () => {
    const bus = new InMemoryEventBus<number>();
    const got: number[] = [];
    const self: { sub?: { unsubscribe(): void } } = {};
    self.sub = bus.subscribe('s', {
      onEvent: (e) => {
        got.push(e);
        self.sub?.unsubscribe();
      },
    });
    const other: number[] = [];
    bus.subscribe('s', collect(other));
    bus.publish('s', 1);
    bus.publish('s', 2);
    expect(got).toEqual([1]);
    expect(other).toEqual([1, 2]);
  });

  it('fans one event out to 200 subscribers of one session', () => {
    const bus = new InMemoryEventBus<number>();
    const counts = new Array<number>(200).fill(0);
    counts.forEach((_, i) => bus.subscribe('s', { onEvent: () => (counts[i] = (counts[i] ?? 0) + 1) }));
    bus.publish('s', 1);
    expect(counts.every((c) => c === 1)).toBe(true);
  });
});
