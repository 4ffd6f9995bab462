export { WebhookDispatcher, type WebhookBeforeSend, type WebhookDispatcherOptions } from './webhook-dispatcher.ts';
export { buildWebhookBody, webhookPayloads } from './webhook-payloads.ts';
export { nextRetryDelay, type WebhookRetryPolicy } from './webhook-retry-policy.ts';
export type { WebhookEventName, WebhookLogger, WebhookSession } from './webhook-types.ts';
