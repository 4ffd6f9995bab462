import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

async function newSession(body: Record<string, unknown> = {}): Promise<string> {
  const res = await t.request('POST', '/v1/sessions', { body });
  expect(res.status).toBe(200);
  return res.body.session_id;
}

describe('POST /message validation', () => {
  it('requires a message of 1 to 10,000 characters', async () => {
    const id = await newSession();
    for (const body of [{}, { message: '' }, { message: 'x'.repeat(10_001) }, { message: 42 }]) {
      const res = await t.request('POST', `/v1/sessions/${id}/message`, { body });
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(422);
      expect(res.body.error).toBe('validation_error');
    }
    const ok = await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: `finish ${'x'.repeat(9_993)}` } });
    expect(ok.status).toBe(200);
  });

  it('answers 400 for a start_url that is not an absolute http(s) URL', async () => {
    const id = await newSession();
    for (const start_url of ['/relative', 'javascript:alert(1)', 'not a url']) {
      const res = await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'finish x', start_url } });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_url');
    }
  });
});

describe('a task from message to DONE', () => {
  it('runs, stores USER, THOUGHT and DONE with ids from 1, and finishes', async () => {
    const id = await newSession();
    expect((await t.request('GET', `/v1/sessions/${id}/status`)).body).toEqual({ status: 'ready' });
    const sent = await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'finish The answer is 42' } });
    expect(sent.body).toEqual({ success: true, message: 'Message sent successfully' });
    await t.waitForStatus(id, ['finished']);
    const res = await t.request('GET', `/v1/sessions/${id}/messages`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('finished');
    expect(res.body.has_agent).toBe(true);
    const messages = res.body.messages as Array<{ id: number; type: string; content: unknown; timestamp: string; metadata: object }>;
    expect(messages.map((m) => m.type)).toEqual(['USER', 'THOUGHT', 'DONE']);
    // Ids count every message, internal ones included: 1, 2, 3, … without gaps.
    const everything = (await t.request('GET', `/v1/sessions/${id}/messages?sanitize=false`)).body.messages as Array<{ id: number }>;
    expect(everything.map((m) => m.id)).toEqual(everything.map((_, i) => i + 1));
    expect(messages[0]!.id).toBe(1);
    expect(messages[0]!.content).toBe('finish The answer is 42');
    expect(messages[2]!.content).toBe('The answer is 42');
    for (const m of messages) expect(Object.keys(m).sort()).toEqual(['content', 'id', 'metadata', 'timestamp', 'type']);
    // Lifecycle returns to ready after the task (spec §9.6).
    expect((await t.request('GET', `/v1/sessions/${id}`)).body.status).toBe('ready');
  });

  it('filters with after_id and hides internal messages unless sanitize=false', async () => {
    const id = await newSession();
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'finish done' } });
    await t.waitForStatus(id, ['finished']);
    const all = (await t.request('GET', `/v1/sessions/${id}/messages?sanitize=false`)).body.messages;
    const sanitized = (await t.request('GET', `/v1/sessions/${id}/messages?sanitize=true`)).body.messages;
    expect(all.length).toBeGreaterThan(sanitized.length);
    const internal = all.filter((m: { metadata: { kind?: string } }) => m.metadata.kind === 'prompt' || m.metadata.kind === 'model_output');
    expect(internal.length).toBeGreaterThan(0);
    expect(sanitized.some((m: { metadata: { kind?: string } }) => m.metadata.kind === 'prompt')).toBe(false);
    const after = (await t.request('GET', `/v1/sessions/${id}/messages?after_id=2&sanitize=False`)).body.messages;
    expect(after.every((m: { id: number }) => m.id > 2)).toBe(true);
    expect(after.length).toBe(all.length - 2);
    expect((await t.request('GET', `/v1/sessions/${id}/messages?after_id=-1`)).status).toBe(422);
    expect((await t.request('GET', `/v1/sessions/${id}/messages?sanitize=maybe`)).status).toBe(422);
  });

  it('stores structured DONE content as a JSON object', async () => {
    const id = await newSession();
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'json' } });
    await t.waitForStatus(id, ['finished']);
    const done = (await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages.find((m: { type: string }) => m.type === 'DONE');
    expect(done.content).toEqual({ summary: 'Found 2 items', items: [1, 2] });
    expect(done.metadata).toMatchObject({ steps: 1 });
  });

  it('ends a failing task with an ERROR stored before the error status', async () => {
    const id = await newSession();
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'fail could not find it' } });
    await t.waitForStatus(id, ['error']);
    const res = (await t.request('GET', `/v1/sessions/${id}/messages`)).body;
    const last = res.messages[res.messages.length - 1];
    expect(last).toMatchObject({ type: 'ERROR', content: 'could not find it', metadata: { code: 'failed' } });
    expect((await t.request('GET', `/v1/sessions/${id}`)).body.status).toBe('ready');
  });

  it('turns a throwing policy into an ERROR, not a crash', async () => {
    const id = await newSession();
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'throw policy exploded' } });
    await t.waitForStatus(id, ['error']);
    const last = (await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages.at(-1);
    expect(last.type).toBe('ERROR');
    expect(last.content).toContain('policy exploded');
    expect(last.metadata.code).toBe('model_error');
  });

  it('starts a task from goal at creation', async () => {
    const id = await newSession({ goal: 'finish from goal' });
    await t.waitForStatus(id, ['finished']);
    const messages = (await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages;
    expect(messages[0]).toMatchObject({ type: 'USER', content: 'finish from goal' });
    expect(messages.at(-1)).toMatchObject({ type: 'DONE', content: 'from goal' });
  });

  it('ends with an ERROR when max_steps runs out', async () => {
    const id = await newSession({ max_steps: 2 });
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'loop' } });
    await t.waitForStatus(id, ['error']);
    const last = (await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages.at(-1);
    expect(last.type).toBe('ERROR');
    expect(last.content).toContain('2 steps');
  });

  it('starts a new task after the previous one ended', async () => {
    const id = await newSession();
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'finish one' } });
    await t.waitForStatus(id, ['finished']);
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'finish two' } });
    await t.waitForStatus(id, ['finished']);
    const dones = (await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages.filter((m: { type: string }) => m.type === 'DONE');
    expect(dones.map((m: { content: string }) => m.content)).toEqual(['one', 'two']);
  });

  it('accepts the lenient POST /messages alias with {content}', async () => {
    const id = await newSession();
    const res = await t.request('POST', `/v1/sessions/${id}/messages`, { body: { content: 'finish via alias' } });
    expect(res.status).toBe(200);
    await t.waitForStatus(id, ['finished']);
  });
});

