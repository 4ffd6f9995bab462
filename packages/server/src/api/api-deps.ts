import type { ApiKeyService, SessionService } from '../sessions/index.ts';

export interface ApiDeps {
  sessions: SessionService;
  keys: ApiKeyService;
  sse: { heartbeatMs: number; maxBufferBytes: number };
  /** Requests per minute per key; 0 disables. */
  rateLimitPerMinute: number;
  /** Agent names offered by `GET /v1/models`. */
  models: readonly string[];
}

export interface SessionParams {
  session_id: string;
}
