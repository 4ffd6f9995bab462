import type { WindowCounters } from '../counters/index.ts';
import type { ApiKeyService, Sessions } from '../sessions/index.ts';
import type { RateLimitSettings } from './rate-limiter.ts';

export interface ApiDeps {
  sessions: Sessions;
  keys: ApiKeyService;
  sse: { heartbeatMs: number; maxBufferBytes: number };
  /** Quotas per key, per client address (failed authentication) and per live session. */
  rateLimits: RateLimitSettings;
  /** Where the rate limits count (in memory, or a store shared by API nodes). */
  counters: WindowCounters;
  /** Agent names offered by `GET /v1/models`. */
  models: readonly string[];
  /** What `GET /healthz` checks; absent, it answers `{ ok: true }`. */
  health?: (() => Promise<HealthReport>) | undefined;
  /** `GET /metrics` and request latencies; absent, there is no /metrics. */
  metrics?: RequestMetrics | undefined;
  /** The built dashboard (index.html and assets/), served at `/`; absent, `/` says how to build it. */
  dashboardDir?: string | undefined;
}

export interface SessionParams {
  session_id: string;
}

export interface PaymentTokenParams {
  token_id: string;
}

/** What the HTTP edge needs of the metrics: record each answered request, and render them all. */
export interface RequestMetrics {
  readonly contentType: string;
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void;
  render(): Promise<string>;
}

/** `ok` is false when the node cannot serve; each check says what it found. */
export interface HealthReport {
  ok: boolean;
  store: 'ok' | 'unavailable';
  /** `none` on a cluster API node, which runs no browser. */
  browser: 'up' | 'down' | 'none';
}
