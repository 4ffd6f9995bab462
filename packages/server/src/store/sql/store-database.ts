import type { Generated } from 'kysely';

/*
 * Column conventions, chosen to be identical in SQLite and PostgreSQL:
 * - instants are epoch milliseconds (`bigint`); PostgreSQL drivers may hand them back as strings,
 *   so readers always go through `Number()`;
 * - booleans are `integer` 0/1 (SQLite has no boolean type and cannot bind JS booleans);
 * - JSON is `text`, parsed in one place (row-mappers.ts);
 * - secrets (session options with `proxy_url`, the webhook URL, saved browser state) are `text`
 *   sealed by the store's `SecretBox` (`v1:…`); rows from before sealing hold plain text until
 *   the first start with a key seals them. A payment token's card and a task checkpoint are sealed
 *   from their first write.
 */

export type EpochMs = number | string;
export type Flag = number;
/** Hundredths of a currency unit, a `bigint` column (read through `Number()` like instants). */
export type Cents = number | string;

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  created_at: EpochMs;
  revoked_at: EpochMs | null;
  last_used_at: EpochMs | null;
}

export interface SessionsTable {
  id: string;
  api_key_id: string;
  agent_name: string;
  status: string;
  execution_status: string;
  created_at: EpochMs;
  updated_at: EpochMs;
  last_activity_at: EpochMs;
  /** Sealed. */
  webhook_url: string | null;
  max_steps: number;
  goal: string | null;
  environment_id: string;
  last_message_id: Generated<number>;
  /** Sealed JSON. */
  options: string;
}

export interface MessagesTable {
  session_id: string;
  id: number;
  type: string;
  /** The string itself when `content_is_text` is 1, JSON otherwise. */
  content: string;
  content_is_text: Flag;
  timestamp: EpochMs;
  metadata: string;
  internal: Flag;
}

export interface EnvironmentsTable {
  id: string;
  api_key_id: string;
  source_session_id: string;
  /** Sealed JSON. */
  storage_state: string;
  is_default: Flag;
  created_at: EpochMs;
}

/** One row, sealed with the secret key, to check the key at start-up (migration 0003). */
export interface SecretKeyCheckTable {
  id: string;
  sealed: string;
  created_at: EpochMs;
}

/** Each API key's webhook signing secret (migration 0004). */
export interface WebhookSecretsTable {
  api_key_id: string;
  /** Sealed. */
  secret: string;
  created_at: EpochMs;
}

/** One-time payment tokens (migration 0005). */
export interface PaymentTokensTable {
  id: string;
  api_key_id: string;
  last4: string;
  brand: string;
  /** Hundredths of the currency's unit. */
  max_amount_cents: Cents | null;
  currency: string;
  /** JSON array. */
  merchant_domains: string;
  expires_at: EpochMs | null;
  status: string;
  /** JSON, while reserved. */
  reservation: string | null;
  /** Sealed JSON; null once the token is spent or revoked. */
  card: string | null;
  created_at: EpochMs;
  spent_at: EpochMs | null;
  revoked_at: EpochMs | null;
}

/** Approval records of sessions (migration 0005). */
export interface ApprovalsTable {
  id: string;
  session_id: string;
  message_id: number;
  /** JSON. */
  action: string;
  amount_cents: Cents | null;
  currency: string | null;
  payment_token: string | null;
  digest: string;
  question: string;
  answer: string | null;
  decision: string;
  executed: Flag | null;
  asked_at: EpochMs;
  answered_at: EpochMs | null;
}

/** Each session's secrets for `{{secret:NAME}}` (migration 0006). */
export interface SessionSecretsTable {
  session_id: string;
  /** Sealed JSON: `{ NAME: { value, domains? } }`. */
  secrets: string;
  updated_at: EpochMs;
}

/** Browser workers as last heard from (migration 0007). */
export interface WorkersTable {
  id: string;
  started_at: EpochMs;
  heartbeat_at: EpochMs;
  capacity: number;
  load: number;
  /** JSON. */
  meta: string;
}

/** Which worker owns each session (migration 0007). */
export interface SessionLeasesTable {
  session_id: string;
  worker_id: string;
  expires_at: EpochMs;
}

/** Each session's running task, as it last stood (migration 0007). */
export interface TaskCheckpointsTable {
  session_id: string;
  /** Sealed JSON. */
  data: string;
  updated_at: EpochMs;
}

export interface StoreDatabase {
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  messages: MessagesTable;
  environments: EnvironmentsTable;
  webhook_secrets: WebhookSecretsTable;
  secret_key_check: SecretKeyCheckTable;
  payment_tokens: PaymentTokensTable;
  approvals: ApprovalsTable;
  session_secrets: SessionSecretsTable;
  workers: WorkersTable;
  session_leases: SessionLeasesTable;
  task_checkpoints: TaskCheckpointsTable;
}
