import type { SessionResponse } from '@steward/protocol';
import { camelize } from '../core/casing.ts';
import type { APIPromise } from '../core/api-promise.ts';
import type { HttpCore, RequestOptions } from '../core/http.ts';
import type { Session } from '../types.ts';

/**
 * Steward extension: the bundled demo. A session whose task Steward's scripted demo policy (not a
 * language model) runs on the demo shop the server serves itself: it works without a model key.
 */
export class Demo {
  constructor(private readonly http: HttpCore) {}

  /**
   * POST /v1/demo/sessions: the demo session (`demo: true`), its task already started; follow it
   * like any session (`sessions.streamEvents`, `sessions.getMessages`). Not retried once it may
   * have reached the server: a second one would be a second session.
   */
  start(request?: RequestOptions): APIPromise<Session> {
    return this.http.json<SessionResponse>({ method: 'POST', path: '/v1/demo/sessions' }, request).map(camelize);
  }
}
