import type { Kysely } from 'kysely';

/**
 * Polling (`sanitize=true`) skips internal messages. Without this index SQLite reads every row to
 * test `internal`, and that column sits after the large content column, so each internal prompt
 * row costs a walk over its overflow pages. With it the filter is answered from the index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('messages_visible_idx').on('messages').columns(['session_id', 'internal', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_visible_idx').execute();
}
