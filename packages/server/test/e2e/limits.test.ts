import { ConflictError, RateLimitError } from '@steward/client';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// The session cap, idle and lifetime limits, the task budget and a server without a model, as a
// client of the SDK meets them.

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function listedStatus(server: TestServer, id: string): Promise<string | undefined> {
  return (await server.client.sessions.list()).find((s) => s.sessionId === id)?.status;
}

async function waitListed(server: TestServer, id: string, status: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await listedStatus(server, id)) !== status) {
    if (Date.now() > deadline) throw new Error(`session never became ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function newSession(server: TestServer): Promise<string> {
  return (await server.client.sessions.create()).sessionId;
}

describe('session limits', () => {
  it('answers 429 session_limit with Retry-After beyond the cap, and frees a slot on delete', async () => {
    t = await startTestServer({ maxSessions: 2 });
    const a = await newSession(t);
    await newSession(t);
    const third = t.client.sessions.create();
    await expect(third).rejects.toBeInstanceOf(RateLimitError);
    const refused = (await third.catch((e: unknown) => e)) as RateLimitError;
    expect(refused).toMatchObject({ status: 429, code: 'session_limit' });
    expect(refused.retryAfter).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBe(refused.retryAfter);
    await t.client.sessions.delete(a);
    expect(await t.client.sessions.create()).toMatchObject({ status: 'ready' });
  });

  it('terminates an idle session: listed as terminated, refuses tasks with 409, still deletable', async () => {
    t = await startTestServer({ sessionIdleTimeoutS: 1 });
    const id = await newSession(t);
    await waitListed(t, id, 'terminated');
    const sent = t.client.sessions.sendMessage(id, 'finish x');
    await expect(sent).rejects.toBeInstanceOf(ConflictError);
    await expect(sent).rejects.toMatchObject({ status: 409, code: 'session_terminated' });
    await expect(t.client.sessions.screenshot(id)).rejects.toMatchObject({ status: 409 });
    const messages = await t.client.sessions.getMessages(id);
    expect(messages.hasAgent).toBe(false);
    expect(messages.messages.at(-1)).toMatchObject({ type: 'LOG', metadata: { kind: 'terminated', reason: 'idle timeout' } });
    expect(await t.client.sessions.delete(id)).toMatchObject({ deleted: true });
  });

  it('ends a running task when the session reaches its maximum lifetime', async () => {
    t = await startTestServer({ sessionMaxLifetimeS: 2, sessionIdleTimeoutS: 0 });
    const id = await newSession(t);
    await t.client.sessions.sendMessage(id, 'loop');
    await waitListed(t, id, 'terminated');
    const messages = await t.client.sessions.getMessages(id);
    expect(messages.status).toBe('error');
    const error = messages.messages.find((m) => m.type === 'ERROR');
    expect(error).toMatchObject({ metadata: { code: 'session_ended' } });
    expect(error?.content).toContain('maximum lifetime');
  });

  it('bounds a task by its wall-time budget', async () => {
    t = await startTestServer({ taskTimeoutS: 1 });
    const id = await newSession(t);
    await t.client.sessions.sendMessage(id, 'loop');
    await t.waitForStatus(id, ['error']);
    const last = (await t.client.sessions.getMessages(id)).messages.at(-1);
    expect(last).toMatchObject({ type: 'ERROR', metadata: { code: 'timeout' } });
  });
});

describe('without a model', () => {
  it('serves everything, and a task ends at once with an ERROR saying how to configure one', async () => {
    t = await startTestServer({ model: undefined });
    const id = await newSession(t);
    expect((await t.client.sessions.screenshot(id)).screenshot).toMatch(/^data:image\/jpeg;base64,/);
    await t.client.sessions.sendMessage(id, 'do something');
    await t.waitForStatus(id, ['error']);
    const res = await t.client.sessions.getMessages(id);
    expect(res.hasAgent).toBe(false);
    expect(res.messages.at(-1)).toMatchObject({ type: 'ERROR', metadata: { code: 'no_model' } });
    expect(res.messages.at(-1)?.content).toContain('STEWARD_MODEL');
  });
});
