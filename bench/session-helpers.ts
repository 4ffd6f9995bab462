import { setTimeout as delay } from 'node:timers/promises';
import type { ApiClient } from './api-client.ts';
import { BenchError } from './bench-error.ts';

export interface CreatedSession {
  session_id: string;
  status: string;
}

export function createSession(api: ApiClient, body: Record<string, unknown>, signal?: AbortSignal): Promise<CreatedSession> {
  return api.json<CreatedSession>('POST', '/v1/sessions', { body, signal });
}

export async function deleteSession(api: ApiClient, sessionId: string, signal?: AbortSignal): Promise<void> {
  await api.json('DELETE', `/v1/sessions/${sessionId}`, { signal });
}

export async function sendMessage(api: ApiClient, sessionId: string, message: string, signal?: AbortSignal): Promise<void> {
  await api.json('POST', `/v1/sessions/${sessionId}/message`, { body: { message }, signal });
}

/** Polls /status until the task has ended; fails on `error` or the deadline. */
export async function waitForTaskEnd(api: ApiClient, sessionId: string, options: { timeoutMs: number; signal?: AbortSignal | undefined }): Promise<void> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  for (;;) {
    const { status } = await api.json<{ status: string }>('GET', `/v1/sessions/${sessionId}/status`, { signal });
    if (status === 'finished') return;
    if (status === 'error') throw new BenchError(`the bench task in session ${sessionId} ended with an error`);
    try {
      await delay(50, undefined, { signal });
    } catch (error) {
      throw new BenchError(`the bench task in session ${sessionId} did not finish within ${options.timeoutMs} ms (last status ${status})`, { cause: error });
    }
  }
}
