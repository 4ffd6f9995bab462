import { AppError } from '../errors/index.ts';
import type { Logger } from '../sessions/index.ts';
import type { SessionService } from './session-service.ts';
import type { SessionOwnership } from '../sessions/session-ownership.ts';
import type { SessionLease } from '../domain/index.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from '../util/index.ts';
import { errorMessage } from '../util/index.ts';

/** What membership asks of the session service: which sessions run here, and taking one over or giving it up. */
export type MemberSessions = Pick<SessionService, 'liveSessionIds' | 'runs' | 'adopt' | 'relinquish'>;

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
 * How many sessions a worker adopts at once. Each adoption opens a fresh browser context (about
 * 110–150 ms on the 2-core reference machine), so one at a time moves a lost worker's 80 sessions
 * in over 10 s; a few at a time overlap the waits on the browser and the store without taking
 * the CPU from the sessions already running here.
 */
export const ADOPTION_CONCURRENCY = 4;

/** A session to take over: its expired lease, or none when its worker died before claiming it. */
interface AdoptionCandidate {
  sessionId: string;
  lease?: SessionLease;
}

/**
 * A worker's place in the cluster, as two jobs every third of the lease time, each with its own
 * round in flight so that neither waits for the other. Renewal: a heartbeat with its free
 * capacity (placement reads them), the renewal of the leases of the sessions it runs, and giving
 * up those another worker took over while it could not renew (so a session never runs twice).
 * Adoption: the sessions of workers whose leases expired, and those whose worker died between
 * storing and claiming them, a few at a time, up to its free capacity. However long an adoption
 * round takes (a browser context each), this worker's own leases keep being renewed.
 */
export class WorkerMembership implements SessionOwnership {
  private timer: NodeJS.Timeout | undefined;
  private renewalRoundInFlight: Promise<void> | undefined;
  private adoptionRoundInFlight: Promise<void> | undefined;
  private stopped = false;
  /** Sessions whose lease this worker claimed (a new session runs a moment before it is claimed). */
  private readonly held = new Set<string>();
  /**
   * Sessions being adopted, from their capacity check to their end: counted against free
   * capacity (once, with those already running here), so parallel adoptions cannot overshoot it.
   */
  private readonly adopting = new Set<string>();
  /**
   * When this worker's adoption rounds first saw each session without a lease, seen in every
   * round since (its clock, ms). A session's `createdAt` is stamped before its browser opens,
   * so it can be older than its row; only one unleased for a whole lease time is orphaned.
   */
  private unleasedSince = new Map<string, number>();
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

  /** The first heartbeat (so placement sees this worker at once), then both jobs' periodic rounds. */
  async start(sessions: MemberSessions): Promise<void> {
    this.sessionService = sessions;
    await this.heartbeat();
    this.timer = setInterval(() => {
      void this.runRenewalRound();
      void this.runAdoptionRound();
    }, Math.max(100, Math.floor(this.options.leaseTtlMs / 3)));
    this.timer.unref();
  }

  /**
   * Leaves the cluster: no more rounds (it waits for both jobs' rounds in flight), and the leases
   * of the sessions it ran end now, so another worker adopts them at its next round instead of
   * after the lease time.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([this.renewalRoundInFlight, this.adoptionRoundInFlight]);
    const { store, logger } = this.options;
    await store.renewLeases(this.workerId, new Date(0)).catch((error: unknown) => logger.warn({ err: errorMessage(error) }, 'could not hand the session leases over'));
    await store.removeWorker(this.workerId).catch(() => false);
  }

  /** A round of each job, started after those in flight end (the timer runs them on its own). */
  async tick(): Promise<void> {
    await Promise.all([this.renewalRoundInFlight, this.adoptionRoundInFlight]);
    await Promise.all([this.runRenewalRound(), this.runAdoptionRound()]);
  }

  /** The renewal round in flight, or a new one. */
  private runRenewalRound(): Promise<void> {
    return (this.renewalRoundInFlight ??= this.renewalRound().finally(() => (this.renewalRoundInFlight = undefined)));
  }

