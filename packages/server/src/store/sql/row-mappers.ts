import type { Selectable } from 'kysely';
import type { AgentName, ExecutionStatus, MessageType, SessionStatus } from '@steward/protocol';
import type { ApiKeyRecord, EnvironmentRecord, MessageContent, MessageRecord, SessionRecord } from '../../domain/index.ts';
import { isSealed, type SecretBox } from '../secrets/secret-box.ts';
import type { ApiKeysTable, EnvironmentsTable, EpochMs, MessagesTable, SessionsTable } from './store-database.ts';

// Rows are written only by this adapter, so their JSON and enum values are trusted on the way
// back; a parse failure here means a corrupted database and is allowed to throw.
// Secret columns are sealed here and nowhere else (see store-database.ts for which).

/** A secret column's text: opened when sealed; a row from before sealing still reads as it was. */
export function openColumn(text: string, secrets: SecretBox): string {
  return isSealed(text) ? secrets.open(text) : text;
}

export function toEpochMs(date: Date): number {
  return date.getTime();
}

function toDate(value: EpochMs): Date {
  return new Date(Number(value));
}

function toDateOrNull(value: EpochMs | null): Date | null {
  return value === null ? null : new Date(Number(value));
}

export function apiKeyToRow(key: ApiKeyRecord): Selectable<ApiKeysTable> {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    secret_hash: key.secretHash,
    created_at: toEpochMs(key.createdAt),
    revoked_at: key.revokedAt === null ? null : toEpochMs(key.revokedAt),
    last_used_at: key.lastUsedAt === null ? null : toEpochMs(key.lastUsedAt),
  };
}

export function rowToApiKey(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    secretHash: row.secret_hash,
    createdAt: toDate(row.created_at),
    revokedAt: toDateOrNull(row.revoked_at),
    lastUsedAt: toDateOrNull(row.last_used_at),
  };
}

export function sessionToRow(session: SessionRecord, secrets: SecretBox): Selectable<SessionsTable> {
  return {
    id: session.id,
    api_key_id: session.apiKeyId,
    agent_name: session.agentName,
    status: session.status,
    execution_status: session.executionStatus,
    created_at: toEpochMs(session.createdAt),
    updated_at: toEpochMs(session.updatedAt),
    last_activity_at: toEpochMs(session.lastActivityAt),
    webhook_url: session.webhookUrl === null ? null : secrets.seal(session.webhookUrl),
    max_steps: session.maxSteps,
    goal: session.goal,
    environment_id: session.environmentId,
    last_message_id: session.lastMessageId,
    options: secrets.seal(JSON.stringify(session.options)),
  };
}

export function rowToSession(row: Selectable<SessionsTable>, secrets: SecretBox): SessionRecord {
  return {
    id: row.id,
    apiKeyId: row.api_key_id,
    agentName: row.agent_name as AgentName,
    status: row.status as SessionStatus,
    executionStatus: row.execution_status as ExecutionStatus,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    lastActivityAt: toDate(row.last_activity_at),
    webhookUrl: row.webhook_url === null ? null : openColumn(row.webhook_url, secrets),
    maxSteps: Number(row.max_steps),
    goal: row.goal,
    environmentId: row.environment_id,
    lastMessageId: Number(row.last_message_id),
    options: JSON.parse(openColumn(row.options, secrets)) as Record<string, unknown>,
  };
}

/** Strings are stored as themselves (no quoting, readable in a SQL shell); anything else as JSON. */
export function encodeContent(content: MessageContent): { content: string; content_is_text: number } {
  return typeof content === 'string'
    ? { content, content_is_text: 1 }
    : { content: JSON.stringify(content), content_is_text: 0 };
}

export function rowToMessage(row: Selectable<MessagesTable>): MessageRecord {
  return {
    sessionId: row.session_id,
    id: Number(row.id),
    type: row.type as MessageType,
    content: Number(row.content_is_text) === 1 ? row.content : (JSON.parse(row.content) as MessageContent),
    timestamp: toDate(row.timestamp),
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    internal: Number(row.internal) === 1,
  };
}

export function environmentToRow(environment: EnvironmentRecord, secrets: SecretBox): Selectable<EnvironmentsTable> {
  return {
    id: environment.id,
    api_key_id: environment.apiKeyId,
    source_session_id: environment.sourceSessionId,
    storage_state: secrets.seal(JSON.stringify(environment.storageState)),
    is_default: environment.isDefault ? 1 : 0,
    created_at: toEpochMs(environment.createdAt),
  };
}

export function rowToEnvironment(row: Selectable<EnvironmentsTable>, secrets: SecretBox): EnvironmentRecord {
  return {
    id: row.id,
    apiKeyId: row.api_key_id,
    sourceSessionId: row.source_session_id,
    storageState: JSON.parse(openColumn(row.storage_state, secrets)) as Record<string, unknown>,
    isDefault: Number(row.is_default) === 1,
    createdAt: toDate(row.created_at),
  };
}
