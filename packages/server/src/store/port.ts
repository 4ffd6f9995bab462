import type { ApiKeyRecord, EnvironmentRecord, MessageRecord, NewMessage, SessionPatch, SessionRecord, SessionSecretRecord } from '../domain/index.ts';
import type { MessageType } from '@steward/protocol';
import type { PaymentStore } from './payment-store.ts';
import type { ClusterStore } from './cluster-store.ts';

/**
 * Durable state of the service. Every method is atomic on its own. Implementations must make
 * `appendMessage` assign ids per session starting at 1, strictly increasing by 1, even under
 * concurrent calls, and must keep everything across a process restart.
 *
 * Not-found is a value (`undefined` / `false`), never a thrown error; adapters throw only for
 * infrastructure failures.
 */
export interface ListMessagesOptions {
  afterId: number;
  includeInternal: boolean;
  limit?: number;
  type?: MessageType;
  newestFirst?: boolean;
}

export interface Store extends PaymentStore, ClusterStore {
  /** Applies pending migrations. Idempotent. */
  migrate(): Promise<void>;
  /** One round trip to the database (health checks); rejects when it cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;

  insertApiKey(key: ApiKeyRecord): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked at `at`. False when no such key exists. Revoking twice keeps the first time. */
  revokeApiKey(id: string, at: Date): Promise<boolean>;
  touchApiKey(id: string, at: Date): Promise<void>;
  /**
   * The webhook signing secret of an API key: the one stored, or, when the key has none yet,
   * `candidate`, stored first. Concurrent calls, from several processes too, all get the one that
   * was stored. It is a secret: adapters that seal secrets at rest seal it.
   */
  ensureWebhookSecret(apiKeyId: string, candidate: string): Promise<string>;

  insertSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  /** Sessions of one key, newest first. */
  listSessions(apiKeyId: string): Promise<SessionRecord[]>;
  /** Sessions whose status is not `terminated`, across all keys (used after a restart). */
  listLiveSessions(): Promise<SessionRecord[]>;
  /** Applies the patch and returns the updated record; undefined when the session does not exist. */
  updateSession(id: string, patch: SessionPatch): Promise<SessionRecord | undefined>;
  /** Deletes the session with everything kept per session (messages, secrets, approvals, lease, checkpoint). False when it did not exist. */
  deleteSession(id: string): Promise<boolean>;
  /**
   * Replaces the session's secrets (`{{secret:NAME}}` values, sealed at rest by adapters that seal).
   * Throws when the session does not exist; they go when it is deleted.
   */
  setSessionSecrets(sessionId: string, secrets: Readonly<Record<string, SessionSecretRecord>>): Promise<void>;
  /** The session's secrets; empty when it has none or does not exist. */
  getSessionSecrets(sessionId: string): Promise<Record<string, SessionSecretRecord>>;

  /**
   * Appends a message with the next id of its session and the session's `lastMessageId` bumped,
   * in one transaction. Throws when the session does not exist.
   */
  appendMessage(sessionId: string, message: NewMessage): Promise<MessageRecord>;
  /**
   * Messages with `id > afterId`, ascending (`newestFirst`: descending); internal ones only when
   * `includeInternal`; only those of `type` when given; at most `limit`.
   */
  listMessages(sessionId: string, options: ListMessagesOptions): Promise<MessageRecord[]>;

  insertEnvironment(environment: EnvironmentRecord): Promise<void>;
  getEnvironment(id: string): Promise<EnvironmentRecord | undefined>;
  /** The most recent environment saved from the given session, if any. */
  getEnvironmentBySession(sessionId: string): Promise<EnvironmentRecord | undefined>;
  /** The environment marked default for a key, if any. */
  getDefaultEnvironment(apiKeyId: string): Promise<EnvironmentRecord | undefined>;
}
