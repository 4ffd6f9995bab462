import { describe, expect, it } from 'vitest';
import { ENDPOINTS, EVENT_TYPES, SSE_EVENT_DATA, SseEvent, WEBHOOK_EVENTS, WebhookBody, buildOpenApiDocument, type Endpoint } from '../src/index.ts';

describe('ENDPOINTS', () => {
  it('names each method and path once', () => {
    const keys = Object.values(ENDPOINTS).map((e) => `${e.method} ${e.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives every path parameter of a template a schema, and no other', () => {
    for (const [name, endpoint] of Object.entries(ENDPOINTS) as Array<[string, Endpoint]>) {
      const inTemplate = [...endpoint.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect(Object.keys(endpoint.params?.shape ?? {}), name).toEqual(inTemplate);
    }
  });

  it('documents every JSON answer by a named schema', () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };
    for (const endpoint of Object.values(ENDPOINTS) as Endpoint[]) {
      const answer = doc.paths[endpoint.path]![endpoint.method]!.responses[String(endpoint.response.status)]!;
      if (endpoint.response.schema !== undefined) expect(Object.values(answer.content ?? {})[0]?.schema, endpoint.path).toEqual({ $ref: expect.stringMatching(/^#\/components\/schemas\//) });
    }
  });
});

describe('SseEvent and WebhookBody', () => {
  it('cover every event name, and refuse one that is not', () => {
    expect(Object.keys(SSE_EVENT_DATA).sort()).toEqual([...EVENT_TYPES].sort());
    expect(SseEvent.options.map((o) => o.shape.event.value).sort()).toEqual([...EVENT_TYPES].sort());
    expect(WebhookBody.options.map((o) => o.shape.event.value)).toEqual([...WEBHOOK_EVENTS]);
    expect(SseEvent.safeParse({ event: 'nope', data: {} }).success).toBe(false);
  });

  it('read an event by its name', () => {
    const done = SseEvent.parse({ event: 'done', id: 7, data: { text: 'Task completed', result: { price: 12 }, message_id: 7 } });
    expect(done.event === 'done' && done.data.result).toEqual({ price: 12 });
    expect(SseEvent.safeParse({ event: 'heartbeat', data: { timestamp: 'yesterday' } }).success).toBe(false);
  });
});
