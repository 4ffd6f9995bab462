import { describe, expect, it } from 'vitest';
import { WorkerMembership, type MemberSessions } from '../../src/worker/worker-membership.ts';
import { InMemoryStore } from '../../src/store/memory/in-memory-store.ts';
import type { Clock } from '../../src/util/index.ts';
import { session } from '../store/store-contract.ts';

// The cluster rules of one worker, on the in-memory store (the store's own atomicity is the
// contract suite's, on SQLite and PostgreSQL): claims, renewals, hand-backs and adoption.

const TTL = 3_000;
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

class ManualClock implements Clock {
  ms = Date.parse('2026-12-06T00:00:00Z');
  now(): Date {
    return new Date(this.ms);
  }
}

/** A session service reduced to what membership reads and does, recording what it was asked. */
class FakeSessions implements MemberSessions {
  readonly running = new Set<string>();
  readonly relinquished: string[] = [];
  adoptable = true;
  liveSessionIds(): string[] {
    return [...this.running];
  }
  runs(id: string): boolean {
    return this.running.has(id);
  }
  async adopt(id: string): Promise<boolean> {
    if (!this.adoptable) return false;
    this.running.add(id);
    return true;
  }
  async relinquish(id: string): Promise<void> {
    this.running.delete(id);
    this.relinquished.push(id);
  }
}

async function worker(store: InMemoryStore, clock: ManualClock, id: string, capacity = 10) {
  const sessions = new FakeSessions();
  const membership = new WorkerMembership({ store, workerId: id, capacity, leaseTtlMs: TTL, clock, logger: quiet });
  await membership.start(sessions);
  return { sessions, membership };
}

async function withSessions(store: InMemoryStore, ids: string[]): Promise<void> {
  for (const id of ids) await store.insertSession(session({ id }));
}

describe('WorkerMembership', () => {
  it('heartbeats its capacity and load, so placement sees it at once', async () => {
    const store = new InMemoryStore();
    const clock = new ManualClock();
    const a = await worker(store, clock, 'a', 7);
    await withSessions(store, ['s1']);
    a.sessions.running.add('s1');
    await a.membership.claim('s1');
    await a.membership.tick();
    const [seen] = await store.liveWorkers(new Date(clock.ms - TTL));
    expect(seen).toMatchObject({ id: 'a', capacity: 7, load: 1 });
    await a.membership.stop();
  });

  it('refuses to claim a session another live worker holds', async () => {
    const store = new InMemoryStore();
    const clock = new ManualClock();
    await withSessions(store, ['s1']);
    const a = await worker(store, clock, 'a');
    const b = await worker(store, clock, 'b');
    await a.membership.claim('s1');
    await expect(b.membership.claim('s1')).rejects.toMatchObject({ code: 'worker_unavailable' });
    await a.membership.stop();
    await b.membership.stop();
  });

  it("adopts a silent worker's sessions once their leases expire, and not before", async () => {
    const store = new InMemoryStore();
    const clock = new ManualClock();
    await withSessions(store, ['s1', 's2']);
    const a = await worker(store, clock, 'a');
    const b = await worker(store, clock, 'b');
    for (const id of ['s1', 's2']) {
      a.sessions.running.add(id);
      await a.membership.claim(id);
    }
    // a goes silent; before the lease time b adopts nothing.
    clock.ms += TTL - 1;
    await b.membership.tick();
    expect(b.sessions.liveSessionIds()).toEqual([]);
    clock.ms += 2;
    await b.membership.tick();
    expect(b.sessions.liveSessionIds().sort()).toEqual(['s1', 's2']);
    expect((await store.leaseOf('s1'))?.workerId).toBe('b');
    // a comes back (a long GC pause, a network split): its renewal finds the leases gone, and it
    // stops running those sessions instead of running them twice.
    await a.membership.tick();
    expect(a.sessions.relinquished.sort()).toEqual(['s1', 's2']);
    expect(a.sessions.liveSessionIds()).toEqual([]);
    await a.membership.stop();
    await b.membership.stop();
  });

  it('adopts no more than its free capacity; the rest wait for another worker', async () => {
    const store = new InMemoryStore();
    const clock = new ManualClock();
    const ids = ['s1', 's2', 's3'];
    await withSessions(store, ids);
    const a = await worker(store, clock, 'a');
    for (const id of ids) await a.membership.claim(id);
    const b = await worker(store, clock, 'b', 2);
    clock.ms += TTL + 1;
    await b.membership.tick();
    expect(b.sessions.liveSessionIds()).toHaveLength(2);
    const left = ids.filter((id) => !b.sessions.runs(id));
    expect((await store.leaseOf(left[0]!))?.workerId).toBe('a');
    await b.membership.stop();
  });

  it('does not give up a new session that runs a moment before its lease is claimed', async () => {
    const store = new InMemoryStore();
    const clock = new ManualClock();
    await withSessions(store, ['s1']);
    const a = await worker(store, clock, 'a');
    a.sessions.running.add('s1');
    await a.membership.tick();
    expect(a.sessions.relinquished).toEqual([]);
    await a.membership.claim('s1');
    expect((await store.leaseOf('s1'))?.workerId).toBe('a');
    await a.membership.stop();
  });

  it('releases a lease it cannot use, and ends its leases at once when it leaves', async () => {
    const store = new InMemoryStore();
    const clock = new ManualClock();
    await withSessions(store, ['s1', 's2']);
    const a = await worker(store, clock, 'a');
    await a.membership.claim('s1');
    const b = await worker(store, clock, 'b');
    b.sessions.adoptable = false;
    clock.ms += TTL + 1;
    await b.membership.tick();
    // Nothing to run (gone, terminated): the lease goes rather than being retried forever.
    expect(await store.leaseOf('s1')).toBeUndefined();

    b.sessions.adoptable = true;
    b.sessions.running.add('s2');
    await b.membership.claim('s2');
    await b.membership.stop();
    // Handed over: expired now, not after the lease time; and the worker is gone from placement.
    expect((await store.expiredLeases(clock.now())).map((l) => l.sessionId)).toEqual(['s2']);
    expect((await store.liveWorkers(new Date(0))).map((w) => w.id)).toEqual(['a']);
    await a.membership.stop();
  });
});