describe('questions, updates, pause, resume, cancel', () => {
  it('asks a QUESTION, waits for input, and finishes with the answer', async () => {
    const id = await newSession();
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'ask Which colour?' } });
    await t.waitForStatus(id, ['waiting_for_input']);
    const before = (await t.request('GET', `/v1/sessions/${id}/messages`)).body;
    expect(before.messages.at(-1)).toMatchObject({ type: 'QUESTION', content: 'Which colour?' });
    expect((await t.request('GET', `/v1/sessions/${id}`)).body.status).toBe('running');
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'blue' } });
    await t.waitForStatus(id, ['finished']);
    const after = (await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages;
    expect(after.at(-2)).toMatchObject({ type: 'USER', content: 'blue' });
    expect(after.at(-1)).toMatchObject({ type: 'DONE', content: 'answer: blue' });
  });

  it('reads a message sent during a task as an update at the next step', async () => {
    const id = await newSession();
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'loop' } });
    await t.waitForStatus(id, ['running']);
    expect((await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'stop now please' } })).status).toBe(200);
    await t.waitForStatus(id, ['finished']);
    expect((await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages.at(-1)).toMatchObject({ type: 'DONE', content: 'updated: now please' });
  });

  it('pauses and resumes with the documented codes and statuses', async () => {
    const id = await newSession();
    const pauseIdle = await t.request('POST', `/v1/sessions/${id}/pause`);
    expect(pauseIdle.status).toBe(409);
    expect(pauseIdle.body.error).toBe('not_running');
    const resumeIdle = await t.request('POST', `/v1/sessions/${id}/resume`);
    expect(resumeIdle.status).toBe(409);
    expect(resumeIdle.body.error).toBe('not_paused');

    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'loop' } });
    await t.waitForStatus(id, ['running']);
    expect((await t.request('POST', `/v1/sessions/${id}/pause`)).body).toEqual({ success: true, message: 'Session paused successfully' });
    expect((await t.request('GET', `/v1/sessions/${id}/status`)).body.status).toBe('paused');
    expect((await t.request('GET', `/v1/sessions/${id}`)).body.status).toBe('paused');
    const again = await t.request('POST', `/v1/sessions/${id}/pause`);
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.body)).toContain('already_paused');

    // Once pause has answered, the agent records nothing until resume.
    const count = async (): Promise<number> => (await t.request('GET', `/v1/sessions/${id}/messages?sanitize=false`)).body.messages.length;
    const n = await count();
    await new Promise((r) => setTimeout(r, 400));
    expect(await count()).toBe(n);

    expect((await t.request('POST', `/v1/sessions/${id}/resume`)).body).toEqual({ success: true, message: 'Session resumed successfully' });
    expect((await t.request('GET', `/v1/sessions/${id}/status`)).body.status).toBe('running');
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'stop after resume' } });
    await t.waitForStatus(id, ['finished']);
  });

  it('keeps an answer sent while paused for after resume', async () => {
    const id = await newSession();
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'ask Size?' } });
    await t.waitForStatus(id, ['waiting_for_input']);
    await t.request('POST', `/v1/sessions/${id}/pause`);
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'large' } });
    expect((await t.request('GET', `/v1/sessions/${id}/status`)).body.status).toBe('paused');
    await t.request('POST', `/v1/sessions/${id}/resume`);
    await t.waitForStatus(id, ['finished']);
    expect((await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages.at(-1)).toMatchObject({ type: 'DONE', content: 'answer: large' });
  });

  it('cancels a running task: ERROR "Task cancelled", status error, session ready and reusable', async () => {
    const id = await newSession();
    const idle = await t.request('POST', `/v1/sessions/${id}/cancel`);
    expect(idle.status).toBe(409);
    expect(idle.body.error).toBe('not_running');
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'loop' } });
    await t.waitForStatus(id, ['running']);
    expect((await t.request('POST', `/v1/sessions/${id}/cancel`)).body).toEqual({ success: true, message: 'Session cancelled successfully' });
    expect((await t.request('GET', `/v1/sessions/${id}/status`)).body.status).toBe('error');
    const res = (await t.request('GET', `/v1/sessions/${id}/messages`)).body;
    const last = res.messages.at(-1);
    expect(last).toMatchObject({ type: 'ERROR', content: 'Task cancelled', metadata: { code: 'cancelled' } });
    // Nothing is recorded for the cancelled task afterwards.
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages.at(-1).id).toBe(last.id);
    expect((await t.request('GET', `/v1/sessions/${id}`)).body.status).toBe('ready');
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'finish again' } });
    await t.waitForStatus(id, ['finished']);
  });

  it('cancels a paused task and a task waiting for input', async () => {
    for (const setup of ['pause', 'question'] as const) {
      const id = await newSession();
      await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: setup === 'pause' ? 'loop' : 'ask Why?' } });
      await t.waitForStatus(id, [setup === 'pause' ? 'running' : 'waiting_for_input']);
      if (setup === 'pause') await t.request('POST', `/v1/sessions/${id}/pause`);
      expect((await t.request('POST', `/v1/sessions/${id}/cancel`)).status).toBe(200);
      expect((await t.request('GET', `/v1/sessions/${id}/status`)).body.status).toBe('error');
    }
  });

  it('deletes a session with a running task', async () => {
    const id = await newSession();
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'loop' } });
    await t.waitForStatus(id, ['running']);
    expect((await t.request('DELETE', `/v1/sessions/${id}`)).body.deleted).toBe(true);
    expect((await t.request('GET', `/v1/sessions/${id}/status`)).status).toBe(404);
  });
});
