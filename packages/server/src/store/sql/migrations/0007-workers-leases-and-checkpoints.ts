import type { Kysely } from 'kysely';

/**
 * What cluster mode shares through the store: worker heartbeats (where to place a session),
 * session leases (which worker owns one; an expired lease is adopted by another) and task
 * checkpoints (where a running task resumes after its worker died). Leases and checkpoints are
 * deleted with their session.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workers')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('started_at', 'bigint', (col) => col.notNull())
    .addColumn('heartbeat_at', 'bigint', (col) => col.notNull())
    .addColumn('capacity', 'integer', (col) => col.notNull())
    .addColumn('load', 'integer', (col) => col.notNull())
    .addColumn('meta', 'text', (col) => col.notNull())
    .execute();
  // liveWorkers: the workers heard from since a cut-off.
  await db.schema.createIndex('workers_heartbeat_idx').on('workers').column('heartbeat_at').execute();

  // No foreign key to workers: a removed worker's leases must stay until they expire, so that
  // another worker adopts its sessions.
  await db.schema
    .createTable('session_leases')
    .addColumn('session_id', 'text', (col) => col.primaryKey())
    .addColumn('worker_id', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addForeignKeyConstraint('session_leases_session_fk', ['session_id'], 'sessions', ['id'], (fk) => fk.onDelete('cascade'))
    .execute();
  // renewLeases reads one worker's leases; expiredLeases the ones past a time, oldest first.
  await db.schema.createIndex('session_leases_worker_idx').on('session_leases').column('worker_id').execute();
  await db.schema.createIndex('session_leases_expires_idx').on('session_leases').columns(['expires_at', 'session_id']).execute();

  // A table of its own, like session secrets: it is large and secret, and session rows are read on every request.
  await db.schema
    .createTable('task_checkpoints')
    .addColumn('session_id', 'text', (col) => col.primaryKey())
    .addColumn('data', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addForeignKeyConstraint('task_checkpoints_session_fk', ['session_id'], 'sessions', ['id'], (fk) => fk.onDelete('cascade'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('task_checkpoints').execute();
  await db.schema.dropTable('session_leases').execute();
  await db.schema.dropTable('workers').execute();
}
