import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBus, Subscriber } from '../../src/bus/port.ts';

/** A JSON-plain event, so adapters that serialize (Redis) can run the same suite. */
export interface ContractEvent {
  seq: number;
  text: string;
}

/**
 * What an adapter hands the suite. `settle` resolves once everything published or subscribed so
 * far has taken effect (a no-op for in-process buses, a round trip for networked ones).
 */
export interface EventBusUnderTest {
  bus: EventBus<ContractEvent>;
  settle?: (() => Promise<void>) | undefined;
  close?: (() => Promise<void>) | undefined;
}

export type MakeEventBus = () => EventBusUnderTest | Promise<EventBusUnderTest>;

class Recorder implements Subscriber<ContractEvent> {
  readonly events: ContractEvent[] = [];
  onEvent(event: ContractEvent): void {
    this.events.push(event);
  }
  get seqs(): number[] {
    return this.events.map((e) => e.seq);
  }
}

function ev(seq: number): ContractEvent {
  return { seq, text: `event ${seq}` };
}

/** The behaviour every `EventBus` adapter must have (bus/port.ts). */
export function runEventBusContract(name: string, makeBus: MakeEventBus): void {
  describe(`EventBus contract: ${name}`, () => {
    let subject: EventBusUnderTest;
    let bus: EventBus<ContractEvent>;
    const settle = async (): Promise<void> => {
      await subject.settle?.();
    };

    beforeEach(async () => {
      subject = await makeBus();
      bus = subject.bus;
    });

    afterEach(async () => {
      await subject.close?.();
    });

    it('delivers events to a subscriber in publish order', async () => {
      const r = new Recorder();
      bus.subscribe('s1', r);
      await settle();
      for (let i = 1; i <= 5; i++) bus.publish('s1', ev(i));
      await settle();
      expect(r.events).toEqual([1, 2, 3, 4, 5].map(ev));
    });

    it('fans out every event to every subscriber of the session', async () => {
      const rs = [new Recorder(), new Recorder(), new Recorder()];
      for (const r of rs) bus.subscribe('s1', r);
      await settle();
      bus.publish('s1', ev(1));
      bus.publish('s1', ev(2));
      await settle();
      for (const r of rs) expect(r.seqs).toEqual([1, 2]);
    });

    it('keeps sessions apart', async () => {
      const a = new Recorder();
      const b = new Recorder();
      bus.subscribe('a', a);
      bus.subscribe('b', b);
      await settle();
      bus.publish('a', ev(1));
      bus.publish('b', ev(2));
      bus.publish('c', ev(3));
      await settle();
      expect(a.seqs).toEqual([1]);
      expect(b.seqs).toEqual([2]);
    });

    it('publishes to a session without subscribers without throwing', async () => {
      expect(() => bus.publish('nobody', ev(1))).not.toThrow();
      await settle();
      expect(bus.subscriberCount('nobody')).toBe(0);
    });

    it('does not replay events published before the subscription', async () => {
      bus.publish('s1', ev(1));
      await settle();
      const r = new Recorder();
      bus.subscribe('s1', r);
      await settle();
      bus.publish('s1', ev(2));
      await settle();
      expect(r.seqs).toEqual([2]);
    });

    it('counts subscribers per session', async () => {
      expect(bus.subscriberCount('s1')).toBe(0);
      const one = bus.subscribe('s1', new Recorder());
      const two = bus.subscribe('s1', new Recorder());
      bus.subscribe('s2', new Recorder());
      await settle();
      expect(bus.subscriberCount('s1')).toBe(2);
      expect(bus.subscriberCount('s2')).toBe(1);
      one.unsubscribe();
      await settle();
      expect(bus.subscriberCount('s1')).toBe(1);
      two.unsubscribe();
      await settle();
      expect(bus.subscriberCount('s1')).toBe(0);
      expect(bus.subscriberCount('s2')).toBe(1);
    });

    it('stops delivering after unsubscribe, and unsubscribe is idempotent', async () => {
      const gone = new Recorder();
      const stays = new Recorder();
      const sub = bus.subscribe('s1', gone);
      bus.subscribe('s1', stays);
      await settle();
      bus.publish('s1', ev(1));
      await settle();
      sub.unsubscribe();
      sub.unsubscribe();
      await settle();
      expect(bus.subscriberCount('s1')).toBe(1);
      bus.publish('s1', ev(2));
      await settle();
      expect(gone.seqs).toEqual([1]);
      expect(stays.seqs).toEqual([1, 2]);
    });

    it('drops a subscriber that throws, keeps serving the others, and publish does not throw', async () => {
      const before = new Recorder();
      const after = new Recorder();
      let thrown = 0;
      const faulty: Subscriber<ContractEvent> = {
        onEvent() {
          thrown++;
          throw new Error('subscriber broke');
        },
      };
      bus.subscribe('s1', before);
      const faultySub = bus.subscribe('s1', faulty);
      bus.subscribe('s1', after);
      await settle();
      expect(() => bus.publish('s1', ev(1))).not.toThrow();
      await settle();
      expect(bus.subscriberCount('s1')).toBe(2);
      expect(() => bus.publish('s1', ev(2))).not.toThrow();
      await settle();
      expect(thrown).toBe(1);
      expect(before.seqs).toEqual([1, 2]);
      expect(after.seqs).toEqual([1, 2]);
      // Unsubscribing a subscriber the bus already dropped changes nothing.
      faultySub.unsubscribe();
      await settle();
      expect(bus.subscriberCount('s1')).toBe(2);
    });

    it('serves a session again after all its subscribers left', async () => {
      const first = bus.subscribe('s1', new Recorder());
      await settle();
      first.unsubscribe();
      await settle();
      const r = new Recorder();
      bus.subscribe('s1', r);
      await settle();
      bus.publish('s1', ev(7));
      await settle();
      expect(r.seqs).toEqual([7]);
      expect(bus.subscriberCount('s1')).toBe(1);
    });
  });
}
