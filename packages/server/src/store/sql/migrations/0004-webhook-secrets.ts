import type { Kysely } from 'kysely';

/**
 * Each API key's webhook signing secret, sealed like every secret column. A table of its own,
 * not a column of `api_keys`: key records are read on every request and cached, and the secret
 * should travel with none of that.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_secrets')
    .addColumn('api_key_id', 'text', (col) => col.primaryKey())
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_secrets').execute();
}
