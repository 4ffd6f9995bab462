import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, within } from '../support/raw-sse.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ sseHeartbeatS: 0.2, sseMaxBufferBytes: 65_536 });
});
afterAll(async () => {
  await t.close();
});

async function newSession(): Promise<string> {
  return (await t.request('POST', '/v1/sessions', { body: {} })).body.session_id;
}
const eventsUrl = (id: string, query = ''): string => `${t.url}/v1/sessions/${id}/events${query}`;
const send = (id: string, message: string) => t.request('POST', `/v1/sessions/${id}/message`, { body: { message } });

describe('GET /events', () => {
  it('streams a task live with ids and documented payloads, then closes after done', async () => {
    const id = await newSession();
    const stream = await openSse(eventsUrl(id), t.key);
    expect(stream.status).toBe(200);
    await send(id, 'finish All good');
    await within(stream.closed, 15_000, 'stream close after done');
    const names = stream.events.filter((e) => e.event !== 'heartbeat').map((e) => e.event);
    expect(names).toEqual(['user', 'thought', 'done']);
    const messages = (await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages;
    const thought = stream.events.find((e) => e.event === 'thought')!;
    expect(thought.data).toEqual({ text: 'Finishing at once.', message_id: Number(thought.id) });
    expect(messages.find((m: { id: number }) => m.id === Number(thought.id)).type).toBe('THOUGHT');
    const done = stream.events.find((e) => e.event === 'done')!;
    expect(done.data).toEqual({ text: 'All good', result: 'All good', message_id: Number(done.id) });
    const heartbeat = stream.events.find((e) => e.event === 'heartbeat');
    if (heartbeat) expect(heartbeat.id).toBeUndefined();
  });

  it('replays history and closes at once when the latest task has ended', async () => {
    const id = await newSession();
    await send(id, 'finish replayed');
    await t.waitForStatus(id, ['finished']);
    const stream = await openSse(eventsUrl(id), t.key);
    await within(stream.closed, 5_000, 'close after replay');
    expect(stream.events.map((e) => e.event)).toEqual(['user', 'thought', 'done']);
    expect(stream.events.map((e) => Number(e.id))).toEqual([1, 3, 5]);
  });

  it('stays open with heartbeats without history, and rejects unknown event types', async () => {
    const id = await newSession();
    await send(id, 'finish x');
    await t.waitForStatus(id, ['finished']);
    const stream = await openSse(eventsUrl(id, '?include_history=false'), t.key);
    const heartbeat = await stream.waitFor((e) => e.event === 'heartbeat', 5_000);
    expect(heartbeat.id).toBeUndefined();
    expect(Number.isNaN(Date.parse(heartbeat.data.timestamp))).toBe(false);
    expect(stream.isClosed()).toBe(false);
    expect(stream.events.every((e) => e.event === 'heartbeat')).toBe(true);
    stream.abort();
    expect((await t.request('GET', `/v1/sessions/${id}/events?event_types=thought,bogus`)).status).toBe(422);
  });

  it('filters by event_types and sanitize', async () => {
    const id = await newSession();
    await send(id, 'finish filtered');
    await t.waitForStatus(id, ['finished']);
    const onlyDone = await openSse(eventsUrl(id, '?event_types=done'), t.key);
    await within(onlyDone.closed, 5_000, 'close');
    expect(onlyDone.events.map((e) => e.event)).toEqual(['done']);
    const raw = await openSse(eventsUrl(id, '?sanitize=false'), t.key);
    await within(raw.closed, 5_000, 'close');
    expect(raw.events.map((e) => e.event)).toEqual(['user', 'log', 'thought', 'log', 'done']);
    expect(raw.events.map((e) => Number(e.id))).toEqual([1, 2, 3, 4, 5]);
  });

  it('resumes after Last-Event-ID (header) or after_id (query)', async () => {
    const id = await newSession();
    await send(id, 'finish resumed');
    await t.waitForStatus(id, ['finished']);
    const fromHeader = await openSse(eventsUrl(id), t.key, { 'last-event-id': '1' });
    await within(fromHeader.closed, 5_000, 'close');
    expect(fromHeader.events.map((e) => Number(e.id))).toEqual([3, 5]);
    const fromQuery = await openSse(eventsUrl(id, '?after_id=4&include_history=false'), t.key);
    await within(fromQuery.closed, 5_000, 'close');
    expect(fromQuery.events.map((e) => Number(e.id))).toEqual([5]);
  });

  it('reconnects mid-task with Last-Event-ID without gaps or duplicates', async () => {
    const id = await newSession();
    await send(id, 'loop');
    const first = await openSse(eventsUrl(id, '?sanitize=false'), t.key);
    await first.waitFor((e) => e.event === 'thought');
    first.abort();
    const lastSeen = Math.max(...first.events.filter((e) => e.id !== undefined).map((e) => Number(e.id)));
    const second = await openSse(eventsUrl(id, '?sanitize=false'), t.key, { 'last-event-id': String(lastSeen) });
    await second.waitFor((e) => e.event === 'thought');
    await send(id, 'stop here');
    await within(second.closed, 15_000, 'close after done');
    const ids = [...first.events, ...second.events].filter((e) => e.id !== undefined).map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    expect(second.events.at(-1)!.event).toBe('done');
  });

  it('sends paused and resumed, keeps the stream open over a question, and closes on the cancel error', async () => {
    const id = await newSession();
    const stream = await openSse(eventsUrl(id), t.key);
    await send(id, 'ask Pick one');
    await stream.waitFor((e) => e.event === 'question');
    expect(stream.events.find((e) => e.event === 'question')!.data).toMatchObject({ text: 'Pick one' });
    await t.request('POST', `/v1/sessions/${id}/pause`);
    const paused = await stream.waitFor((e) => e.event === 'paused');
    expect(paused.id).toBeUndefined();
    expect(typeof paused.data.timestamp).toBe('string');
    await t.request('POST', `/v1/sessions/${id}/resume`);
    await stream.waitFor((e) => e.event === 'resumed');
    expect(stream.isClosed()).toBe(false);
    await t.request('POST', `/v1/sessions/${id}/cancel`);
    const error = await stream.waitFor((e) => e.event === 'error');
    expect(error.data).toMatchObject({ error: 'Task cancelled', status_code: 499 });
    await within(stream.closed, 5_000, 'close after error');
  });

  it('closes when the session is deleted', async () => {
    const id = await newSession();
    const stream = await openSse(eventsUrl(id), t.key);
    await t.request('DELETE', `/v1/sessions/${id}`);
    await within(stream.closed, 5_000, 'close on delete');
  });

  it('drops a stalled client without slowing the agent or other clients', async () => {
    const id = await newSession();
    const healthy = await openSse(eventsUrl(id), t.key);
    const port = Number(new URL(t.url).port);
    const stalled = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    stalled.on('data', (chunk: Buffer) => received.push(chunk));
    const stalledClosed = new Promise<void>((resolve) => stalled.on('close', () => resolve()));
    stalled.on('error', () => undefined);
    await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
    stalled.write(`GET /v1/sessions/${id}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.key}\r\nAccept: text/event-stream\r\n\r\n`);
    stalled.pause(); // stops reading: the server's send buffer for it fills up
    await send(id, 'spam');
    // Let the agent produce far more than the 64 KB bound plus the kernel's socket buffers.
    await healthy.waitFor((e) => e.event === 'thought' && Number(e.data.text.split(' ')[0]) >= 30, 40_000);
    await send(id, 'stop');
    await within(healthy.closed, 20_000, 'healthy stream to finish');
    const thoughts = healthy.events.filter((e) => e.event === 'thought');
    const done = healthy.events.find((e) => e.event === 'done')!;
    const steps = Number(/spammed (\d+) steps/.exec(done.data.text)![1]);
    expect(thoughts.length).toBe(steps);
    // Read what the stalled client was sent: the server cut it off, so the stream ends without `done`.
    stalled.resume();
    await within(stalledClosed, 10_000, 'the dropped connection to end');
    const text = Buffer.concat(received).toString('utf8');
    expect(text).toContain('event: thought');
    expect(text).not.toContain('event: done');
    stalled.destroy();
  }, 90_000);
});
