import { describe, expect, it, vi } from 'vitest';
import { ADOPTION_CONCURRENCY, WorkerMembership, type MemberSessions } from '../../src/worker/worker-membership.ts';
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

/** A promise the test resolves when it chooses. */
class Gate {
  open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.open = resolve));
}

/** A session service reduced to what membership reads and does, recording what it was asked. */
class FakeSessions implements MemberSessions {
  readonly running = new Set<string>();
  readonly relinquished: string[] = [];
  adoptable = true;
  /** When set, each adoption waits for it (a browser context being opened). */
  gate: Gate | undefined;
  /** Adoptions under way now, and the most there were at once. */
  adopting = 0;
  maxAdopting = 0;
  liveSessionIds(): string[] {
    return [...this.running];
  }
  runs(id: string): boolean {
    return this.running.has(id);
  }
  async adopt(id: string): Promise<boolean> {
    if (!this.adoptable) return false;
    this.adopting++;
    this.maxAdopting = Math.max(this.maxAdopting, this.adopting);
    try {
      await this.gate?.opened;
    } finally {
      this.adopting--;
    }
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

async function withSessions(store: InMemoryStore, ids: string[], createdAt?: Date): Promise<void> {
  for (const id of ids) await store.insertSession(session({ id, ...(createdAt && { createdAt }) }));
}

/** Leases of a worker that died: claimed, then expired before `clock`'s now. */
async function lostLeases(store: InMemoryStore, clock: Clock, ids: string[]): Promise<void> {
  const expired = new Date(clock.now().getTime() - 1);
  for (const id of ids) expect(await store.claimSession(id, 'dead', expired, new Date(expired.getTime() - TTL))).toBe(true);
}

/** Lets timers and the I/O queued before them run. */
const aMoment = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

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
  it('keeps renewing its own leases while a slow adoption round runs', async () => {
    // Real time, a short lease: rounds every 100 ms; the adoptions never end until the test says.
    const ttl = 300;
    const clock: Clock = { now: () => new Date() };
    const store = new InMemoryStore();
    await withSessions(store, ['mine', 'lost-1', 'lost-2']);
    await lostLeases(store, clock, ['lost-1', 'lost-2']);
    const sessions = new FakeSessions();
    sessions.gate = new Gate();
    const membership = new WorkerMembership({ store, workerId: 'a', capacity: 10, leaseTtlMs: ttl, clock, logger: quiet });
    await membership.start(sessions);
    sessions.running.add('mine');
    await membership.claim('mine');
    try {
      await vi.waitFor(() => expect(sessions.adopting).toBeGreaterThan(0), { timeout: 5_000 });
      const before = (await store.leaseOf('mine'))!.expiresAt.getTime();
      await vi.waitFor(async () => expect((await store.leaseOf('mine'))!.expiresAt.getTime()).toBeGreaterThan(before), { timeout: 5_000 });
      // Renewed while the adoptions were still waiting, and still this worker's.
      expect(sessions.adopting).toBeGreaterThan(0);
      expect((await store.leaseOf('mine'))?.workerId).toBe('a');
    } finally {
      sessions.gate.open();
      await membership.stop();
    }
    expect(sessions.liveSessionIds().sort()).toEqual(['lost-1', 'lost-2', 'mine']);
  });

  it(`adopts ${ADOPTION_CONCURRENCY} sessions at a time, no more`, async () => {
    const store = new InMemoryStore();
    const clock = new ManualClock();
    const ids = Array.from({ length: 10 }, (_, i) => `lost-${i}`);
    await withSessions(store, ids);
    await lostLeases(store, clock, ids);
    const b = await worker(store, clock, 'b', 10);
    b.sessions.gate = new Gate();
    const round = b.membership.tick();
    await vi.waitFor(() => expect(b.sessions.adopting).toBeGreaterThanOrEqual(ADOPTION_CONCURRENCY));
    await aMoment();
    expect(b.sessions.adopting).toBe(ADOPTION_CONCURRENCY);
    b.sessions.gate.open();
    await round;
    expect(b.sessions.maxAdopting).toBe(ADOPTION_CONCURRENCY);
    expect(b.sessions.liveSessionIds().sort()).toEqual([...ids].sort());
    await b.membership.stop();
  });

  it('adopting in parallel never goes past its free capacity', async () => {
    const store = new InMemoryStore();
    const clock = new ManualClock();
    const ids = Array.from({ length: 10 }, (_, i) => `lost-${i}`);
    await withSessions(store, [...ids, 'mine']);
    await lostLeases(store, clock, ids);
    const b = await worker(store, clock, 'b', 4);
    b.sessions.running.add('mine');
    await b.membership.claim('mine');
    b.sessions.gate = new Gate();
    const round = b.membership.tick();
    await vi.waitFor(() => expect(b.sessions.adopting).toBeGreaterThanOrEqual(3));
    await aMoment();
    expect(b.sessions.adopting).toBe(3);
    b.sessions.gate.open();
    await round;
    // Capacity 4, one running: three adopted; the other leases stay the dead worker's.
    expect(b.sessions.maxAdopting).toBe(3);
    expect(b.sessions.liveSessionIds()).toHaveLength(4);
    const leases = await Promise.all(ids.map((id) => store.leaseOf(id)));
    expect(leases.filter((lease) => lease?.workerId === 'b')).toHaveLength(3);
    expect(leases.filter((lease) => lease?.workerId === 'dead')).toHaveLength(7);
    // And a later round, with no room, adopts nothing more.
    await b.membership.tick();
    expect(b.sessions.liveSessionIds()).toHaveLength(4);
    await b.membership.stop();
  });

  it('adopts a session its worker stored but never claimed, once it has gone a lease time without one', async () => {
    const store = new InMemoryStore();
    const clock = new ManualClock();
    await withSessions(store, ['orphan'], new Date(clock.ms - TTL - 1));
    const b = await worker(store, clock, 'b');
    await b.membership.tick();
    // Seen without a lease once: it may be a moment before its claim.
    expect(b.sessions.liveSessionIds()).toEqual([]);
    clock.ms += TTL;
    await withSessions(store, ['fresh'], clock.now());
    await b.membership.tick();
    expect(b.sessions.liveSessionIds()).toEqual(['orphan']);
    expect((await store.leaseOf('orphan'))?.workerId).toBe('b');
    // Created just now: a worker is about to claim it.
    expect(await store.leaseOf('fresh')).toBeUndefined();
    await b.membership.stop();
  });

  it('leaves alone a session claimed after it was seen without a lease, however old it looks', async () => {
    // createdAt is stamped before the session's browser opens, so a new session can look old.
    const store = new InMemoryStore();
    const clock = new ManualClock();
    await withSessions(store, ['slow'], new Date(clock.ms - 2 * TTL));
    const a = await worker(store, clock, 'a');
    const b = await worker(store, clock, 'b');
    await b.membership.tick();
    a.sessions.running.add('slow');
    await a.membership.claim('slow');
    clock.ms += TTL + 1;
    await a.membership.tick();
    await b.membership.tick();
    expect(b.sessions.liveSessionIds()).toEqual([]);
    expect((await store.leaseOf('slow'))?.workerId).toBe('a');
    await a.membership.stop();
    await b.membership.stop();
  });

  it('of two workers that find one orphaned session, exactly one adopts it', async () => {
    const store = new InMemoryStore();
    const clock = new ManualClock();
    await withSessions(store, ['orphan'], new Date(clock.ms - TTL - 1));
    const b = await worker(store, clock, 'b');
    const c = await worker(store, clock, 'c');
    await Promise.all([b.membership.tick(), c.membership.tick()]);
    clock.ms += TTL;
    await Promise.all([b.membership.tick(), c.membership.tick()]);
    expect([...b.sessions.liveSessionIds(), ...c.sessions.liveSessionIds()]).toEqual(['orphan']);
    await b.membership.stop();
    await c.membership.stop();
  });
});
