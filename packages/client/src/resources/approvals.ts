import type { ApprovalsResponse } from '@steward/protocol';
import { camelize } from '../core/casing.ts';
import type { APIPromise } from '../core/api-promise.ts';
import type { HttpCore, RequestOptions } from '../core/http.ts';
import type { Approval } from '../types.ts';
import { sessionPath } from './sessions.ts';

/** Steward extension: the approvals the agent asked for in a session, with their answers. */
export class Approvals {
  constructor(private readonly http: HttpCore) {}

  /** Oldest first. `action` keeps its wire keys (they are one word each). */
  list(sessionId: string, request?: RequestOptions): APIPromise<Approval[]> {
    return this.http.json<ApprovalsResponse>({ method: 'GET', path: sessionPath(sessionId, '/approvals') }, request).map((answer) => answer.approvals.map(camelize));
  }
}