  /** The adoption round in flight, or a new one. */
  private runAdoptionRound(): Promise<void> {
    return (this.adoptionRoundInFlight ??= this.adoptionRound().finally(() => (this.adoptionRoundInFlight = undefined)));
  }

  /** Heartbeat, renewals, hand-backs. Errors are logged; the next round retries. */
  private async renewalRound(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.heartbeat();
      await this.renew();
    } catch (error) {
      this.options.logger.warn({ err: errorMessage(error) }, 'heartbeat or lease renewal failed; retrying at the next round');
    }
  }

  /** Adopts what waits for an owner, ADOPTION_CONCURRENCY at a time. Errors are logged; the next round retries. */
  private async adoptionRound(): Promise<void> {
    if (this.stopped) return;
    if (this.freeCapacity() <= 0) {
      // This round does not look, so no session is seen unleased in every round: start over.
      this.unleasedSince.clear();
      return;
    }
    try {
      const now = this.options.clock.now();
      const candidates = [...(await this.expiredLeaseCandidates(now)), ...(await this.orphanCandidates(now))];
      let next = 0;
      const lane = async (): Promise<void> => {
        while (!this.stopped) {
          const candidate = candidates[next++];
          if (candidate === undefined || this.freeCapacity() <= 0) return;
          // Counted before the first await: lanes check capacity one at a time.
          this.adopting.add(candidate.sessionId);
          try {
            await this.adoptOne(candidate, now);
          } finally {
            this.adopting.delete(candidate.sessionId);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(ADOPTION_CONCURRENCY, candidates.length) }, lane));
    } catch (error) {
      this.options.logger.warn({ err: errorMessage(error) }, 'adoption round failed; retrying at the next round');
    }
  }

  private freeCapacity(): number {
    const taken = new Set([...this.sessions.liveSessionIds(), ...this.adopting]);
    return this.options.capacity - taken.size;
  }

  private async expiredLeaseCandidates(now: Date): Promise<AdoptionCandidate[]> {
    const expired = await this.options.store.expiredLeases(now);
    return expired.map((lease) => ({ sessionId: lease.sessionId, lease }));
  }

  /** Sessions created over a lease time ago and seen without a lease for one since: their worker never claimed them. */
  private async orphanCandidates(now: Date): Promise<AdoptionCandidate[]> {
    const ttl = this.options.leaseTtlMs;
    const unleased = await this.options.store.unleasedSessions(new Date(now.getTime() - ttl));
    const since = new Map(unleased.map((id) => [id, this.unleasedSince.get(id) ?? now.getTime()]));
    this.unleasedSince = since;
    return unleased.filter((id) => now.getTime() - since.get(id)! >= ttl).map((sessionId) => ({ sessionId }));
  }

  /** Claims the session (of workers racing for it, exactly one wins) and runs it here. */
  private async adoptOne({ sessionId, lease }: AdoptionCandidate, now: Date): Promise<void> {
    const { store, clock, logger } = this.options;
    const { sessions } = this;
    // Running here already: its lease is ours to renew, or another's and renewal gives it up.
    if (sessions.runs(sessionId)) return;
    if (!(await store.claimSession(sessionId, this.workerId, this.until(clock.now()), now))) return;
    const started = Date.now();
    try {
      this.held.add(sessionId);
      if (await sessions.adopt(sessionId)) {
        const from = lease === undefined ? { from: null, lease: 'none' } : { from: lease.workerId, expiredMsAgo: now.getTime() - lease.expiresAt.getTime() };
        logger.info({ sessionId, ...from, adoptMs: Date.now() - started }, 'adopted a session');
      } else {
        await this.release(sessionId);
      }
    } catch (error) {
      // Renewal renews every lease this worker holds, so one kept for a session not running here
      // would never expire: give it back, and a later round (here or elsewhere) tries again.
      const runsHere = sessions.runs(sessionId);
      if (!runsHere) await this.release(sessionId);
      logger.warn({ sessionId, from: lease?.workerId ?? null, adoptMs: Date.now() - started, runsHere, err: errorMessage(error) }, runsHere ? 'adopting a session failed after it started here; it stays here' : 'could not adopt a session; its lease is given back for another try');
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
}
