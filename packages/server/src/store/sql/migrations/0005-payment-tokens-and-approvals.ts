import type { Kysely } from 'kysely';

/**
 * One-time payment tokens (owned by an API key; the card sealed, and dropped once the token is
 * spent or revoked) and the approval records of sessions (deleted with their session).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // No foreign key to api_keys, as for sessions: keys are revoked, never deleted.
  await db.schema
    .createTable('payment_tokens')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('api_key_id', 'text', (col) => col.notNull())
    .addColumn('last4', 'text', (col) => col.notNull())
    .addColumn('brand', 'text', (col) => col.notNull())
    .addColumn('max_amount_cents', 'bigint')
    .addColumn('currency', 'text', (col) => col.notNull())
    .addColumn('merchant_domains', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('reservation', 'text')
    .addColumn('card', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('spent_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('payment_tokens_api_key_created_idx').on('payment_tokens').columns(['api_key_id', 'created_at', 'id']).execute();

  await db.schema
    .createTable('approvals')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('session_id', 'text', (col) => col.notNull())
    .addColumn('message_id', 'integer', (col) => col.notNull())
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('amount_cents', 'bigint')
    .addColumn('currency', 'text')
    .addColumn('payment_token', 'text')
    .addColumn('digest', 'text', (col) => col.notNull())
    .addColumn('question', 'text', (col) => col.notNull())
    .addColumn('answer', 'text')
    .addColumn('decision', 'text', (col) => col.notNull())
    .addColumn('executed', 'integer')
    .addColumn('asked_at', 'bigint', (col) => col.notNull())
    .addColumn('answered_at', 'bigint')
    .addForeignKeyConstraint('approvals_session_fk', ['session_id'], 'sessions', ['id'], (fk) => fk.onDelete('cascade'))
    .execute();
  await db.schema.createIndex('approvals_session_idx').on('approvals').columns(['session_id', 'asked_at', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('approvals').execute();
  await db.schema.dropTable('payment_tokens').execute();
}
