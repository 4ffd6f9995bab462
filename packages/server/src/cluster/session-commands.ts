import type { SnapshotMode } from '@steward/protocol';
import type { LiveInput } from '../browser/port.ts';
import type { CreateSessionInput, SendMessageInput } from '../sessions/index.ts';

/**
 * The commands an API node sends to the worker that owns a session, with their payloads. Every
 * one names the caller's API key: the worker checks ownership as embedded mode does (404 for
 * other keys' sessions). Answers are JSON; pictures and files travel as base64.
 */
export interface SessionCommands {
  create: { apiKeyId: string; input: CreateSessionInput };
  createDemo: { apiKeyId: string };
  delete: { apiKeyId: string; sessionId: string; snapshot: { mode: SnapshotMode; asDefault: boolean } };
  sendMessage: { apiKeyId: string; sessionId: string; input: SendMessageInput };
  pause: { apiKeyId: string; sessionId: string };
  resume: { apiKeyId: string; sessionId: string };
  cancel: { apiKeyId: string; sessionId: string };
  navigate: { apiKeyId: string; sessionId: string; url: string };
  screenshot: { apiKeyId: string; sessionId: string };
  stepDesktop: { apiKeyId: string; sessionId: string; input: { screenshot: string; message?: string | undefined } };
  /** Polling and SSE on API nodes count as activity: the idle timeout runs on the worker. */
  touch: { sessionId: string };
  liveInput: { access: LiveAccess; sessionId: string; event: LiveInput };
  liveStart: { access: LiveAccess; sessionId: string; streamId: string };
  liveKeep: { streamId: string };
  liveStop: { streamId: string };
  filesUpload: { apiKeyId: string; sessionId: string; name: string; base64: string };
  filesList: { apiKeyId: string; sessionId: string };
  filesOpen: { apiKeyId: string; sessionId: string; name: string };
  filesDelete: { apiKeyId: string; sessionId: string; name: string };
  replaysList: { apiKeyId: string; sessionId: string };
  replaysOpen: { apiKeyId: string; sessionId: string; step: number };
}

export type SessionCommandName = keyof SessionCommands;

/** Who may use a live view: the session's key, or the capability token of its `vnc_url`. */
export interface LiveAccess {
  apiKeyId?: string | undefined;
  token?: string | undefined;
}

/**
 * How long an API node waits for each command's answer. Creating a session starts a browser
 * context; a desktop step waits for the agent's decision (a model call); the rest is quick.
 */
export function commandTimeoutMs(name: SessionCommandName, limits: { navigationTimeoutMs: number; modelTimeoutMs: number }): number {
  switch (name) {
    case 'create':
    case 'createDemo':
      return 60_000;
    case 'navigate':
      return limits.navigationTimeoutMs + 15_000;
    case 'stepDesktop':
      return limits.modelTimeoutMs * 3 + 30_000;
    case 'delete':
      return 60_000;
    default:
      return 30_000;
  }
}

/** A live view's stream ends on the worker when its API node has not kept it alive this long. */
export const LIVE_STREAM_KEEPALIVE_MS = 10_000;
export const LIVE_STREAM_EXPIRY_MS = 30_000;
