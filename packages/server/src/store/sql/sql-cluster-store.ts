import type { Kysely } from 'kysely';
import type { ClusterStore } from '../cluster-store.ts';
import type { SessionLease, TaskCheckpoint, WorkerHeartbeat, WorkerRecord } from '../../domain/index.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { UnknownSessionError } from '../store-error.ts';
import { rowToCheckpoint, rowToLease, rowToWorker, sealCheckpointData } from './cluster-row-mappers.ts';
import type { StoreDatabase } from './store-database.ts';

const ms = (date: Date): number => date.getTime();

/**
 * The cluster half of `SqlStore` (heartbeats, leases, checkpoints), over the same connection and key.
 *
 * Rows that belong to a session are written with `INSERT … SELECT … FROM sessions WHERE id = ?`,
 * so a missing session inserts nothing instead of failing its foreign key, and an upsert's
 * `RETURNING` says whether a row was written: both dialects return a row only for an insert or
 * an update that happened. The selected values are cast to their columns' types because
 * PostgreSQL cannot tell a parameter's type from a select list.
 */
export class SqlClusterStore implements ClusterStore {
  constructor(
    private readonly db: Kysely<StoreDatabase>,
    private readonly secrets: SecretBox,
    /** Called after a checkpoint is deleted: the SQL store's scrubber, so no copy stays in the files. */
    private readonly afterCheckpointDeleted: () => Promise<void>,
  ) {}

  async heartbeat(worker: WorkerHeartbeat, at: Date): Promise<void> {
    await this.db
      .insertInto('workers')
      .values({ id: worker.id, started_at: ms(at), heartbeat_at: ms(at), capacity: worker.capacity, load: worker.load, meta: JSON.stringify(worker.meta) })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          heartbeat_at: eb.ref('excluded.heartbeat_at'),
          capacity: eb.ref('excluded.capacity'),
          load: eb.ref('excluded.load'),
          meta: eb.ref('excluded.meta'),
        })),
      )
      .execute();
  }

  async liveWorkers(since: Date): Promise<WorkerRecord[]> {
    const rows = await this.db
      .selectFrom('workers')
      .selectAll()
      .where('heartbeat_at', '>=', ms(since))
      .orderBy((eb) => eb('capacity', '-', eb.ref('load')), 'desc')
      .orderBy('id')
      .execute();
    return rows.map(rowToWorker);
  }

  async removeWorker(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('workers').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async claimSession(sessionId: string, workerId: string, until: Date, at: Date): Promise<boolean> {
    // One statement, so the check and the take cannot be split by another claim. SQLite runs a
    // writing statement under the database's write lock from its first read. PostgreSQL's
    // ON CONFLICT either inserts or locks the conflicting row, and a claim that waited for
    // that lock evaluates the WHERE on the row the winner committed: it sees an unexpired lease of
    // another worker and updates (and returns) nothing.
    const claimed = await this.db
      .insertInto('session_leases')
      .columns(['session_id', 'worker_id', 'expires_at'])
      .expression((eb) =>
        eb
          .selectFrom('sessions')
          .select((s) => ['id', s.cast<string>(s.val(workerId), 'text').as('worker_id'), s.cast<number>(s.val(ms(until)), 'bigint').as('expires_at')])
          .where('id', '=', sessionId),
      )
      .onConflict((oc) =>
        oc
          .column('session_id')
          .doUpdateSet((eb) => ({ worker_id: eb.ref('excluded.worker_id'), expires_at: eb.ref('excluded.expires_at') }))
          // Qualified: PostgreSQL sees both the table and `excluded` here, and refuses a bare name.
          .where((eb) => eb.or([eb('session_leases.worker_id', '=', workerId), eb('session_leases.expires_at', '<', ms(at))])),
      )
      .returning('session_id')
      .executeTakeFirst();
    return claimed !== undefined;
  }

  async renewLeases(workerId: string, until: Date): Promise<number> {
    const result = await this.db.updateTable('session_leases').set({ expires_at: ms(until) }).where('worker_id', '=', workerId).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async releaseSession(sessionId: string, workerId: string): Promise<void> {
    await this.db.deleteFrom('session_leases').where('session_id', '=', sessionId).where('worker_id', '=', workerId).execute();
  }

  async expiredLeases(at: Date): Promise<SessionLease[]> {
    const rows = await this.db
      .selectFrom('session_leases')
      .selectAll()
      .where('expires_at', '<', ms(at))
      .orderBy('expires_at')
      .orderBy('session_id')
      .execute();
    return rows.map(rowToLease);
  }

  async unleasedSessions(createdBefore: Date): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select('id')
      .where('status', 'not in', ['terminated', 'error'])
      .where('created_at', '<', ms(createdBefore))
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('session_leases').select('session_id').whereRef('session_leases.session_id', '=', 'sessions.id'))))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => row.id);
  }

  async leaseOf(sessionId: string): Promise<SessionLease | undefined> {
    const row = await this.db.selectFrom('session_leases').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
    return row === undefined ? undefined : rowToLease(row);
  }

  async saveCheckpoint(sessionId: string, data: Record<string, unknown>, at: Date): Promise<void> {
    const sealed = sealCheckpointData(data, this.secrets);
    // Saved after every step: the replaced copy is sealed, so it is not scrubbed each time (a
    // SQLite checkpoint of the WAL per step); deleting the checkpoint or the session scrubs.
    const saved = await this.db
      .insertInto('task_checkpoints')
      .columns(['session_id', 'data', 'updated_at'])
      .expression((eb) =>
        eb
          .selectFrom('sessions')
          .select((s) => ['id', s.cast<string>(s.val(sealed), 'text').as('data'), s.cast<number>(s.val(ms(at)), 'bigint').as('updated_at')])
          .where('id', '=', sessionId),
      )
      .onConflict((oc) => oc.column('session_id').doUpdateSet((eb) => ({ data: eb.ref('excluded.data'), updated_at: eb.ref('excluded.updated_at') })))
      .returning('session_id')
      .executeTakeFirst();
    if (saved === undefined) throw new UnknownSessionError(sessionId, 'save a checkpoint');
  }

  async getCheckpoint(sessionId: string): Promise<TaskCheckpoint | undefined> {
    const row = await this.db.selectFrom('task_checkpoints').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
    return row === undefined ? undefined : rowToCheckpoint(row, this.secrets);
  }

  async deleteCheckpoint(sessionId: string): Promise<void> {
    const result = await this.db.deleteFrom('task_checkpoints').where('session_id', '=', sessionId).executeTakeFirst();
    if (result.numDeletedRows > 0n) await this.afterCheckpointDeleted();
  }
}
