import { setTimeout as delay } from 'node:timers/promises';
import type { Session, Steward } from '@steward/client';
import { BenchError } from './bench-error.ts';

/** Session lifecycle for the suites, through the SDK; answers that are not 2xx throw its errors. */
export function createSession(api: Steward, maxSteps: number, signal?: AbortSignal): Promise<Session> {
  return api.sessions.create('agi-0', { maxSteps }, signalOption(signal));
}

export async function deleteSession(api: Steward, sessionId: string, signal?: AbortSignal): Promise<void> {
  await api.sessions.delete(sessionId, 'none', signalOption(signal));
}

export async function sendMessage(api: Steward, sessionId: string, message: string, signal?: AbortSignal): Promise<void> {
  await api.sessions.sendMessage(sessionId, message, {}, signalOption(signal));
}

/** Polls /status until the task has ended; fails on `error` or the deadline. */
export async function waitForTaskEnd(api: Steward, sessionId: string, options: { timeoutMs: number; signal?: AbortSignal | undefined }): Promise<void> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  for (;;) {
    const { status } = await api.sessions.getStatus(sessionId, { signal });
    if (status === 'finished') return;
    if (status === 'error') throw new BenchError(`the bench task in session ${sessionId} ended with an error`);
    try {
      await delay(50, undefined, { signal });
    } catch (error) {
      throw new BenchError(`the bench task in session ${sessionId} did not finish within ${options.timeoutMs} ms (last status ${status})`, { cause: error });
    }
  }
}

function signalOption(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
