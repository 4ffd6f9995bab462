import type { ApprovalsResponse } from '@steward/protocol';
import { camelize } from '../core/casing.ts';
import type { HttpCore, RequestOptions } from '../core/http.ts';
import type { Approval } from '../types.ts';
import { sessionPath } from './sessions.ts';

/** Steward extension: the approvals the agent asked for in a session, with their answers. */
export class Approvals {
  constructor(private readonly http: HttpCore) {}

  /** Oldest first. `action` keeps its wire keys (they are one word each). */
  async list(sessionId: string, request?: RequestOptions): Promise<Approval[]> {
    return (await this.http.json<ApprovalsResponse>({ method: 'GET', path: sessionPath(sessionId, '/approvals') }, request)).approvals.map(camelize);
  }
}
