import type { ModelsResponse } from '@steward/protocol';
import type { APIPromise } from '../core/api-promise.ts';
import type { HttpCore, RequestOptions } from '../core/http.ts';

/** GET /v1/models: the agent names a session may ask for (also the docs' probe for a valid key). */
export class Models {
  constructor(private readonly http: HttpCore) {}

  list(filter?: 'cdp' | 'desktop', request?: RequestOptions): APIPromise<ModelsResponse> {
    return this.http.json({ method: 'GET', path: '/v1/models', query: { filter } }, request);
  }
}
