import type { SessionLease, TaskCheckpoint, WorkerHeartbeat, WorkerRecord } from '../domain/index.ts';

/**
 * What cluster mode keeps in the shared store so that workers can own sessions and hand them on:
 * worker heartbeats (placement), session leases (ownership) and task checkpoints (resumption).
 * Part of the `Store` port, with its atomicity and its not-found-is-a-value rule. Instants compare
 * as given: callers pass the time they read from one clock, the store never reads its own here.
 */
export interface ClusterStore {
  /** Records the worker as heard from at `at`: inserted with `startedAt = at` the first time, updated after. */
  heartbeat(worker: WorkerHeartbeat, at: Date): Promise<void>;
  /** Workers whose last heartbeat is at or after `since`, most free capacity (`capacity - load`) first, then by id. */
  liveWorkers(since: Date): Promise<WorkerRecord[]>;
  /** Forgets the worker; its leases stay until they expire, so its sessions are adopted. False when unknown. */
  removeWorker(id: string): Promise<boolean>;

  /**
   * Makes `workerId` the session's owner until `until` and answers true, when nobody holds the
   * session, when this worker already does (a renewal), or when the holder's lease expired before
   * `at`; otherwise changes nothing and answers false. One atomic step: of workers racing for one
   * session, exactly one wins. False when the session does not exist.
   */
  claimSession(sessionId: string, workerId: string, until: Date, at: Date): Promise<boolean>;
  /** Moves the expiry of every lease `workerId` holds to `until`; how many it moved. */
  renewLeases(workerId: string, until: Date): Promise<number>;
  /** Drops the session's lease if `workerId` holds it; another holder's lease stays. */
  releaseSession(sessionId: string, workerId: string): Promise<void>;
  /** Leases whose expiry is before `at` (sessions to adopt), the longest expired first. */
  expiredLeases(at: Date): Promise<SessionLease[]>;
  /**
   * Ids of the sessions created before `createdBefore` that have no lease at all and could still
   * run (neither `terminated` nor `error`: nothing runs those, and adopting refuses them), the
   * oldest first, then by id: sessions to adopt, like expired leases. A worker stores a session
   * and claims it right after, so a session created a while ago with no lease lost its worker
   * between the two. The rule that makes this safe: a lease row goes only when its session ends
   * (deleted, with the row; terminated, after the status is written) or when a worker that
   * claimed it to adopt it does not run it after all (it ended meanwhile, or that worker is
   * shutting down, and then another should take it); a worker that leaves expires its leases
   * rather than dropping them. So no running session is without a lease once claimed, and a
   * live one without any waits for an owner.
   */
  unleasedSessions(createdBefore: Date): Promise<string[]>;
  leaseOf(sessionId: string): Promise<SessionLease | undefined>;

  /**
   * Stores the session's checkpoint, replacing the one before. It is a secret: adapters that seal
   * secrets at rest seal it. Throws when the session does not exist; it goes when it is deleted.
   */
  saveCheckpoint(sessionId: string, data: Record<string, unknown>, at: Date): Promise<void>;
  getCheckpoint(sessionId: string): Promise<TaskCheckpoint | undefined>;
  deleteCheckpoint(sessionId: string): Promise<void>;
}
