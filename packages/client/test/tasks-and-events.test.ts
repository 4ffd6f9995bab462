import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { AgentExecutionError, APIUserAbortError, NotFoundError, Steward, TaskTimeoutError, type SessionEvent } from '../src/index.ts';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';

// runTask and streamEvents against the real server and the scripted test policy
// (packages/server/test/e2e/policies/test-policy.mjs: `finish <text>`, `loop`, `ask`, …).

let t: TestServer;
let proxy: FaultProxy;
let client: Steward;
beforeAll(async () => {
  t = await startTestServer({ sseHeartbeatS: 0.5 });
  proxy = await startFaultProxy(t.url);
  client = new Steward({ apiKey: t.key, baseUrl: proxy.url });
});
afterAll(async () => {
  await proxy?.close();
  await t?.close();
});

const fast = { pollInterval: 50, timeout: 20_000 };

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('client.session() and runTask', () => {
  it('runs two tasks on a session that ran one before, each returning its own result, and deletes the session when it leaves scope', async () => {
    let sessionId: string | undefined;
    {
      await using session = client.session('agi-0');
      // A task run outside runTask first: its DONE is the first one the session has.
      await session.sendMessage('finish earlier answer');
      sessionId = session.sessionId;
      await t.waitForStatus(sessionId!, ['finished']);
      const first = await session.runTask('finish first answer', fast);
      const second = await session.runTask('finish second answer', fast);
      expect(first.data).toEqual({ content: 'first answer' });
      expect(second.data).toEqual({ content: 'second answer' });
      expect(second.metadata).toMatchObject({ sessionId, success: true, steps: 1, actions: 1, cost: 0, usage: { inputTokens: 0, outputTokens: 0 } });
      expect(second.metadata.duration).toBeGreaterThanOrEqual(0);
      const messages = (await client.sessions.getMessages(sessionId!)).messages;
      const users = messages.filter((m) => m.type === 'USER').map((m) => m.id);
      expect([first.metadata.taskId, second.metadata.taskId]).toEqual(users.slice(1));
      expect(second.metadata.messageId).toBe(messages.at(-1)?.id);
    }
    expect(await caught(client.sessions.get(sessionId!))).toBeInstanceOf(NotFoundError);
  });

  it('returns a structured result that matches outputSchema, and a JSON result as it came', async () => {
    await using session = client.session();
    const schema = { type: 'object', required: ['name', 'age'], properties: { name: { type: 'string' }, age: { type: 'number' } } };
    const structured = await session.runTask<{ name: string; age: number }>('structured', { ...fast, outputSchema: schema });
    expect(structured.data).toEqual({ name: 'Ada', age: 36 });
    expect((await session.runTask('json', fast)).data).toEqual({ summary: 'Found 2 items', items: [1, 2] });
  });

  it('navigates to startUrl first', async () => {
    await using session = client.session();
    const page = `${t.url}/healthz`;
    await session.runTask('finish there', { ...fast, startUrl: page });
    expect((await session.screenshot()).url).toBe(page);
  });

  it('answers questions through onQuestion, or returns the question unanswered', async () => {
    await using session = client.session();
    const questions: string[] = [];
    const answered = await session.runTask('ask Window or aisle?', { ...fast, onQuestion: (q) => (questions.push(String(q.content)), 'window') });
    expect(questions).toEqual(['Window or aisle?']);
    expect(answered.data).toEqual({ content: 'answer: window' });
    const open = await session.runTask('ask Morning or evening?', fast);
    expect(open.data).toEqual({ content: 'Morning or evening?' });
    expect(open.metadata.success).toBe(false);
    expect((await session.getStatus()).status).toBe('waiting_for_input');
  });

  it('throws AgentExecutionError with the ERROR code, and TaskTimeoutError when the task outlasts timeout', async () => {
    await using session = client.session();
    const failed = await caught(session.runTask('fail The form was gone', fast));
    expect(failed).toBeInstanceOf(AgentExecutionError);
    expect(failed).toMatchObject({ code: 'failed', message: 'Task failed: The form was gone', sessionId: session.sessionId });
    // The timeout covers sending the task too: long enough that the message surely arrived under
    // CI load (500 ms did not), short beside a task that runs until cancelled.
    const slow = await caught(session.runTask('loop', { pollInterval: 50, timeout: 3_000 }));
    expect(slow).toBeInstanceOf(TaskTimeoutError);
    expect((await session.getStatus()).status).toBe('running');
    await session.cancel();
    const aborted = new AbortController();
    const pending = caught(session.runTask('loop', { ...fast, signal: aborted.signal }));
    await t.waitForStatus(session.sessionId!, ['running']);
    aborted.abort();
    expect(await pending).toBeInstanceOf(APIUserAbortError);
  });
});

