import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function listedStatus(server: TestServer, id: string): Promise<string | undefined> {
  const list = (await server.request('GET', '/v1/sessions')).body as Array<{ session_id: string; status: string }>;
  return list.find((s) => s.session_id === id)?.status;
}

async function waitListed(server: TestServer, id: string, status: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await listedStatus(server, id)) !== status) {
    if (Date.now() > deadline) throw new Error(`session never became ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('session limits', () => {
  it('answers 429 session_limit with Retry-After beyond the cap, and frees a slot on delete', async () => {
    t = await startTestServer({ maxSessions: 2 });
    const a = (await t.request('POST', '/v1/sessions', { body: {} })).body.session_id;
    expect((await t.request('POST', '/v1/sessions', { body: {} })).status).toBe(200);
    const third = await t.request('POST', '/v1/sessions', { body: {} });
    expect(third.status).toBe(429);
    expect(third.body.error).toBe('session_limit');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    await t.request('DELETE', `/v1/sessions/${a}`);
    expect((await t.request('POST', '/v1/sessions', { body: {} })).status).toBe(200);
  });

  it('terminates an idle session: listed as terminated, refuses tasks with 409, still deletable', async () => {
    t = await startTestServer({ sessionIdleTimeoutS: 1 });
    const id = (await t.request('POST', '/v1/sessions', { body: {} })).body.session_id;
    await waitListed(t, id, 'terminated');
    const msg = await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'finish x' } });
    expect(msg.status).toBe(409);
    expect(msg.body.error).toBe('session_terminated');
    expect((await t.request('GET', `/v1/sessions/${id}/screenshot`)).status).toBe(409);
    const messages = (await t.request('GET', `/v1/sessions/${id}/messages`)).body;
    expect(messages.has_agent).toBe(false);
    expect(messages.messages.at(-1)).toMatchObject({ type: 'LOG', metadata: { kind: 'terminated', reason: 'idle timeout' } });
    expect((await t.request('DELETE', `/v1/sessions/${id}`)).body.deleted).toBe(true);
  });

  it('ends a running task when the session reaches its maximum lifetime', async () => {
    t = await startTestServer({ sessionMaxLifetimeS: 2, sessionIdleTimeoutS: 0 });
    const id = (await t.request('POST', '/v1/sessions', { body: {} })).body.session_id;
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'loop' } });
    await waitListed(t, id, 'terminated');
    const messages = (await t.request('GET', `/v1/sessions/${id}/messages`)).body;
    expect(messages.status).toBe('error');
    const error = messages.messages.find((m: { type: string }) => m.type === 'ERROR');
    expect(error).toMatchObject({ metadata: { code: 'session_ended' } });
    expect(error.content).toContain('maximum lifetime');
  });

  it('bounds a task by its wall-time budget', async () => {
    t = await startTestServer({ taskTimeoutS: 1 });
    const id = (await t.request('POST', '/v1/sessions', { body: {} })).body.session_id;
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'loop' } });
    await t.waitForStatus(id, ['error']);
    const last = (await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages.at(-1);
    expect(last).toMatchObject({ type: 'ERROR', metadata: { code: 'timeout' } });
  });
});

describe('without a model', () => {
  it('serves everything, and a task ends at once with an ERROR saying how to configure one', async () => {
    t = await startTestServer({ model: undefined });
    const id = (await t.request('POST', '/v1/sessions', { body: {} })).body.session_id;
    expect((await t.request('GET', `/v1/sessions/${id}/screenshot`)).status).toBe(200);
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'do something' } });
    await t.waitForStatus(id, ['error']);
    const res = (await t.request('GET', `/v1/sessions/${id}/messages`)).body;
    expect(res.has_agent).toBe(false);
    expect(res.messages.at(-1)).toMatchObject({ type: 'ERROR', metadata: { code: 'no_model' } });
    expect(res.messages.at(-1).content).toContain('STEWARD_MODEL');
  });
});
