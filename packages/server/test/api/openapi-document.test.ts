import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, ENDPOINTS, UNDOCUMENTED_ROUTES } from '@steward/protocol';
import { registerRoutes } from '../../src/api/index.ts';
import { InMemoryWindowCounters } from '../../src/counters/memory/in-memory-window-counters.ts';
import { buildInjectApp, type InjectApp } from '../support/inject-app.ts';

// The document is generated from protocol's ENDPOINTS; the routes are registered by the server.
// These tests hold the two to each other, so a route cannot be added (or dropped) on one side only.

let t: InjectApp;
beforeAll(async () => {
  t = await buildInjectApp();
});
afterAll(async () => {
  await t.close();
});

/** `METHOD /path/{param}` of every route the server registers (Fastify's own HEAD twins left out). */
async function registeredRoutes(): Promise<string[]> {
  const app = Fastify({ logger: false });
  const seen: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      seen.push(`${method} ${route.url.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
    }
  });
  registerRoutes(app, { sessions: t.sessions, keys: t.keys, sse: { heartbeatMs: 60_000, maxBufferBytes: 1 << 20 }, rateLimits: { perKeyPerMinute: 0, authFailuresPerMinute: 0, livePerSessionPerMinute: 0 }, counters: new InMemoryWindowCounters(), models: ['agi-0'] });
  await app.ready();
  await app.close();
  return seen.sort();
}

describe('GET /v1/openapi.json', () => {
  it('serves the document protocol generates', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(buildOpenApiDocument());
  });

  it('lists every route the server registers, and only those (but the few undocumented on purpose)', async () => {
    const documented = Object.values(ENDPOINTS).map((e) => `${e.method.toUpperCase()} ${e.path}`);
    const undocumented = UNDOCUMENTED_ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(await registeredRoutes()).toEqual([...documented, ...undocumented].sort());
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const inDocument = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(inDocument.sort()).toEqual([...documented].sort());
  });

  // The surface the document had before it was generated (paths, methods, statuses): a change here
  // is a change of the public API, made on purpose.
  it('keeps every operation and status it had when it was written by hand', () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: Array<{ name: string; in: string; required: boolean }> }>> };
    const surface = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => `${method} ${path} ${Object.keys(op.responses).join(',')} ${(op.parameters ?? []).map((p) => `${p.in}:${p.name}${p.required ? '!' : ''}`).join(',')}`),
    );
    // Integer-like keys come out in ascending order (JavaScript's rule for object keys).
    const statuses = (...codes: number[]): string => [...codes, 401, 403, 404, 422, 429].sort((a, b) => a - b).join(',');
    expect(surface).toEqual([
      `post /v1/sessions ${statuses(200, 400, 503)} `,
      `get /v1/sessions ${statuses(200)} `,
      `delete /v1/sessions ${statuses(200)} `,
      `get /v1/sessions/{session_id} ${statuses(200)} path:session_id!`,
      `delete /v1/sessions/{session_id} ${statuses(200)} path:session_id!,query:save_snapshot_mode,query:save_as_default`,
      `post /v1/sessions/{session_id}/message ${statuses(200, 400, 409)} path:session_id!`,
      `get /v1/sessions/{session_id}/status ${statuses(200)} path:session_id!`,
      `get /v1/sessions/{session_id}/messages ${statuses(200)} path:session_id!,query:after_id,query:sanitize`,
      `get /v1/sessions/{session_id}/events ${statuses(200)} path:session_id!,query:sanitize,query:include_history,query:event_types,query:after_id,header:last-event-id`,
      `post /v1/sessions/{session_id}/pause ${statuses(200, 409)} path:session_id!`,
      `post /v1/sessions/{session_id}/resume ${statuses(200, 409)} path:session_id!`,
      `post /v1/sessions/{session_id}/cancel ${statuses(200, 409)} path:session_id!`,
      `post /v1/sessions/{session_id}/navigate ${statuses(200, 400, 409, 502)} path:session_id!`,
      `get /v1/sessions/{session_id}/screenshot ${statuses(200)} path:session_id!`,
      `post /v1/sessions/{session_id}/desktop/step_desktop ${statuses(200, 409, 413)} path:session_id!`,
      `get /v1/sessions/{session_id}/live ${statuses(200)} path:session_id!,query:token`,
      `get /v1/sessions/{session_id}/live/stream ${statuses(200)} path:session_id!,query:token`,
      `post /v1/sessions/{session_id}/live/input ${statuses(200)} path:session_id!,query:token`,
      `post /v1/sessions/{session_id}/files ${statuses(201, 409, 413)} path:session_id!,query:name!`,
      `get /v1/sessions/{session_id}/files ${statuses(200)} path:session_id!`,
      `get /v1/sessions/{session_id}/files/{name} ${statuses(200)} path:session_id!,path:name!`,
      `delete /v1/sessions/{session_id}/files/{name} ${statuses(200)} path:session_id!,path:name!`,
      `get /v1/sessions/{session_id}/replay ${statuses(200)} path:session_id!`,
      `get /v1/sessions/{session_id}/replay/{step} ${statuses(200)} path:session_id!,path:step!`,
      `post /v1/payment_tokens ${statuses(201)} `,
      `get /v1/payment_tokens ${statuses(200)} `,
      `get /v1/payment_tokens/{token_id} ${statuses(200)} path:token_id!`,
      `delete /v1/payment_tokens/{token_id} ${statuses(200)} path:token_id!`,
      `get /v1/sessions/{session_id}/approvals ${statuses(200)} path:session_id!`,
      `post /v1/demo/sessions ${statuses(201, 503)} `,
      `get /v1/models ${statuses(200)} query:filter`,
    ]);
  });

  it('gives every JSON answer and webhook a schema that resolves in the document', () => {
    const doc = buildOpenApiDocument() as { components: { schemas: Record<string, unknown> } };
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(30);
    for (const name of refs) expect(doc.components.schemas, name).toHaveProperty([name]);
  });
});
