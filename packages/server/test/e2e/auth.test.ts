import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

describe('authentication', () => {
  it('answers 401 for a missing, malformed or unknown key on every endpoint', async () => {
    const wrongSecret = `${t.key.slice(0, -4)}AAAA`;
    for (const key of [null, 'nonsense', 'stw_00000000000000000000000000000000_aaaaaaaaaaaaaaaaaaaaaaaa', wrongSecret]) {
      for (const [method, path] of [
        ['GET', '/v1/models'],
        ['GET', '/v1/sessions'],
        ['POST', '/v1/sessions'],
        ['DELETE', '/v1/sessions'],
        ['GET', '/v1/sessions/00000000-0000-0000-0000-000000000000/messages'],
      ] as const) {
        const res = await t.request(method, path, { key });
        expect(res.status, `${method} ${path} with ${String(key)}`).toBe(401);
        expect(res.body).toMatchObject({ error: 'unauthorized', detail: expect.any(String), message: expect.any(String) });
      }
    }
  });

  it('accepts the scheme case-insensitively', async () => {
    const res = await fetch(`${t.url}/v1/models`, { headers: { authorization: `bearer ${t.key}` } });
    expect(res.status).toBe(200);
  });

  it('answers 403 for a revoked key', async () => {
    const created = await t.server.keys.create('to-revoke');
    expect((await t.request('GET', '/v1/models', { key: created.key })).status).toBe(200);
    await t.server.keys.revoke(created.record.id);
    const res = await t.request('GET', '/v1/models', { key: created.key });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('key_revoked');
  });

  it('stores only a hash of the key', async () => {
    const created = await t.server.keys.create('hashed');
    const stored = await t.server.store.getApiKey(created.record.id);
    expect(JSON.stringify(stored)).not.toContain(created.key.split('_').pop());
  });
});

describe('ownership', () => {
  it('hides a session from every other key with 404, on every session route', async () => {
    const other = (await t.server.keys.create('other')).key;
    const s = (await t.request('POST', '/v1/sessions', { body: {} })).body;
    const id = s.session_id as string;
    const routes: Array<[string, string, unknown?]> = [
      ['GET', `/v1/sessions/${id}`],
      ['GET', `/v1/sessions/${id}/status`],
      ['GET', `/v1/sessions/${id}/messages`],
      ['GET', `/v1/sessions/${id}/events`],
      ['GET', `/v1/sessions/${id}/screenshot`],
      ['POST', `/v1/sessions/${id}/message`, { message: 'hi' }],
      ['POST', `/v1/sessions/${id}/pause`],
      ['POST', `/v1/sessions/${id}/resume`],
      ['POST', `/v1/sessions/${id}/cancel`],
      ['POST', `/v1/sessions/${id}/navigate`, { url: 'http://127.0.0.1:9/' }],
    ];
    for (const [method, path, body] of routes) {
      const res = await t.request(method, path, { key: other, ...(body === undefined ? {} : { body }) });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await t.request('GET', '/v1/sessions', { key: other })).body).toEqual([]);
    const del = await t.request('DELETE', `/v1/sessions/${id}`, { key: other });
    expect(del.body.deleted).toBe(false);
    expect((await t.request('DELETE', '/v1/sessions', { key: other })).body.count).toBe(0);
    expect((await t.request('GET', `/v1/sessions/${id}`)).status).toBe(200);
  });
});
