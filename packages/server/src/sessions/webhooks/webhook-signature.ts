import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** Secret bytes: Standard Webhooks asks for 24 to 64. */
const SECRET_BYTES = 32;

/** A new signing secret in the Standard Webhooks form, `whsec_` + base64 of random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** A delivery's id: one per event, the same on every retry, so receivers can drop duplicates. */
export function newWebhookId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}

/**
 * The Standard Webhooks headers of one attempt: `webhook-signature` is `v1,` + base64 of
 * HMAC-SHA256 over `<id>.<unix seconds>.<body>` under the secret's bytes. Receivers verify with
 * any Standard Webhooks library (`new Webhook(secret).verify(body, headers)`), which also refuses
 * a timestamp more than 5 minutes off, so a captured delivery cannot be replayed later.
 */
export function signatureHeaders(secret: string, id: string, at: Date, body: string): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}
