import type { SessionStatus, WebhookEvent } from '@steward/protocol';

/** The seven webhook event names of spec §2.6. */
export type WebhookEventName = WebhookEvent;

/**
 * What a webhook body says about its session (spec §6.1). Domain casing; the dispatcher writes the
 * wire object `{ id, status, agent_name, created_at, vnc_url? }`. A `SessionRecord` fits as is.
 */
export interface WebhookSession {
  id: string;
  status: SessionStatus;
  agentName: string;
  createdAt: Date;
  vncUrl?: string | undefined;
}

/** The part of a pino logger the dispatcher uses. */
export interface WebhookLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
