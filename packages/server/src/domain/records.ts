import type { AgentName, ExecutionStatus, MessageType, SessionStatus } from '@steward/protocol';

/** An API key as stored: never the key itself, only a hash of its secret part. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  /** First characters of the full key, shown in listings so a person can tell keys apart. */
  prefix: string;
  /** hex SHA-256 of the key's secret part. */
  secretHash: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** A session as stored. Domain code is camelCase; the API serializes it. */
/** One secret a session's tasks may type as `{{secret:NAME}}`. */
export interface SessionSecretRecord {
  value: string;
  /** The only domains it may be typed into; absent: the sites the task names. */
  domains?: string[] | undefined;
}

export interface SessionRecord {
  id: string;
  apiKeyId: string;
  agentName: AgentName;
  status: SessionStatus;
  executionStatus: ExecutionStatus;
  createdAt: Date;
  updatedAt: Date;
  /** Last client command or agent step; the idle timeout counts from here. */
  lastActivityAt: Date;
  webhookUrl: string | null;
  maxSteps: number;
  goal: string | null;
  environmentId: string;
  /** Id of the last message appended; the next message gets `lastMessageId + 1`. */
  lastMessageId: number;
  /** Free-form options from create (`agent_session_type`, restore ids, …) kept for later issues. */
  options: Record<string, unknown>;
}

export type SessionPatch = Partial<
  Pick<SessionRecord, 'status' | 'executionStatus' | 'updatedAt' | 'lastActivityAt' | 'goal'>
>;

export type MessageContent = string | Record<string, unknown> | unknown[];

/** A message in a session's log. `internal` messages are hidden when `sanitize=true`. */
export interface MessageRecord {
  sessionId: string;
  id: number;
  type: MessageType;
  content: MessageContent;
  timestamp: Date;
  metadata: Record<string, unknown>;
  internal: boolean;
}

export type NewMessage = Omit<MessageRecord, 'sessionId' | 'id' | 'timestamp'> & { timestamp?: Date };

/** A saved browser storage state (issue 3 snapshots); kept by environment id. */
export interface EnvironmentRecord {
  id: string;
  apiKeyId: string;
  sourceSessionId: string;
  storageState: Record<string, unknown>;
  isDefault: boolean;
  createdAt: Date;
}

/** What a browser worker reports of itself on each heartbeat. */
export interface WorkerHeartbeat {
  id: string;
  /** Sessions it can run at once. */
  capacity: number;
  /** Sessions it runs now. */
  load: number;
  /** Free-form facts about it, such as the address API nodes reach it at. */
  meta: Record<string, unknown>;
}

/** A browser worker as last heard from. */
export interface WorkerRecord extends WorkerHeartbeat {
  /** Its first heartbeat. */
  startedAt: Date;
  heartbeatAt: Date;
}

/** Which worker owns a session, until when: past `expiresAt` another worker may adopt it. */
export interface SessionLease {
  sessionId: string;
  workerId: string;
  expiresAt: Date;
}

/** Where a session's running task stood (messages so far, plan, step, browser state): a secret. */
export interface TaskCheckpoint {
  sessionId: string;
  data: Record<string, unknown>;
  updatedAt: Date;
}
