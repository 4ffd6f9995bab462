import type { Kysely } from 'kysely';

/**
 * One row sealed with the store's secret key when it first sealed anything: at start-up it tells
 * a wrong or lost key apart from an empty database before any session is read, so a bad key is a
 * clear start-up error instead of failures later (decision 0008).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('secret_key_check')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('sealed', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('secret_key_check').execute();
}
