import type { ReplayResponse } from '@steward/protocol';
import { camelize } from '../core/casing.ts';
import type { APIPromise } from '../core/api-promise.ts';
import type { HttpCore, RequestOptions } from '../core/http.ts';
import type { SessionReplay } from '../types.ts';
import { sessionPath } from './sessions.ts';

/**
 * Steward extension: a session's replay, a small JPEG of the page at each agent step, kept until
 * the session is deleted or terminated. Match a step to its messages by `taskId` (the USER
 * message that started its task) and `taskStep` (their `metadata.step`).
 */
export class Replay {
  constructor(private readonly http: HttpCore) {}

  /** The steps kept, oldest first, and the caps they are kept under (`maxSteps` 0: replay is off). */
  list(sessionId: string, request?: RequestOptions): APIPromise<SessionReplay> {
    return this.http.json<ReplayResponse>({ method: 'GET', path: sessionPath(sessionId, '/replay') }, request).map((answer) => ({
      steps: answer.steps.map(camelize),
      maxSteps: answer.max_steps,
      maxBytes: answer.max_bytes,
    }));
  }

  /** The JPEG of step `step` (a `step` of `list`); 404 `NotFoundError` once it is no longer kept. */
  async screenshot(sessionId: string, step: number, request?: RequestOptions): Promise<Uint8Array> {
    const response = await this.http.raw({ method: 'GET', path: sessionPath(sessionId, `/replay/${encodeURIComponent(String(step))}`), accept: 'image/jpeg' }, request);
    return new Uint8Array(await response.arrayBuffer());
  }
}
