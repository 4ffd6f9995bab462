import { Migrator, sql, type Kysely, type Updateable } from 'kysely';
import type { Clock } from '../../util/clock.ts';
import { systemClock } from '../../util/clock.ts';
import type { ListMessagesOptions, Store } from '../port.ts';
import type { ApiKeyRecord, EnvironmentRecord, MessageRecord, NewMessage, SessionPatch, SessionRecord, SessionSecretRecord } from '../../domain/index.ts';
import { isSealed, SecretBoxError, type SecretBox } from '../secrets/secret-box.ts';
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
import type { PaymentStore } from '../payment-store.ts';
import { SqlPaymentStore } from './sql-payment-store.ts';
import type { ClusterStore } from '../cluster-store.ts';
import { SqlClusterStore } from './sql-cluster-store.ts';

export interface SqlStoreOptions {
  /** Stamps messages appended without a timestamp. */
  clock?: Clock | undefined;
  /** Seals the secret columns (store-database.ts says which). There is no unsealed mode. */
  secrets: SecretBox;
  /** How this dialect makes deleted rows leave the database files; none: the dialect's own behaviour. */
  scrubber?: DeletedDataScrubber | undefined;
}

/**
 * Deleted rows gone from the files, not just from queries: SQLite, even with `secure_delete`,
 * keeps earlier versions of pages in its WAL until a checkpoint, and a database written before
 * `secure_delete` keeps freed pages as they were.
 */
export interface DeletedDataScrubber {
  /** After a delete: no earlier copy of the deleted rows stays readable in the files. None: the dialect cannot promise that cheaply. */
  afterDelete?(db: Kysely<StoreDatabase>): Promise<void>;
  /** Rewrites the whole database (once, after legacy rows were sealed). */
  rebuild(db: Kysely<StoreDatabase>): Promise<void>;
}

/** What the key-check row seals; any text would do, a fixed one makes the check a comparison. */
const KEY_CHECK_TEXT = 'steward secret key check';
const KEY_CHECK_ID = 'store';

/**
 * `Store` over any Kysely dialect. Queries stay within SQL that SQLite and PostgreSQL share
 * (`RETURNING`, `ON CONFLICT` upserts, no JSON operators); dialect choices live in the factories.
 * Reads are single indexed statements without a transaction: they sit on the API's hot path.
 */
export class SqlStore implements Store {
  readonly #db: Kysely<StoreDatabase>;
  readonly #clock: Clock;
  readonly #secrets: SecretBox;
  readonly #scrubber: DeletedDataScrubber | undefined;
  readonly #payments: SqlPaymentStore;
  readonly #cluster: SqlClusterStore;

