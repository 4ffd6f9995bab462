import type { ClusterStore } from '../cluster-store.ts';
import type { SessionLease, SessionRecord, TaskCheckpoint, WorkerHeartbeat, WorkerRecord } from '../../domain/index.ts';
import { UnknownSessionError } from '../store-error.ts';

const copy = <T>(value: T): T => structuredClone(value);
const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What the cluster half reads of the store's sessions. */
export type SessionSummary = Pick<SessionRecord, 'id' | 'status' | 'createdAt'>;

/**
 * The cluster half of `InMemoryStore`; it asks the store whether a session exists and, to find
 * the sessions without a lease, what sessions there are. Every method
 * runs to its end without awaiting, so a claim's check and take are one step here too.
 */
export class InMemoryClusterStore implements ClusterStore {
  private readonly workers = new Map<string, WorkerRecord>();
  private readonly leases = new Map<string, SessionLease>();
  private readonly checkpoints = new Map<string, TaskCheckpoint>();

  constructor(
    private readonly hasSession: (id: string) => boolean,
    private readonly allSessions: () => Iterable<SessionSummary>,
  ) {}

  async heartbeat(worker: WorkerHeartbeat, at: Date): Promise<void> {
    const startedAt = this.workers.get(worker.id)?.startedAt ?? at;
    this.workers.set(worker.id, copy({ id: worker.id, capacity: worker.capacity, load: worker.load, meta: worker.meta, startedAt, heartbeatAt: at }));
  }

  async liveWorkers(since: Date): Promise<WorkerRecord[]> {
    return [...this.workers.values()]
      .filter((worker) => worker.heartbeatAt >= since)
      .sort((a, b) => b.capacity - b.load - (a.capacity - a.load) || byId(a, b))
      .map(copy);
  }

  async removeWorker(id: string): Promise<boolean> {
    return this.workers.delete(id);
  }

  async claimSession(sessionId: string, workerId: string, until: Date, at: Date): Promise<boolean> {
    if (!this.hasSession(sessionId)) return false;
    const held = this.leases.get(sessionId);
    if (held !== undefined && held.workerId !== workerId && held.expiresAt >= at) return false;
    this.leases.set(sessionId, { sessionId, workerId, expiresAt: new Date(until) });
    return true;
  }

  async renewLeases(workerId: string, until: Date): Promise<number> {
    let renewed = 0;
    for (const lease of this.leases.values()) {
      if (lease.workerId !== workerId) continue;
      lease.expiresAt = new Date(until);
      renewed++;
    }
    return renewed;
  }

  async releaseSession(sessionId: string, workerId: string): Promise<void> {
    if (this.leases.get(sessionId)?.workerId === workerId) this.leases.delete(sessionId);
  }

  async expiredLeases(at: Date): Promise<SessionLease[]> {
    return [...this.leases.values()]
      .filter((lease) => lease.expiresAt < at)
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0))
      .map(copy);
  }

  async unleasedSessions(createdBefore: Date): Promise<string[]> {
    return [...this.allSessions()]
      .filter((session) => session.status !== 'terminated' && session.status !== 'error' && session.createdAt < createdBefore && !this.leases.has(session.id))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((session) => session.id);
  }

  async leaseOf(sessionId: string): Promise<SessionLease | undefined> {
    const lease = this.leases.get(sessionId);
    return lease && copy(lease);
  }

  async saveCheckpoint(sessionId: string, data: Record<string, unknown>, at: Date): Promise<void> {
    if (!this.hasSession(sessionId)) throw new UnknownSessionError(sessionId, 'save a checkpoint');
    this.checkpoints.set(sessionId, copy({ sessionId, data, updatedAt: at }));
  }

  async getCheckpoint(sessionId: string): Promise<TaskCheckpoint | undefined> {
    const checkpoint = this.checkpoints.get(sessionId);
    return checkpoint && copy(checkpoint);
  }

  async deleteCheckpoint(sessionId: string): Promise<void> {
    this.checkpoints.delete(sessionId);
  }

  /** What the foreign keys' cascade does in SQL: the session's lease and checkpoint go with it. */
  dropSession(sessionId: string): void {
    this.leases.delete(sessionId);
    this.checkpoints.delete(sessionId);
  }
}
