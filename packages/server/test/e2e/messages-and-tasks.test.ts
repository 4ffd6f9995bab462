import { ConflictError, NotFoundError, type CreateSessionOptions, type Message } from '@steward/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

async function newSession(options: CreateSessionOptions = {}): Promise<string> {
  return (await t.client.sessions.create('agi-0', options)).sessionId;
}

async function messagesOf(id: string, afterId = 0, sanitize = true): Promise<Message[]> {
  return (await t.client.sessions.getMessages(id, afterId, sanitize)).messages;
}

async function lastMessage(id: string): Promise<Message> {
  return (await messagesOf(id)).at(-1)!;
}

async function sessionStatus(id: string): Promise<string> {
  return (await t.client.sessions.get(id)).status;
}

async function executionStatus(id: string): Promise<string> {
  return (await t.client.sessions.getStatus(id)).status;
}

describe('POST /message validation', () => {
  it('requires a message of 1 to 10,000 characters', async () => {
    const id = await newSession();
    for (const message of ['', 'x'.repeat(10_001)]) {
      await expect(t.client.sessions.sendMessage(id, message), `${message.length} characters`).rejects.toMatchObject({ status: 422, code: 'validation_error' });
    }
    // the wire itself: a missing or non-string message, which the SDK's types cannot send.
    for (const body of [{}, { message: 42 }]) {
      const res = await t.request('POST', `/v1/sessions/${id}/message`, { body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error).toBe('validation_error');
    }
    expect(await t.client.sessions.sendMessage(id, `finish ${'x'.repeat(9_993)}`)).toEqual({ success: true, message: 'Message sent successfully' });
  });

  it('answers 400 for a start_url that is not an absolute http(s) URL', async () => {
    const id = await newSession();
    for (const startUrl of ['/relative', 'javascript:alert(1)', 'not a url']) {
      await expect(t.client.sessions.sendMessage(id, 'finish x', { startUrl }), startUrl).rejects.toMatchObject({ status: 400, code: 'invalid_url' });
    }
  });
});

describe('a task from message to DONE', () => {
  it('runs, stores USER, THOUGHT and DONE with ids from 1, and finishes', async () => {
    const id = await newSession();
    expect(await t.client.sessions.getStatus(id)).toEqual({ status: 'ready' });
    expect(await t.client.sessions.sendMessage(id, 'finish The answer is 42')).toEqual({ success: true, message: 'Message sent successfully' });
    await t.waitForStatus(id, ['finished']);
    const { messages, status, hasAgent } = await t.client.sessions.getMessages(id);
    expect(status).toBe('finished');
    expect(hasAgent).toBe(true);
    expect(messages.map((m) => m.type)).toEqual(['USER', 'THOUGHT', 'DONE']);
    // Ids count every message, internal ones included: 1, 2, 3, … without gaps.
    const everything = await messagesOf(id, 0, false);
    expect(everything.map((m) => m.id)).toEqual(everything.map((_, i) => i + 1));
    expect(messages[0]!.id).toBe(1);
    expect(messages[0]!.content).toBe('finish The answer is 42');
    expect(messages[2]!.content).toBe('The answer is 42');
    // the wire itself: snake_case `has_agent`, and exactly these five fields in every message (spec §1.8, §3).
    const wire = await t.request('GET', `/v1/sessions/${id}/messages`);
    expect(wire.status).toBe(200);
    expect(wire.body.has_agent).toBe(true);
    for (const m of wire.body.messages) expect(Object.keys(m).sort()).toEqual(['content', 'id', 'metadata', 'timestamp', 'type']);
    // Lifecycle returns to ready after the task (spec §9.6).
    expect(await sessionStatus(id)).toBe('ready');
  });

  it('filters with after_id and hides internal messages unless sanitize=false', async () => {
    const id = await newSession();
    await t.client.sessions.sendMessage(id, 'finish done');
    await t.waitForStatus(id, ['finished']);
    const all = await messagesOf(id, 0, false);
    const sanitized = await messagesOf(id, 0, true);
    expect(all.length).toBeGreaterThan(sanitized.length);
    const internal = all.filter((m) => m.metadata['kind'] === 'prompt' || m.metadata['kind'] === 'model_output');
    expect(internal.length).toBeGreaterThan(0);
    expect(sanitized.some((m) => m.metadata['kind'] === 'prompt')).toBe(false);
    const after = await messagesOf(id, 2, false);
    expect(after.every((m) => m.id > 2)).toBe(true);
    expect(after.length).toBe(all.length - 2);
    // the wire itself: Python clients write `sanitize=False`; the SDK always sends `false`.
    const pythonic = (await t.request('GET', `/v1/sessions/${id}/messages?after_id=2&sanitize=False`)).body.messages;
    expect(pythonic).toEqual(after);
    await expect(t.client.sessions.getMessages(id, -1)).rejects.toMatchObject({ status: 422 });
    // the wire itself: a sanitize that is no boolean, which the SDK's types cannot send.
    expect((await t.request('GET', `/v1/sessions/${id}/messages?sanitize=maybe`)).status).toBe(422);
  });

  it('stores structured DONE content as a JSON object', async () => {
    const id = await newSession();
    await t.client.sessions.sendMessage(id, 'json');
    await t.waitForStatus(id, ['finished']);
    const done = (await messagesOf(id)).find((m) => m.type === 'DONE')!;
    expect(done.content).toEqual({ summary: 'Found 2 items', items: [1, 2] });
    expect(done.metadata).toMatchObject({ steps: 1 });
  });

  it('ends a failing task with an ERROR stored before the error status', async () => {
    const id = await newSession();
    await t.client.sessions.sendMessage(id, 'fail could not find it');
    await t.waitForStatus(id, ['error']);
    expect(await lastMessage(id)).toMatchObject({ type: 'ERROR', content: 'could not find it', metadata: { code: 'failed' } });
    expect(await sessionStatus(id)).toBe('ready');
  });

  it('turns a throwing policy into an ERROR, not a crash', async () => {
    const id = await newSession();
    await t.client.sessions.sendMessage(id, 'throw policy exploded');
    await t.waitForStatus(id, ['error']);
    const last = await lastMessage(id);
    expect(last.type).toBe('ERROR');
    expect(last.content).toContain('policy exploded');
    expect(last.metadata['code']).toBe('model_error');
  });

  it('starts a task from goal at creation', async () => {
    const id = await newSession({ goal: 'finish from goal' });
    await t.waitForStatus(id, ['finished']);
    const messages = await messagesOf(id);
    expect(messages[0]).toMatchObject({ type: 'USER', content: 'finish from goal' });
    expect(messages.at(-1)).toMatchObject({ type: 'DONE', content: 'from goal' });
  });

  it('ends with an ERROR when max_steps runs out', async () => {
    const id = await newSession({ maxSteps: 2 });
    await t.client.sessions.sendMessage(id, 'loop');
    await t.waitForStatus(id, ['error']);
    const last = await lastMessage(id);
    expect(last.type).toBe('ERROR');
    expect(last.content).toContain('2 steps');
  });

  it('starts a new task after the previous one ended', async () => {
    const id = await newSession();
    await t.client.sessions.sendMessage(id, 'finish one');
    await t.waitForStatus(id, ['finished']);
    await t.client.sessions.sendMessage(id, 'finish two');
    await t.waitForStatus(id, ['finished']);
    const dones = (await messagesOf(id)).filter((m) => m.type === 'DONE');
    expect(dones.map((m) => m.content)).toEqual(['one', 'two']);
  });

  it('accepts the lenient POST /messages alias with {content}', async () => {
    const id = await newSession();
    // the wire itself: an alias for other clients; the SDK only sends POST /message.
    const res = await t.request('POST', `/v1/sessions/${id}/messages`, { body: { content: 'finish via alias' } });
    expect(res.status).toBe(200);
    await t.waitForStatus(id, ['finished']);
  });
});

describe('questions, updates, pause, resume, cancel', () => {
  it('asks a QUESTION, waits for input, and finishes with the answer', async () => {
    const id = await newSession();
    await t.client.sessions.sendMessage(id, 'ask Which colour?');
    await t.waitForStatus(id, ['waiting_for_input']);
    expect(await lastMessage(id)).toMatchObject({ type: 'QUESTION', content: 'Which colour?' });
    expect(await sessionStatus(id)).toBe('running');
    await t.client.sessions.sendMessage(id, 'blue');
    await t.waitForStatus(id, ['finished']);
    const after = await messagesOf(id);
    expect(after.at(-2)).toMatchObject({ type: 'USER', content: 'blue' });
    expect(after.at(-1)).toMatchObject({ type: 'DONE', content: 'answer: blue' });
  });

  it('reads a message sent during a task as an update at the next step', async () => {
    const id = await newSession();
    await t.client.sessions.sendMessage(id, 'loop');
    await t.waitForStatus(id, ['running']);
    expect(await t.client.sessions.sendMessage(id, 'stop now please')).toMatchObject({ success: true });
    await t.waitForStatus(id, ['finished']);
    expect(await lastMessage(id)).toMatchObject({ type: 'DONE', content: 'updated: now please' });
  });

  it('pauses and resumes with the documented codes and statuses', async () => {
    const id = await newSession();
    await expect(t.client.sessions.pause(id)).rejects.toMatchObject({ status: 409, code: 'not_running' });
    await expect(t.client.sessions.resume(id)).rejects.toMatchObject({ status: 409, code: 'not_paused' });

    await t.client.sessions.sendMessage(id, 'loop');
    await t.waitForStatus(id, ['running']);
    expect(await t.client.sessions.pause(id)).toEqual({ success: true, message: 'Session paused successfully' });
    expect(await executionStatus(id)).toBe('paused');
    expect(await sessionStatus(id)).toBe('paused');
    const again = t.client.sessions.pause(id);
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    await expect(again).rejects.toMatchObject({ status: 409, code: 'already_paused' });

    // Once pause has answered, the agent records nothing until resume.
    const count = async (): Promise<number> => (await messagesOf(id, 0, false)).length;
    const n = await count();
    await new Promise((r) => setTimeout(r, 400));
    expect(await count()).toBe(n);

    expect(await t.client.sessions.resume(id)).toEqual({ success: true, message: 'Session resumed successfully' });
    expect(await executionStatus(id)).toBe('running');
    await t.client.sessions.sendMessage(id, 'stop after resume');
    await t.waitForStatus(id, ['finished']);
  });

  it('keeps an answer sent while paused for after resume', async () => {
    const id = await newSession();
    await t.client.sessions.sendMessage(id, 'ask Size?');
    await t.waitForStatus(id, ['waiting_for_input']);
    await t.client.sessions.pause(id);
    await t.client.sessions.sendMessage(id, 'large');
    expect(await executionStatus(id)).toBe('paused');
    await t.client.sessions.resume(id);
    await t.waitForStatus(id, ['finished']);
    expect(await lastMessage(id)).toMatchObject({ type: 'DONE', content: 'answer: large' });
  });

  it('cancels a running task: ERROR "Task cancelled", status error, session ready and reusable', async () => {
    const id = await newSession();
    await expect(t.client.sessions.cancel(id)).rejects.toMatchObject({ status: 409, code: 'not_running' });
    await t.client.sessions.sendMessage(id, 'loop');
    await t.waitForStatus(id, ['running']);
    expect(await t.client.sessions.cancel(id)).toEqual({ success: true, message: 'Session cancelled successfully' });
    expect(await executionStatus(id)).toBe('error');
    const last = await lastMessage(id);
    expect(last).toMatchObject({ type: 'ERROR', content: 'Task cancelled', metadata: { code: 'cancelled' } });
    // Nothing is recorded for the cancelled task afterwards.
    await new Promise((r) => setTimeout(r, 300));
    expect((await lastMessage(id)).id).toBe(last.id);
    expect(await sessionStatus(id)).toBe('ready');
    await t.client.sessions.sendMessage(id, 'finish again');
    await t.waitForStatus(id, ['finished']);
  });

  it('cancels a paused task and a task waiting for input', async () => {
    for (const setup of ['pause', 'question'] as const) {
      const id = await newSession();
      await t.client.sessions.sendMessage(id, setup === 'pause' ? 'loop' : 'ask Why?');
      await t.waitForStatus(id, [setup === 'pause' ? 'running' : 'waiting_for_input']);
      if (setup === 'pause') await t.client.sessions.pause(id);
      expect(await t.client.sessions.cancel(id)).toMatchObject({ success: true });
      expect(await executionStatus(id)).toBe('error');
    }
  });

  it('deletes a session with a running task', async () => {
    const id = await newSession();
    await t.client.sessions.sendMessage(id, 'loop');
    await t.waitForStatus(id, ['running']);
    expect((await t.client.sessions.delete(id)).deleted).toBe(true);
    await expect(t.client.sessions.getStatus(id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
