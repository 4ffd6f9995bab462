import { z } from 'zod';
import { SessionStatus, type WebhookEvent } from './enums.ts';
import { MessageContent } from './responses.ts';
import { Timestamp } from './wire-time.ts';

// Webhook bodies (spec §6.1): `event`, `timestamp`, `session`, then the event's own fields. Each
// delivery is signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`,
// `webhook-signature` headers); the signature is not part of the body.

/** What a webhook body says about its session. */
export const WebhookSession = z.object({
  id: z.string(),
  status: SessionStatus,
  agent_name: z.string(),
  created_at: Timestamp,
  vnc_url: z.string().optional(),
});
export type WebhookSession = z.infer<typeof WebhookSession>;

const body = <K extends WebhookEvent, S extends z.ZodRawShape>(event: K, fields: S) =>
  z.object({ event: z.literal(event), timestamp: Timestamp, session: WebhookSession, ...fields });

/** One webhook body, discriminated by `event`. */
export const WebhookBody = z.discriminatedUnion('event', [
  body('session.created', {}),
  body('session.status_changed', { old_status: SessionStatus, new_status: SessionStatus }),
  body('session.deleted', {}),
  /** `message` is the task text. */
  body('task.started', { message: z.string() }),
  /** The documented fixed `result`, and the agent's answer (the DONE message's content) as `content`. */
  body('task.completed', { result: z.object({ status: z.literal('success'), message: z.string() }), content: MessageContent }),
  /** `context` is the QUESTION's metadata: its choices, and for an approval what it is for. */
  body('task.question', { question: z.string(), context: z.record(z.string(), z.unknown()) }),
  /** `error` is client-safe text; `details` carries a screening refusal's code and category. */
  body('task.error', { error: z.string(), details: z.record(z.string(), z.unknown()) }),
]);
export type WebhookBody = z.infer<typeof WebhookBody>;
