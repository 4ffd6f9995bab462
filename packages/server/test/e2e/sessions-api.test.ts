import { NotFoundError, ValidationError } from '@steward/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// The contract test of the sessions endpoints, through the SDK: what a client gets. The raw wire
// (t.request) stays only where the wire itself is the point: its snake_case body shape, and input
// the SDK never sends (no body, unknown fields, wrong types, broken JSON, other media types).

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f-]{36}$/;

describe('POST /v1/sessions', () => {
  it('creates a ready session with the documented fields and defaults', async () => {
    const session = await t.client.sessions.create();
    expect(session).toMatchObject({ agentName: 'agi-0', status: 'ready' });
    expect(session.sessionId).toMatch(UUID);
    expect(session.createdAt).toMatch(ISO_MS);
    expect(session.environmentId).toMatch(UUID);
  });

  it('the wire itself: an empty body gets the defaults, and the answer is snake_case', async () => {
    const res = await t.request('POST', '/v1/sessions', { body: {} });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ agent_name: 'agi-0', status: 'ready' });
    expect(res.body.session_id).toMatch(UUID);
    expect(res.body.created_at).toMatch(ISO_MS);
    expect(res.body.environment_id).toMatch(UUID);
    expect(res.body).not.toHaveProperty('sessionId');
  });

  it('the wire itself: accepts a request with no body at all, and ignores unknown fields', async () => {
    const bare = await t.request('POST', '/v1/sessions');
    expect(bare.status).toBe(200);
    const extra = await t.request('POST', '/v1/sessions', { body: { agent_name: 'agi-0-fast', max_steps: 5, something_new: true } });
    expect(extra.status).toBe(200);
    expect(extra.body.agent_name).toBe('agi-0-fast');
  });

  it('the wire itself: answers 422 in the FastAPI shape for an unknown agent and wrong types, never 500', async () => {
    // Raw: the SDK's types cannot send 'agi-9', a string max_steps or a string boolean.
    const res = await t.request('POST', '/v1/sessions', { body: { agent_name: 'agi-9', max_steps: 'ten', enable_memory_snapshot: 'yes' } });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('validation_error');
    expect(typeof res.body.message).toBe('string');
    const locs = res.body.detail.map((d: { loc: string[] }) => d.loc.join('.'));
    expect(locs).toEqual(expect.arrayContaining(['body.agent_name', 'body.max_steps', 'body.enable_memory_snapshot']));
    for (const d of res.body.detail) expect(d).toEqual({ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) });
  });

  it('the wire itself: rejects a body that is not a JSON object with 422 and broken JSON with 400', async () => {
    expect((await t.request('POST', '/v1/sessions', { body: [1, 2] })).status).toBe(422);
    const broken = await t.request('POST', '/v1/sessions', { rawBody: '{"agent_name":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: 'invalid_json', detail: expect.any(String), message: expect.any(String) });
  });

  it('reads JSON sent as text/plain, answers 415 for other media types and 413 over 1 MiB', async () => {
    // The wire itself: the SDK always sends application/json.
    const plain = await t.request('POST', '/v1/sessions', { rawBody: '{"agent_name":"agi-0-fast"}', headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    expect(plain.status).toBe(200);
    expect(plain.body.agent_name).toBe('agi-0-fast');
    const form = await t.request('POST', '/v1/sessions', { rawBody: 'agent_name=agi-0', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    expect(form.body.error).toBe('unsupported_media_type');
    await expect(t.client.sessions.create('agi-0', { goal: 'x'.repeat(1_100_000) })).rejects.toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('validates webhook_url: 400 for a non-http URL, 422 past 2,000 characters', async () => {
    await expect(t.client.sessions.create('agi-0', { webhookUrl: 'ftp://example.test/hook' })).rejects.toMatchObject({ status: 400, code: 'invalid_url' });
    const long = t.client.sessions.create('agi-0', { webhookUrl: `http://127.0.0.1/${'a'.repeat(2000)}` });
    await expect(long).rejects.toBeInstanceOf(ValidationError);
    await expect(long).rejects.toMatchObject({ status: 422 });
  });

  it('answers 422 for max_steps out of range', async () => {
    for (const maxSteps of [0, 1.5]) {
      const refused = t.client.sessions.create('agi-0', { maxSteps });
      await expect(refused).rejects.toBeInstanceOf(ValidationError);
      await expect(refused).rejects.toMatchObject({ status: 422, code: 'validation_error' });
    }
  });

  it('runs managed-cdp sessions and answers 422 naming the field for options that do not belong to a kind, creating nothing', async () => {
    const managed = await t.client.sessions.create('agi-0', { agentSessionType: 'managed-cdp', environmentType: 'chrome-1' });
    expect(managed).toMatchObject({ status: 'ready', agentSessionType: 'managed-cdp' });
    const before = (await t.client.sessions.list()).length;
    const refusals: Array<[Parameters<TestServer['client']['sessions']['create']>[1], string, RegExp]> = [
      [{ agentSessionType: 'desktop', cdpUrl: 'ws://127.0.0.1:9222/devtools/browser/x' }, 'cdp_url', /a CDP URL is for 'external-cdp' sessions; a 'desktop' session's screen is the client's/],
      [{ agentSessionType: 'desktop', allowDomains: ['example.com'] }, 'allow_domains', /'desktop' session's network is the client's own/],
      [{ agentSessionType: 'external-cdp' }, 'cdp_url', /an 'external-cdp' session needs cdp_url/],
      [{ agentSessionType: 'external-cdp', cdpUrl: 'http://127.0.0.1:9222' }, 'cdp_url', /must be a ws:\/\/ or wss:\/\/ DevTools WebSocket URL/],
      [{ cdpUrl: 'ws://127.0.0.1:9222/devtools/browser/x' }, 'cdp_url', /a CDP URL is for 'external-cdp' sessions/],
      [{ cdpWsUrl: 'ws://127.0.0.1:9222/devtools/browser/x' }, 'cdp_ws_url', /a CDP URL is for 'external-cdp' sessions/],
      [{ environmentType: 'ubuntu-1' }, 'environment_type', /'ubuntu-1' .* is for 'desktop' sessions, whose screen the client brings; a browser session runs on 'chrome-1'/],
    ];
    for (const [options, field, msg] of refusals) {
      const refused = t.client.sessions.create('agi-0', options);
      await expect(refused).rejects.toBeInstanceOf(ValidationError);
      const error = (await refused.catch((e: unknown) => e)) as ValidationError;
      expect(error.issues, field).toEqual([{ loc: ['body', field], msg: expect.stringMatching(msg), type: 'unsupported' }]);
    }
    expect((await t.client.sessions.list()).length).toBe(before);
  });

  it('the wire itself: answers 422 for a session kind or environment the spec does not name', async () => {
    for (const body of [{ agent_session_type: 'browser' }, { environment_type: 'windows-11' }]) {
      const res = await t.request('POST', '/v1/sessions', { body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.detail[0].loc).toEqual(['body', Object.keys(body)[0]]);
    }
  });
});

describe('GET /v1/sessions and /v1/sessions/{id}', () => {
  it('lists own sessions as an array, newest first, and gets one', async () => {
    const a = await t.client.sessions.create();
    await new Promise((r) => setTimeout(r, 5));
    const b = await t.client.sessions.create('agi-0-fast');
    const list = await t.client.sessions.list();
    expect(Array.isArray(list)).toBe(true);
    const ids = list.map((s) => s.sessionId);
    expect(ids.indexOf(b.sessionId)).toBeLessThan(ids.indexOf(a.sessionId));
    for (const s of list) expect(Object.keys(s)).toEqual(expect.arrayContaining(['sessionId', 'agentName', 'status', 'createdAt']));
    expect(await t.client.sessions.get(a.sessionId)).toEqual(a);
  });

  it('the wire itself: the list is a bare array of snake_case sessions', async () => {
    await t.client.sessions.create();
    const list = await t.request('GET', '/v1/sessions');
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body)).toBe(true);
    expect(list.body.length).toBeGreaterThan(0);
    for (const s of list.body) expect(Object.keys(s)).toEqual(expect.arrayContaining(['session_id', 'agent_name', 'status', 'created_at']));
  });

  it('answers 404 with the error body for an unknown or malformed id', async () => {
    for (const id of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid']) {
      const missing = t.client.sessions.get(id);
      await expect(missing).rejects.toBeInstanceOf(NotFoundError);
      await expect(missing).rejects.toMatchObject({
        status: 404,
        code: 'session_not_found',
        body: { error: 'session_not_found', detail: expect.any(String), message: expect.any(String) },
      });
    }
  });
});

describe('DELETE', () => {
  it('deletes a session (deleted true) and answers deleted false for unknown ids', async () => {
    const s = await t.client.sessions.create();
    expect(await t.client.sessions.delete(s.sessionId, 'none')).toEqual({ success: true, deleted: true, message: 'Session deleted successfully' });
    await expect(t.client.sessions.get(s.sessionId)).rejects.toMatchObject({ status: 404 });
    expect(await t.client.sessions.delete(s.sessionId)).toEqual({ success: true, deleted: false, message: 'Session not found' });
  });

  it('the wire itself: accepts snapshot modes case-insensitively and refuses unknown ones with 422', async () => {
    // Raw: the SDK's SnapshotMode is lower case and known modes only.
    const s = await t.client.sessions.create();
    expect((await t.request('DELETE', `/v1/sessions/${s.sessionId}?save_snapshot_mode=sideways`)).status).toBe(422);
    const res = await t.request('DELETE', `/v1/sessions/${s.sessionId}?save_snapshot_mode=FILESYSTEM&save_as_default=true`);
    expect(res.body.deleted).toBe(true);
  });

  it('deletes all own sessions with a count, then reports none left', async () => {
    const other = t.clientWith(await startTestServerKey());
    await t.client.sessions.create();
    const foreign = await other.sessions.create();
    const res = await t.client.sessions.deleteAll();
    expect(res).toMatchObject({ success: true, deleted: true, message: 'Sessions deleted successfully' });
    expect(res.count).toBeGreaterThanOrEqual(1);
    expect(await t.client.sessions.list()).toEqual([]);
    expect(await t.client.sessions.deleteAll()).toMatchObject({ success: true, deleted: false, count: 0 });
    // The other key's session is untouched.
    expect((await other.sessions.get(foreign.sessionId)).sessionId).toBe(foreign.sessionId);
  });
});

describe('GET /v1/models', () => {
  it('lists the agent models, the same for browsers and desktops', async () => {
    expect(await t.client.models.list()).toEqual({ models: ['agi-0', 'agi-0-fast'] });
    expect(await t.client.models.list('cdp')).toEqual({ models: ['agi-0', 'agi-0-fast'] });
    expect(await t.client.sessions.listModels('desktop')).toEqual({ models: ['agi-0', 'agi-0-fast'] });
    // The wire itself: a filter the SDK's type does not allow.
    expect((await t.request('GET', '/v1/models?filter=quantum')).status).toBe(422);
  });
});

describe('unknown routes', () => {
  it('the wire itself: answers 404 with the error body', async () => {
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
    // raw: the SDK has no method for the OpenAPI document (and it is asked without a key).
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
