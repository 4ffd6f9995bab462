/**
 * When a failed attempt is tried again, and after how long (decision 0011).
 *
 * A request the server may have acted on is repeated only when repeating it is safe: idempotent
 * methods (GET, DELETE) and the calls marked `idempotent` (navigate). Any request is repeated
 * after an answer that says nothing was done — 429 (the quota is charged before any route runs;
 * `session_limit` creates nothing) and 503 (`browser_unavailable`, `shutting_down`) — and after a
 * connection that never opened.
 */

/** Longest `Retry-After` waited for; a longer one is handed to the caller as the error. */
export const MAX_RETRY_AFTER_MS = 60_000;
const INITIAL_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;

/** `fetch` causes that mean the request never left: no connection was made. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export type Failure = { kind: 'status'; status: number; headers: Headers } | { kind: 'network'; error: unknown } | { kind: 'timeout' };

export function isRetryable(failure: Failure, idempotent: boolean): boolean {
  switch (failure.kind) {
    case 'status':
      if (failure.status === 429 || failure.status === 503) return true;
      return idempotent && (failure.status === 408 || failure.status >= 500);
    case 'network':
      return idempotent || neverSent(failure.error);
    case 'timeout':
      return idempotent;
  }
}

/** Milliseconds to wait before attempt `retry` (1-based), or undefined when the server asked for longer than we wait. */
export function retryDelayMs(failure: Failure, retry: number, random: () => number = Math.random): number | undefined {
  if (failure.kind === 'status') {
    const asked = retryAfterMs(failure.headers);
    if (asked !== undefined) return asked <= MAX_RETRY_AFTER_MS ? asked : undefined;
  }
  const base = Math.min(INITIAL_BACKOFF_MS * 2 ** (retry - 1), MAX_BACKOFF_MS);
  // Jitter spreads clients that failed together; never below three quarters of the base.
  return Math.round(base * (0.75 + random() * 0.25));
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3), or `retry-after-ms`. */
export function retryAfterMs(headers: Headers): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Number(ms);
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function neverSent(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return true;
  }
  return false;
}
