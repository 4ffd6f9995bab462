import type { SessionStatus } from '@steward/protocol';
import type { MessageContent } from '../../domain/index.ts';
import { isoTimestamp } from '../../util/clock.ts';
import type { WebhookEventName, WebhookSession } from './webhook-types.ts';

/** Fields every body carries; `extra` cannot replace them. */
const RESERVED_KEYS = new Set(['event', 'timestamp', 'session']);

/**
 * Event-specific fields of each webhook (spec §6.1), so callers cannot get the shapes wrong.
 * Pass the result as `extra` to `WebhookDispatcher.send` with the matching event name.
 */
export const webhookPayloads = {
  /** `session.created` */
  sessionCreated: (): Record<string, never> => ({}),
  /** `session.status_changed` */
  statusChanged: (oldStatus: SessionStatus, newStatus: SessionStatus): { old_status: SessionStatus; new_status: SessionStatus } => ({
    old_status: oldStatus,
    new_status: newStatus,
  }),
  /** `session.deleted` */
  sessionDeleted: (): Record<string, never> => ({}),
  /** `task.started`; `message` is the task text. */
  taskStarted: (message: string): { message: string } => ({ message }),
  /**
   * `task.completed`: the documented fixed `result`, and the agent's answer (the DONE message's
   * `content`, text or structured data) as the extra field `content`.
   */
  taskCompleted: (content: MessageContent): { result: { status: 'success'; message: string }; content: MessageContent } => ({
    result: { status: 'success', message: 'Task completed successfully' },
    content,
  }),
  /** `task.question` */
  /** `task.question`; `context` is the QUESTION's metadata: its choices, and for an approval what it is for (kind, action, site, amount, digest). */
  taskQuestion: (question: string, context: Record<string, unknown> = {}): { question: string; context: Record<string, unknown> } => ({ question, context }),
  /** `task.error`; `error` must be client-safe text, never internals; `details` carries a screening refusal's code and category. */
  taskError: (error: string, details: Record<string, unknown> = {}): { error: string; details: Record<string, unknown> } => ({ error, details }),
} as const;

/** The JSON body of one webhook (spec §6.1): `event`, `timestamp`, `session`, then the extra fields. */
export function buildWebhookBody(
  event: WebhookEventName,
  session: WebhookSession,
  extra: Record<string, unknown>,
  at: Date,
): Record<string, unknown> {
  const wireSession: Record<string, unknown> = {
    id: session.id,
    status: session.status,
    agent_name: session.agentName,
    created_at: isoTimestamp(session.createdAt),
  };
  if (session.vncUrl !== undefined) wireSession.vnc_url = session.vncUrl;
  const body: Record<string, unknown> = { event, timestamp: isoTimestamp(at), session: wireSession };
  for (const [key, value] of Object.entries(extra)) {
    if (!RESERVED_KEYS.has(key)) body[key] = value;
  }
  return body;
}
