/**
 * Cluster mode: a worker holds a lease on each session it runs, so that no other worker runs it
 * and, once the worker is gone and the lease expired, another adopts it. The session service
 * claims a new session's lease before it answers the client, and releases it once the session is
 * gone from this worker. Embedded mode has none: one process owns every session.
 */
export interface SessionOwnership {
  /** Makes this worker the session's owner; throws when another live worker holds it. */
  claim(sessionId: string): Promise<void>;
  /** Gives the session up (deleted, terminated); never throws. */
  release(sessionId: string): Promise<void>;
}
