import { AppError } from '../errors/index.ts';
import type { Logger } from '../sessions/index.ts';
import type { SessionService } from './session-service.ts';

/** What membership asks of the session service: which sessions run here, and taking one over or giving it up. */
export type MemberSessions = Pick<SessionService, 'liveSessionIds' | 'runs' | 'adopt' | 'relinquish'>;
import type { SessionOwnership } from '../sessions/session-ownership.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from '../util/index.ts';
import { errorMessage } from '../util/index.ts';

export interface WorkerMembershipOptions {
  store: Store;
  workerId: string;
  /** Sessions this worker runs at most (STEWARD_MAX_SESSIONS). */
  capacity: number;
  /** How long a lease lasts unrenewed (STEWARD_LEASE_TTL_S); heartbeats come three times as often. */
  leaseTtlMs: number;
  clock: Clock;
  logger: Logger;
  meta?: Record<string, unknown>;
}

/**
 * A worker's place in the cluster: every third of the lease time it sends a heartbeat with its
 * free capacity (placement reads them), renews the leases of the sessions it runs, gives up those
 * another worker took over while it could not renew (so a session never runs twice), and adopts
 * the sessions of workers whose leases expired, up to its free capacity.
 */
export class WorkerMembership implements SessionOwnership {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  /** Sessions whose lease this worker claimed (a new session runs a moment before it is claimed). */
  private readonly held = new Set<string>();
  /** Known from `start`: the session service is built with this as its ownership. */
  private sessionService: MemberSessions | undefined;

  constructor(private readonly options: WorkerMembershipOptions) {}

  private get sessions(): MemberSessions {
    if (this.sessionService === undefined) throw new Error('WorkerMembership.start has not run');
    return this.sessionService;
  }

  get workerId(): string {
    return this.options.workerId;
  }

  async claim(sessionId: string): Promise<void> {
    const now = this.options.clock.now();
    if (!(await this.options.store.claimSession(sessionId, this.workerId, this.until(now), now))) {
      throw new AppError('worker_unavailable', { retryAfter: 1, detail: 'Another worker holds this session.' });
    }
    this.held.add(sessionId);
  }

  async release(sessionId: string): Promise<void> {
    this.held.delete(sessionId);
    await this.options.store.releaseSession(sessionId, this.workerId).catch((error: unknown) => this.options.logger.warn({ sessionId, err: errorMessage(error) }, 'could not release the session lease'));
  }

  /** The first heartbeat (so placement sees this worker at once), then the periodic ones. */
  async start(sessions: MemberSessions): Promise<void> {
    this.sessionService = sessions;
    await this.heartbeat();
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    }, Math.max(100, Math.floor(this.options.leaseTtlMs / 3)));
    this.timer.unref();
  }

  /**
   * Leaves the cluster: no more heartbeats, and the leases of the sessions it ran end now, so
   * another worker adopts them at its next scan instead of after the lease time.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    const { store, logger } = this.options;
    await store.renewLeases(this.workerId, new Date(0)).catch((error: unknown) => logger.warn({ err: errorMessage(error) }, 'could not hand the session leases over'));
    await store.removeWorker(this.workerId).catch(() => false);
  }

  /** One round: heartbeat, renewals, hand-backs, adoptions. Errors are logged; the next round retries. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.heartbeat();
      await this.renew();
      await this.adoptExpired();
    } catch (error) {
      this.options.logger.warn({ err: errorMessage(error) }, 'cluster round failed; retrying at the next heartbeat');
    }
  }

  private until(now: Date): Date {
    return new Date(now.getTime() + this.options.leaseTtlMs);
  }

  private async heartbeat(): Promise<void> {
    const { store, capacity, clock, meta } = this.options;
    const { sessions } = this;
    await store.heartbeat({ id: this.workerId, capacity, load: sessions.liveSessionIds().length, meta: meta ?? {} }, clock.now());
  }

  private async renew(): Promise<void> {
    const { store, clock, logger } = this.options;
    const { sessions } = this;
    const renewed = await store.renewLeases(this.workerId, this.until(clock.now()));
    const running = sessions.liveSessionIds().filter((id) => this.held.has(id));
    if (renewed >= running.length) return;
    // Some lease is not ours any more (we could not renew in time and another worker adopted
    // the session, or the session was deleted): stop running those, writing nothing for them.
    for (const sessionId of running) {
      const lease = await store.leaseOf(sessionId);
      if (lease?.workerId === this.workerId) continue;
      // Released meanwhile (deleted, terminated) is not lost: only another holder is.
      if (!this.held.has(sessionId) || lease === undefined) continue;
      logger.warn({ sessionId, owner: lease.workerId }, 'lost the lease of a session; this worker stops running it');
      this.held.delete(sessionId);
      await sessions.relinquish(sessionId);
    }
  }

  private async adoptExpired(): Promise<void> {
    const { store, capacity, clock, logger } = this.options;
    const { sessions } = this;
    let free = capacity - sessions.liveSessionIds().length;
    if (free <= 0) return;
    const now = clock.now();
    for (const lease of await store.expiredLeases(now)) {
      if (free <= 0 || this.stopped) return;
      if (lease.workerId === this.workerId && sessions.runs(lease.sessionId)) continue;
      // Of workers racing for one session, exactly one claim wins.
      if (!(await store.claimSession(lease.sessionId, this.workerId, this.until(clock.now()), now))) continue;
      const started = Date.now();
      try {
        this.held.add(lease.sessionId);
        if (await sessions.adopt(lease.sessionId)) {
          free--;
          logger.info({ sessionId: lease.sessionId, from: lease.workerId, expiredMsAgo: now.getTime() - lease.expiresAt.getTime(), adoptMs: Date.now() - started }, 'adopted a session');
        } else {
          await this.release(lease.sessionId);
        }
      } catch (error) {
        logger.warn({ sessionId: lease.sessionId, err: errorMessage(error) }, 'could not adopt a session; its lease is left to expire');
      }
    }
  }
}
