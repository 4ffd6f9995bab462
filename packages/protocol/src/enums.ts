import { z } from 'zod';

/** Agent names a client may ask for (spec §2.1). */
export const AGENT_NAMES = ['agi-0', 'agi-0-fast'] as const;
export const AgentName = z.enum(AGENT_NAMES);
export type AgentName = z.infer<typeof AgentName>;

/** Lifecycle status of a session (spec §2.2, §9.6). */
/** Who drives which browser (spec §1.1): the server its own Chromium, the server the client's Chromium over CDP, or the client its own screen. */
export const AGENT_SESSION_TYPES = ['managed-cdp', 'external-cdp', 'desktop'] as const;
export const AgentSessionType = z.enum(AGENT_SESSION_TYPES);
export type AgentSessionType = z.infer<typeof AgentSessionType>;

/** The machine a session runs on (spec §1.1): Chrome on a desktop, or a desktop alone. */
export const ENVIRONMENT_TYPES = ['chrome-1', 'ubuntu-1'] as const;
export const EnvironmentType = z.enum(ENVIRONMENT_TYPES);
export type EnvironmentType = z.infer<typeof EnvironmentType>;

export const SESSION_STATUSES = ['initializing', 'ready', 'running', 'paused', 'completed', 'error', 'terminated'] as const;
export const SessionStatus = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof SessionStatus>;

/** Execution (task) status (spec §2.3, §9.7). */
export const EXECUTION_STATUSES = ['ready', 'running', 'waiting_for_input', 'paused', 'finished', 'error'] as const;
export const ExecutionStatus = z.enum(EXECUTION_STATUSES);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

/** Message types as they appear in `/messages` (spec §2.4). */
export const MESSAGE_TYPES = ['THOUGHT', 'QUESTION', 'USER', 'DONE', 'ERROR', 'LOG'] as const;
export const MessageType = z.enum(MESSAGE_TYPES);
export type MessageType = z.infer<typeof MessageType>;

/** SSE event names (spec §2.5). */
export const EVENT_TYPES = ['step', 'thought', 'question', 'done', 'error', 'log', 'paused', 'resumed', 'heartbeat', 'user'] as const;
export const EventType = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventType>;

/** Webhook event names (spec §2.6). */
export const WEBHOOK_EVENTS = [
  'session.created',
  'session.status_changed',
  'session.deleted',
  'task.started',
  'task.completed',
  'task.question',
  'task.error',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Snapshot modes on delete (spec §1.4); matched case-insensitively. */
export const SNAPSHOT_MODES = ['none', 'memory', 'filesystem'] as const;
export type SnapshotMode = (typeof SNAPSHOT_MODES)[number];
