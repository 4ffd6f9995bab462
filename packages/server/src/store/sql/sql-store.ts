import { Migrator, type Kysely, type Updateable } from 'kysely';
import type { Clock } from '../../util/clock.ts';
import { systemClock } from '../../util/clock.ts';
import type { Store } from '../port.ts';
import type {
  ApiKeyRecord,
  EnvironmentRecord,
  MessageRecord,
  NewMessage,
  SessionPatch,
  SessionRecord,
} from '../records.ts';
import { StoreError, UnknownSessionError } from '../store-error.ts';
import { storeMigrationProvider } from './migrations/store-migrations.ts';
import {
  apiKeyToRow,
  encodeContent,
  environmentToRow,
  rowToApiKey,
  rowToEnvironment,
  rowToMessage,
  rowToSession,
  sessionToRow,
  toEpochMs,
} from './row-mappers.ts';
import type { SessionsTable, StoreDatabase } from './store-database.ts';

export interface SqlStoreOptions {
  /** Stamps messages appended without a timestamp. */
  clock?: Clock | undefined;
}

/**
 * `Store` over any Kysely dialect. Queries stay within SQL that SQLite and PostgreSQL share
 * (`RETURNING`, no upserts, no JSON operators); dialect choices live in the factories.
 * Reads are single indexed statements without a transaction: they sit on the API's hot path.
 */
export class SqlStore implements Store {
  readonly #db: Kysely<StoreDatabase>;
  readonly #clock: Clock;

  constructor(db: Kysely<StoreDatabase>, options: SqlStoreOptions = {}) {
    this.#db = db;
    this.#clock = options.clock ?? systemClock;
  }

  async migrate(): Promise<void> {
    const migrator = new Migrator({ db: this.#db, provider: storeMigrationProvider });
    const { error, results } = await migrator.migrateToLatest();
    if (error !== undefined) {
      const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
      throw new StoreError(`Store migration failed at ${failed}.`, { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }

  async insertApiKey(key: ApiKeyRecord): Promise<void> {
    await this.#db.insertInto('api_keys').values(apiKeyToRow(key)).execute();
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.#db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : rowToApiKey(row);
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    const rows = await this.#db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(rowToApiKey);
  }

  async revokeApiKey(id: string, at: Date): Promise<boolean> {
    const result = await this.#db
      .updateTable('api_keys')
      .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(toEpochMs(at))) }))
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async touchApiKey(id: string, at: Date): Promise<void> {
    const ms = toEpochMs(at);
    // Concurrent requests may finish out of order; last-used time only moves forward.
    await this.#db
      .updateTable('api_keys')
      .set({ last_used_at: ms })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', ms)]))
      .execute();
  }

  async insertSession(session: SessionRecord): Promise<void> {
    await this.#db.insertInto('sessions').values(sessionToRow(session)).execute();
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const row = await this.#db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : rowToSession(row);
  }

  async listSessions(apiKeyId: string): Promise<SessionRecord[]> {
    const rows = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('api_key_id', '=', apiKeyId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(rowToSession);
  }

  async listLiveSessions(): Promise<SessionRecord[]> {
    const rows = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('status', '<>', 'terminated')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(rowToSession);
  }

  async updateSession(id: string, patch: SessionPatch): Promise<SessionRecord | undefined> {
    const set = sessionPatchToRow(patch);
    if (Object.keys(set).length === 0) return this.getSession(id);
    const row = await this.#db.updateTable('sessions').set(set).where('id', '=', id).returningAll().executeTakeFirst();
    return row === undefined ? undefined : rowToSession(row);
  }

  async deleteSession(id: string): Promise<boolean> {
    // Messages go with it through the foreign key's ON DELETE CASCADE (SQLite: foreign_keys = ON).
    const result = await this.#db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async appendMessage(sessionId: string, message: NewMessage): Promise<MessageRecord> {
    const timestamp = message.timestamp ?? this.#clock.now();
    const { content, content_is_text } = encodeContent(message.content);
    const metadata = JSON.stringify(message.metadata);
    return this.#db.transaction().execute(async (trx) => {
      // The counter update takes the row (SQLite: the write lock) first, so concurrent appends
      // to one session serialize here and each sees the previous one's id.
      const bumped = await trx
        .updateTable('sessions')
        .set((eb) => ({ last_message_id: eb('last_message_id', '+', 1) }))
        .where('id', '=', sessionId)
        .returning('last_message_id')
        .executeTakeFirst();
      if (bumped === undefined) throw new UnknownSessionError(sessionId);
      const id = Number(bumped.last_message_id);
      await trx
        .insertInto('messages')
        .values({
          session_id: sessionId,
          id,
          type: message.type,
          content,
          content_is_text,
          timestamp: toEpochMs(timestamp),
          metadata,
          internal: message.internal ? 1 : 0,
        })
        .execute();
      return {
        sessionId,
        id,
        type: message.type,
        content: message.content,
        timestamp,
        metadata: message.metadata,
        internal: message.internal,
      };
    });
  }

  async listMessages(
    sessionId: string,
    options: { afterId: number; includeInternal: boolean; limit?: number },
  ): Promise<MessageRecord[]> {
    let query = this.#db
      .selectFrom('messages')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('id', '>', options.afterId);
    if (!options.includeInternal) query = query.where('internal', '=', 0);
    query = query.orderBy('id');
    if (options.limit !== undefined) query = query.limit(Math.max(0, Math.floor(options.limit)));
    const rows = await query.execute();
    return rows.map(rowToMessage);
  }

  async insertEnvironment(environment: EnvironmentRecord): Promise<void> {
    await this.#db.insertInto('environments').values(environmentToRow(environment)).execute();
  }

  async getEnvironment(id: string): Promise<EnvironmentRecord | undefined> {
    const row = await this.#db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : rowToEnvironment(row);
  }

  async getEnvironmentBySession(sessionId: string): Promise<EnvironmentRecord | undefined> {
    const row = await this.#db
      .selectFrom('environments')
      .selectAll()
      .where('source_session_id', '=', sessionId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToEnvironment(row);
  }

  async getDefaultEnvironment(apiKeyId: string): Promise<EnvironmentRecord | undefined> {
    const row = await this.#db
      .selectFrom('environments')
      .selectAll()
      .where('api_key_id', '=', apiKeyId)
      .where('is_default', '=', 1)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToEnvironment(row);
  }
}

function sessionPatchToRow(patch: SessionPatch): Updateable<SessionsTable> {
  const set: Updateable<SessionsTable> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.executionStatus !== undefined) set.execution_status = patch.executionStatus;
  if (patch.updatedAt !== undefined) set.updated_at = toEpochMs(patch.updatedAt);
  if (patch.lastActivityAt !== undefined) set.last_activity_at = toEpochMs(patch.lastActivityAt);
  if (patch.goal !== undefined) set.goal = patch.goal;
  return set;
}
