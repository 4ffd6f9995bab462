import type { SessionStatus, WebhookEvent } from '@steward/protocol';

/** The seven webhook event names of spec §2.6. */
export type WebhookEventName = WebhookEvent;

/**
 * What a webhook body says about its session (spec §6.1). Domain casing; the dispatcher writes the
 * wire object `{ id, status, agent_name, created_at, vnc_url? }`. A `SessionRecord` fits as is.
 */
export interface WebhookSession {
  id: string;
  /** The key the session belongs to: its webhook secret signs the delivery. Not on the wire. */
  apiKeyId: string;
  status: SessionStatus;
  agentName: string;
  createdAt: Date;
  vncUrl?: string | undefined;
}

/**
 * Where the dispatcher gets the signing secret of a key (`WebhookSecrets`). The secret never
 * leaves the dispatcher: it is neither logged nor put in the body.
 */
export interface WebhookSecretSource {
  secretFor(apiKeyId: string): Promise<string>;
}

/** The part of a pino logger the dispatcher uses. */
export interface WebhookLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
