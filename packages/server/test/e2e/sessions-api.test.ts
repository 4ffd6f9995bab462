import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('POST /v1/sessions', () => {
  it('creates a ready session with the documented fields and defaults', async () => {
    const res = await t.request('POST', '/v1/sessions', { body: {} });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ agent_name: 'agi-0', status: 'ready' });
    expect(res.body.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.created_at).toMatch(ISO_MS);
    expect(res.body.environment_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).not.toHaveProperty('sessionId');
  });

  it('accepts a request with no body at all, and ignores unknown fields', async () => {
    const bare = await t.request('POST', '/v1/sessions');
    expect(bare.status).toBe(200);
    const extra = await t.request('POST', '/v1/sessions', { body: { agent_name: 'agi-0-fast', max_steps: 5, something_new: true, cdp_ws_url: 'ws://x' } });
    expect(extra.status).toBe(200);
    expect(extra.body.agent_name).toBe('agi-0-fast');
  });

  it('answers 422 in the FastAPI shape for an unknown agent and wrong types, never 500', async () => {
    const res = await t.request('POST', '/v1/sessions', { body: { agent_name: 'agi-9', max_steps: 'ten', enable_memory_snapshot: 'yes' } });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('validation_error');
    expect(typeof res.body.message).toBe('string');
    const locs = res.body.detail.map((d: { loc: string[] }) => d.loc.join('.'));
    expect(locs).toEqual(expect.arrayContaining(['body.agent_name', 'body.max_steps', 'body.enable_memory_snapshot']));
    for (const d of res.body.detail) expect(d).toEqual({ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) });
  });

  it('rejects a body that is not a JSON object with 422 and broken JSON with 400', async () => {
    expect((await t.request('POST', '/v1/sessions', { body: [1, 2] })).status).toBe(422);
    const broken = await t.request('POST', '/v1/sessions', { rawBody: '{"agent_name":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: 'invalid_json', detail: expect.any(String), message: expect.any(String) });
  });

  it('reads JSON sent as text/plain, answers 415 for other media types and 413 over 1 MiB', async () => {
    const plain = await t.request('POST', '/v1/sessions', { rawBody: '{"agent_name":"agi-0-fast"}', headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    expect(plain.status).toBe(200);
    expect(plain.body.agent_name).toBe('agi-0-fast');
    const form = await t.request('POST', '/v1/sessions', { rawBody: 'agent_name=agi-0', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    expect(form.body.error).toBe('unsupported_media_type');
    const huge = await t.request('POST', '/v1/sessions', { body: { goal: 'x'.repeat(1_100_000) } });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe('payload_too_large');
  });

  it('validates webhook_url: 400 for a non-http URL, 422 past 2,000 characters', async () => {
    const bad = await t.request('POST', '/v1/sessions', { body: { webhook_url: 'ftp://example.test/hook' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_url');
    const long = await t.request('POST', '/v1/sessions', { body: { webhook_url: `http://127.0.0.1/${'a'.repeat(2000)}` } });
    expect(long.status).toBe(422);
  });

  it('answers 422 for max_steps out of range', async () => {
    expect((await t.request('POST', '/v1/sessions', { body: { max_steps: 0 } })).status).toBe(422);
    expect((await t.request('POST', '/v1/sessions', { body: { max_steps: 1.5 } })).status).toBe(422);
  });
});

describe('GET /v1/sessions and /v1/sessions/{id}', () => {
  it('lists own sessions as a bare array, newest first, and gets one', async () => {
    const a = (await t.request('POST', '/v1/sessions', { body: {} })).body;
    await new Promise((r) => setTimeout(r, 5));
    const b = (await t.request('POST', '/v1/sessions', { body: { agent_name: 'agi-0-fast' } })).body;
    const list = await t.request('GET', '/v1/sessions');
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body)).toBe(true);
    const ids = list.body.map((s: { session_id: string }) => s.session_id);
    expect(ids.indexOf(b.session_id)).toBeLessThan(ids.indexOf(a.session_id));
    for (const s of list.body) expect(Object.keys(s)).toEqual(expect.arrayContaining(['session_id', 'agent_name', 'status', 'created_at']));
    const one = await t.request('GET', `/v1/sessions/${a.session_id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(a);
  });

  it('answers 404 with the error body for an unknown or malformed id', async () => {
    for (const id of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid']) {
      const res = await t.request('GET', `/v1/sessions/${id}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: 'session_not_found', detail: expect.any(String), message: expect.any(String) });
    }
  });
});

describe('DELETE', () => {
  it('deletes a session (200, deleted true) and answers deleted false for unknown ids', async () => {
    const s = (await t.request('POST', '/v1/sessions', { body: {} })).body;
    const del = await t.request('DELETE', `/v1/sessions/${s.session_id}?save_snapshot_mode=none`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ success: true, deleted: true, message: 'Session deleted successfully' });
    expect((await t.request('GET', `/v1/sessions/${s.session_id}`)).status).toBe(404);
    const again = await t.request('DELETE', `/v1/sessions/${s.session_id}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ success: true, deleted: false, message: 'Session not found' });
  });

  it('accepts snapshot modes case-insensitively and refuses unknown ones with 422', async () => {
    const s = (await t.request('POST', '/v1/sessions', { body: {} })).body;
    expect((await t.request('DELETE', `/v1/sessions/${s.session_id}?save_snapshot_mode=sideways`)).status).toBe(422);
    const res = await t.request('DELETE', `/v1/sessions/${s.session_id}?save_snapshot_mode=FILESYSTEM&save_as_default=true`);
    expect(res.body.deleted).toBe(true);
  });

  it('deletes all own sessions with a count, then reports none left', async () => {
    const other = await startTestServerKey();
    await t.request('POST', '/v1/sessions', { body: {} });
    const foreign = (await t.request('POST', '/v1/sessions', { body: {}, key: other })).body;
    const res = await t.request('DELETE', '/v1/sessions');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, deleted: true, message: 'Sessions deleted successfully' });
    expect(res.body.count).toBeGreaterThanOrEqual(1);
    expect((await t.request('GET', '/v1/sessions')).body).toEqual([]);
    const none = await t.request('DELETE', '/v1/sessions');
    expect(none.body).toMatchObject({ success: true, deleted: false, count: 0 });
    // The other key's session is untouched.
    expect((await t.request('GET', `/v1/sessions/${foreign.session_id}`, { key: other })).status).toBe(200);
  });
});

describe('GET /v1/models', () => {
  it('lists the agent models, and none for the desktop filter', async () => {
    expect((await t.request('GET', '/v1/models')).body).toEqual({ models: ['agi-0', 'agi-0-fast'] });
    expect((await t.request('GET', '/v1/models?filter=cdp')).body).toEqual({ models: ['agi-0', 'agi-0-fast'] });
    expect((await t.request('GET', '/v1/models?filter=desktop')).body).toEqual({ models: [] });
    expect((await t.request('GET', '/v1/models?filter=quantum')).status).toBe(422);
  });
});

describe('unknown routes', () => {
  it('answers 404 with the error body', async () => {
    const res = await t.request('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});

async function startTestServerKey(): Promise<string> {
  return (await t.server.keys.create('other')).key;
}

describe('GET /v1/openapi.json', () => {
  it('serves an OpenAPI 3.1 document of every route, without a key', async () => {
    const res = await t.request('GET', '/v1/openapi.json', { key: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = Object.keys(res.body.paths);
    for (const path of ['/v1/sessions', '/v1/sessions/{session_id}', '/v1/sessions/{session_id}/message', '/v1/sessions/{session_id}/messages', '/v1/sessions/{session_id}/events', '/v1/sessions/{session_id}/live', '/v1/models']) {
      expect(paths).toContain(path);
    }
    const create = res.body.paths['/v1/sessions'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(create.properties)).toEqual(expect.arrayContaining(['agent_name', 'webhook_url', 'max_steps', 'goal']));
  });
});
