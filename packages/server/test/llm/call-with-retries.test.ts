import { describe, expect, it } from 'vitest';
import { backoffMs, callWithRetries, type AttemptFailure } from '../../src/llm/call-with-retries.ts';
import { ModelError } from '../../src/llm/port.ts';

const POLICY = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 4 };
const retryable = (reason: string): AttemptFailure => ({ retryable: true, reason });

describe('callWithRetries', () => {
  it('returns the first success and stops attempting', async () => {
    let attempts = 0;
    const result = await callWithRetries(
      async () => {
        attempts += 1;
        if (attempts < 3) throw new Error(`flaky ${attempts}`);
        return 'ok';
      },
      { signal: new AbortController().signal, timeoutMs: 10_000, policy: POLICY, classify: () => retryable('flaky'), label: 'L' },
    );
    expect(result).toBe('ok');
    expect(attempts).toBe(3);
  });

  it('stops at once on a failure that is not retryable, keeping the cause', async () => {
    let attempts = 0;
    const cause = new Error('bad request');
    const error = await callWithRetries(
      async () => {
        attempts += 1;
        throw cause;
      },
      { signal: new AbortController().signal, timeoutMs: 10_000, policy: POLICY, classify: () => ({ retryable: false, reason: '400 client error' }), label: 'L' },
    ).catch((e: unknown) => e);
    expect(attempts).toBe(1);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toBe('L: 400 client error');
    expect((error as ModelError).retryable).toBe(false);
    expect((error as ModelError).cause).toBe(cause);
  });

  it('backs off exponentially up to the cap, with jitter in the upper half', () => {
    const policy = { maxAttempts: 9, baseDelayMs: 500, maxDelayMs: 8_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(policy, n, () => 0))).toEqual([250, 500, 1_000, 2_000, 4_000, 4_000]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(policy, n, () => 0.999_999))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
  });
});
