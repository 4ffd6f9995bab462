import type { Kysely } from 'kysely';

// Migrations see the schema as it was when they were written, so they take an untyped Kysely.
// Only portable DDL here: the same module runs on SQLite and PostgreSQL.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('prefix', 'text', (col) => col.notNull())
    .addColumn('secret_hash', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .execute();

  // No foreign key to api_keys: keys are revoked, never deleted, and callers need no key row to test with.
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('api_key_id', 'text', (col) => col.notNull())
    .addColumn('agent_name', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('execution_status', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addColumn('last_activity_at', 'bigint', (col) => col.notNull())
    .addColumn('webhook_url', 'text')
    .addColumn('max_steps', 'integer', (col) => col.notNull())
    .addColumn('goal', 'text')
    .addColumn('environment_id', 'text', (col) => col.notNull())
    .addColumn('last_message_id', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('options', 'text', (col) => col.notNull())
    .execute();
  // listSessions: one key's sessions, newest first (scanned backwards), ties broken by id.
  await db.schema.createIndex('sessions_api_key_created_idx').on('sessions').columns(['api_key_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('sessions_status_idx').on('sessions').column('status').execute();

  // The primary key (session_id, id) is the index listMessages reads.
  await db.schema
    .createTable('messages')
    .addColumn('session_id', 'text', (col) => col.notNull())
    .addColumn('id', 'integer', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('content', 'text', (col) => col.notNull())
    .addColumn('content_is_text', 'integer', (col) => col.notNull())
    .addColumn('timestamp', 'bigint', (col) => col.notNull())
    .addColumn('metadata', 'text', (col) => col.notNull())
    .addColumn('internal', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('messages_pk', ['session_id', 'id'])
    .addForeignKeyConstraint('messages_session_fk', ['session_id'], 'sessions', ['id'], (fk) => fk.onDelete('cascade'))
    .execute();

  // No foreign key to sessions: an environment saved on delete must outlive its session.
  await db.schema
    .createTable('environments')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('api_key_id', 'text', (col) => col.notNull())
    .addColumn('source_session_id', 'text', (col) => col.notNull())
    .addColumn('storage_state', 'text', (col) => col.notNull())
    .addColumn('is_default', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('environments_session_idx').on('environments').columns(['source_session_id', 'created_at']).execute();
  await db.schema.createIndex('environments_default_idx').on('environments').columns(['api_key_id', 'is_default', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('environments').execute();
  await db.schema.dropTable('messages').execute();
  await db.schema.dropTable('sessions').execute();
  await db.schema.dropTable('api_keys').execute();
}
