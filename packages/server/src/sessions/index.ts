export { SessionService, type CreateSessionInput, type MessagesView } from './session-service.ts';
export { ApiKeyService, type CreatedApiKey } from './api-keys.ts';
export type { SessionDeps, SessionLimits, Logger, WebhookSink } from './session-core.ts';
export { WebhookDispatcher, webhookEgressCheck, WebhookSecrets, type WebhookSession } from './webhooks/index.ts';
export type { SessionEvent } from './session-events.ts';
export type { SendMessageInput } from './task-controller.ts';
export { LiveViewTokens } from './live-view-tokens.ts';
export type { SessionFiles } from './session-files.ts';
export type { StoredFile } from '../files/index.ts';
