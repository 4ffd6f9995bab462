export interface WebhookRetryPolicy {
  maxAttempts: number;
  retryWindowMs: number;
  baseDelayMs: number;
}

/**
 * Delay before the attempt after `attempt` (1-based) failed, or `undefined` to give up: backoff
 * doubles from `baseDelayMs`, and the next attempt must still start inside the retry window
 * measured from the first attempt's start.
 */
export function nextRetryDelay(policy: WebhookRetryPolicy, attempt: number, elapsedMs: number): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const delayMs = policy.baseDelayMs * 2 ** (attempt - 1);
  if (elapsedMs + delayMs > policy.retryWindowMs) return undefined;
  return delayMs;
}
