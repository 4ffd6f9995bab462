export {
  WebhookDispatcher,
  type WebhookBeforeSend,
  type WebhookDestination,
  type WebhookDispatcherOptions,
} from './webhook-dispatcher.ts';
export { webhookEgressCheck } from './webhook-egress-check.ts';
export { buildWebhookBody, webhookPayloads } from './webhook-payloads.ts';
export { nextRetryDelay, type WebhookRetryPolicy } from './webhook-retry-policy.ts';
export { newWebhookSecret, signatureHeaders } from './webhook-signature.ts';
export { WebhookSecrets } from './webhook-secrets.ts';
export { createHttpWebhookTransport, type HttpWebhookTransportOptions, type WebhookRequest, type WebhookTransport } from './webhook-transport.ts';
export type { WebhookEventName, WebhookLogger, WebhookSecretSource, WebhookSession } from './webhook-types.ts';