describe('streamEvents', () => {
  it('reconnects mid-task with Last-Event-ID after dropped connections, without a duplicate or a gap', async () => {
    const { sessionId } = await client.sessions.create();
    proxy.inject('GET', /\/events$/, { kind: 'cut-stream', events: 3 });
    proxy.inject('GET', /\/events$/, { kind: 'cut-stream', events: 4 });
    const from = proxy.seen.length;
    await client.sessions.sendMessage(sessionId, 'loop');
    const events: SessionEvent[] = [];
    let stopped = false;
    for await (const event of client.sessions.streamEvents(sessionId)) {
      events.push(event);
      if (!stopped && proxy.pending() === 0 && events.filter((e) => e.id !== undefined).length >= 12) {
        stopped = true;
        await client.sessions.sendMessage(sessionId, 'stop streaming');
      }
    }
    const connections = proxy.seen.slice(from).filter((r) => r.path.endsWith('/events'));
    expect(connections.map((c) => c.outcome)).toEqual(['cut-stream', 'cut-stream', 'pass']);
    const ids = events.flatMap((e) => (e.id === undefined ? [] : [e.id]));
    // Each reconnection resumed after the last id yielded before it.
    expect(connections[0]?.lastEventId).toBeUndefined();
    for (const connection of connections.slice(1)) expect(ids).toContain(Number(connection.lastEventId));
    const stored = (await client.sessions.getMessages(sessionId)).messages.map((m) => m.id);
    expect(ids).toEqual(stored);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { result: 'updated: streaming' } });
    await client.sessions.delete(sessionId);
  });

  it('filters by event type, resumes after afterId, and without history starts at the newest message', async () => {
    const { sessionId } = await client.sessions.create();
    await client.sessions.sendMessage(sessionId, 'finish one');
    await t.waitForStatus(sessionId, ['finished']);
    const collect = async (stream: AsyncIterable<SessionEvent>) => {
      const out: SessionEvent[] = [];
      for await (const event of stream) out.push(event);
      return out;
    };
    const all = await collect(client.sessions.streamEvents(sessionId, { sanitize: false }));
    expect(all.map((e) => e.event)).toEqual(['user', 'log', 'thought', 'log', 'done']);
    expect((await collect(client.sessions.streamEvents(sessionId, { eventTypes: ['done'] }))).map((e) => e.event)).toEqual(['done']);
    expect((await collect(client.sessions.streamEvents(sessionId, { afterId: all[2]!.id! }))).map((e) => e.event)).toEqual(['done']);

    const live: SessionEvent[] = [];
    const stream = client.sessions.streamEvents(sessionId, { includeHistory: false });
    const reading = (async () => {
      for await (const event of stream) {
        live.push(event);
        if (event.event === 'heartbeat' && live.filter((e) => e.event === 'heartbeat').length === 1) await client.sessions.sendMessage(sessionId, 'finish two');
      }
    })();
    await reading;
    expect(live.filter((e) => e.event !== 'heartbeat').map((e) => e.event)).toEqual(['user', 'thought', 'done']);
    expect(live.at(-1)).toMatchObject({ event: 'done', data: { result: 'two' } });
    await client.sessions.delete(sessionId);
  });

  it('stops when its signal aborts, and ends when the consumer breaks', async () => {
    const { sessionId } = await client.sessions.create();
    const controller = new AbortController();
    const stream = client.sessions.streamEvents(sessionId, { signal: controller.signal });
    const error = await caught(
      (async () => {
        for await (const event of stream) if (event.event === 'heartbeat') controller.abort();
      })(),
    );
    expect(error).toBeInstanceOf(APIUserAbortError);
    for await (const event of client.sessions.streamEvents(sessionId)) if (event.event === 'heartbeat') break;
    await client.sessions.delete(sessionId);
  });
});