  constructor(db: Kysely<StoreDatabase>, options: SqlStoreOptions) {
    this.#db = db;
    this.#clock = options.clock ?? systemClock;
    this.#secrets = options.secrets;
    this.#scrubber = options.scrubber;
    this.#payments = new SqlPaymentStore(db, options.secrets, async () => this.#scrubber?.afterDelete?.(db));
    this.#cluster = new SqlClusterStore(db, options.secrets, async () => this.#scrubber?.afterDelete?.(db));
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#db);
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

  /**
   * True when the key-check row opens with this store's key; false when there is none yet (a new
   * database, or one from before sealing). Throws `SecretBoxError` when the row was sealed with
   * another key: nothing sealed here would open, so the caller must stop. Call after `migrate`.
   */
  async verifySecretKey(): Promise<boolean> {
    const row = await this.#db.selectFrom('secret_key_check').select('sealed').where('id', '=', KEY_CHECK_ID).executeTakeFirst();
    if (row === undefined) return false;
    if (this.#secrets.open(row.sealed) !== KEY_CHECK_TEXT) throw new SecretBoxError('The key-check row opened to unexpected text.');
    return true;
  }

  /**
   * Seals every secret column still in plain text (rows written before sealing existed) and
   * stores the key-check row unless another process stored one first, in one transaction; then, when it sealed anything, rebuilds the
   * database so no plain copy stays behind in freed pages. Returns how many rows it sealed.
   */
  async sealStoredSecrets(): Promise<number> {
    const sealed = await this.#db.transaction().execute(async (trx) => {
      let count = 0;
      const sessions = await trx.selectFrom('sessions').select(['id', 'options', 'webhook_url']).execute();
      for (const row of sessions) {
        const plainWebhook = row.webhook_url !== null && !isSealed(row.webhook_url);
        if (isSealed(row.options) && !plainWebhook) continue;
        await trx
          .updateTable('sessions')
          .set({
            options: isSealed(row.options) ? row.options : this.#secrets.seal(row.options),
            webhook_url: row.webhook_url === null || !plainWebhook ? row.webhook_url : this.#secrets.seal(row.webhook_url),
          })
          .where('id', '=', row.id)
          .execute();
        count++;
      }
      const environments = await trx.selectFrom('environments').select(['id', 'storage_state']).execute();
      for (const row of environments) {
        if (isSealed(row.storage_state)) continue;
        await trx.updateTable('environments').set({ storage_state: this.#secrets.seal(row.storage_state) }).where('id', '=', row.id).execute();
        count++;
      }
      const check = await trx.selectFrom('secret_key_check').select('id').where('id', '=', KEY_CHECK_ID).executeTakeFirst();
      if (check === undefined) {
        // Several servers starting together on one database all get here; the first row stays,
        // and `verifySecretKey` afterwards tells each whether its key is that row's.
        await trx
          .insertInto('secret_key_check')
          .values({ id: KEY_CHECK_ID, sealed: this.#secrets.seal(KEY_CHECK_TEXT), created_at: toEpochMs(this.#clock.now()) })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      }
      return count;
    });
    if (sealed > 0) await this.#scrubber?.rebuild(this.#db);
    return sealed;
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

  async ensureWebhookSecret(apiKeyId: string, candidate: string): Promise<string> {
    // DO NOTHING on conflict is the one upsert form SQLite and PostgreSQL share; whoever inserted
    // first (this process, another server, the CLI), everyone then reads that row.
    await this.#db
      .insertInto('webhook_secrets')
      .values({ api_key_id: apiKeyId, secret: this.#secrets.seal(candidate), created_at: toEpochMs(this.#clock.now()) })
      .onConflict((oc) => oc.column('api_key_id').doNothing())
      .execute();
    const row = await this.#db.selectFrom('webhook_secrets').select('secret').where('api_key_id', '=', apiKeyId).executeTakeFirstOrThrow();
    return this.#secrets.open(row.secret);
  }

  async insertSession(session: SessionRecord): Promise<void> {
    await this.#db.insertInto('sessions').values(sessionToRow(session, this.#secrets)).execute();
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const row = await this.#db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : rowToSession(row, this.#secrets);
  }

  async listSessions(apiKeyId: string): Promise<SessionRecord[]> {
    const rows = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('api_key_id', '=', apiKeyId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map((row) => rowToSession(row, this.#secrets));
  }

  async listLiveSessions(): Promise<SessionRecord[]> {
    const rows = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('status', '<>', 'terminated')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => rowToSession(row, this.#secrets));
  }

  async updateSession(id: string, patch: SessionPatch): Promise<SessionRecord | undefined> {
    const set = sessionPatchToRow(patch);
    if (Object.keys(set).length === 0) return this.getSession(id);
    const row = await this.#db.updateTable('sessions').set(set).where('id', '=', id).returningAll().executeTakeFirst();
    return row === undefined ? undefined : rowToSession(row, this.#secrets);
  }

  async deleteSession(id: string): Promise<boolean> {
    // Messages, secrets, approvals, lease and checkpoint go with it through their foreign keys'
    // ON DELETE CASCADE (SQLite: foreign_keys = ON).
    const result = await this.#db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
    const deleted = result.numDeletedRows > 0n;
    if (deleted) await this.#scrubber?.afterDelete?.(this.#db);
    return deleted;
  }

  async setSessionSecrets(sessionId: string, secrets: Readonly<Record<string, SessionSecretRecord>>): Promise<void> {
    const sealed = this.#secrets.seal(JSON.stringify(secrets));
    const at = toEpochMs(this.#clock.now());
    await this.#db.transaction().execute(async (trx) => {
      const session = await trx.selectFrom('sessions').select('id').where('id', '=', sessionId).executeTakeFirst();
      if (session === undefined) throw new UnknownSessionError(sessionId);
      await trx
        .insertInto('session_secrets')
        .values({ session_id: sessionId, secrets: sealed, updated_at: at })
        .onConflict((oc) => oc.column('session_id').doUpdateSet({ secrets: sealed, updated_at: at }))
        .execute();
    });
    // The old sealed copy is overwritten in place (secure_delete), like a deleted row.
    await this.#scrubber?.afterDelete?.(this.#db);
  }

  async getSessionSecrets(sessionId: string): Promise<Record<string, SessionSecretRecord>> {
    const row = await this.#db.selectFrom('session_secrets').select('secrets').where('session_id', '=', sessionId).executeTakeFirst();
    return row === undefined ? {} : (JSON.parse(this.#secrets.open(row.secrets)) as Record<string, SessionSecretRecord>);
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
    options: ListMessagesOptions,
  ): Promise<MessageRecord[]> {
    let query = this.#db
      .selectFrom('messages')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('id', '>', options.afterId);
    if (!options.includeInternal) query = query.where('internal', '=', 0);
    if (options.type !== undefined) query = query.where('type', '=', options.type);
    query = query.orderBy('id', options.newestFirst === true ? 'desc' : 'asc');
    if (options.limit !== undefined) query = query.limit(Math.max(0, Math.floor(options.limit)));
    const rows = await query.execute();
    return rows.map(rowToMessage);
  }

  async insertEnvironment(environment: EnvironmentRecord): Promise<void> {
    await this.#db.insertInto('environments').values(environmentToRow(environment, this.#secrets)).execute();
  }

  async getEnvironment(id: string): Promise<EnvironmentRecord | undefined> {
    const row = await this.#db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : rowToEnvironment(row, this.#secrets);
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
    return row === undefined ? undefined : rowToEnvironment(row, this.#secrets);
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
    return row === undefined ? undefined : rowToEnvironment(row, this.#secrets);
  }

  // Payment tokens and approvals: see SqlPaymentStore.
  insertPaymentToken: PaymentStore['insertPaymentToken'] = (token, card) => this.#payments.insertPaymentToken(token, card);
  getPaymentToken: PaymentStore['getPaymentToken'] = (id) => this.#payments.getPaymentToken(id);
  listPaymentTokens: PaymentStore['listPaymentTokens'] = (apiKeyId) => this.#payments.listPaymentTokens(apiKeyId);
  openPaymentCard: PaymentStore['openPaymentCard'] = (id) => this.#payments.openPaymentCard(id);
  updatePaymentToken: PaymentStore['updatePaymentToken'] = (id, from, patch) => this.#payments.updatePaymentToken(id, from, patch);
  listReservedPaymentTokens: PaymentStore['listReservedPaymentTokens'] = () => this.#payments.listReservedPaymentTokens();
  insertApproval: PaymentStore['insertApproval'] = (approval) => this.#payments.insertApproval(approval);
  updateApproval: PaymentStore['updateApproval'] = (id, patch) => this.#payments.updateApproval(id, patch);
  listApprovals: PaymentStore['listApprovals'] = (sessionId) => this.#payments.listApprovals(sessionId);

  // Heartbeats, leases and checkpoints: see SqlClusterStore.
  heartbeat: ClusterStore['heartbeat'] = (worker, at) => this.#cluster.heartbeat(worker, at);
  liveWorkers: ClusterStore['liveWorkers'] = (since) => this.#cluster.liveWorkers(since);
  removeWorker: ClusterStore['removeWorker'] = (id) => this.#cluster.removeWorker(id);
  claimSession: ClusterStore['claimSession'] = (sessionId, workerId, until, at) => this.#cluster.claimSession(sessionId, workerId, until, at);
  renewLeases: ClusterStore['renewLeases'] = (workerId, until) => this.#cluster.renewLeases(workerId, until);
  releaseSession: ClusterStore['releaseSession'] = (sessionId, workerId) => this.#cluster.releaseSession(sessionId, workerId);
  expiredLeases: ClusterStore['expiredLeases'] = (at) => this.#cluster.expiredLeases(at);
  unleasedSessions: ClusterStore['unleasedSessions'] = (createdBefore) => this.#cluster.unleasedSessions(createdBefore);
  leaseOf: ClusterStore['leaseOf'] = (sessionId) => this.#cluster.leaseOf(sessionId);
  saveCheckpoint: ClusterStore['saveCheckpoint'] = (sessionId, data, at) => this.#cluster.saveCheckpoint(sessionId, data, at);
  getCheckpoint: ClusterStore['getCheckpoint'] = (sessionId) => this.#cluster.getCheckpoint(sessionId);
  deleteCheckpoint: ClusterStore['deleteCheckpoint'] = (sessionId) => this.#cluster.deleteCheckpoint(sessionId);
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
