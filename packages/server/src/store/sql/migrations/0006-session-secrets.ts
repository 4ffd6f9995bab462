import type { Kysely } from 'kysely';

/**
 * The secrets a session's tasks type by reference (`{{secret:NAME}}`): one sealed JSON per
 * session, deleted with it. A table of its own: session rows are read on every request, and the
 * secrets should travel with none of that.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('session_secrets')
    .addColumn('session_id', 'text', (col) => col.primaryKey())
    .addColumn('secrets', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addForeignKeyConstraint('session_secrets_session_fk', ['session_id'], 'sessions', ['id'], (fk) => fk.onDelete('cascade'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('session_secrets').execute();
}
