import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

interface Delivery {
  headers: IncomingHttpHeaders;
  body: any;
}

let t: TestServer;
let receiver: Server;
let hookUrl: string;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: JSON.parse(text) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

async function waitForEvent(sessionId: string, event: string): Promise<Delivery> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = deliveries.find((d) => d.body.session.id === sessionId && d.body.event === event);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${event} webhook; got ${deliveries.map((d) => d.body.event).join(', ')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('webhooks (spec §6.1)', () => {
  it('delivers the session and task events with the documented bodies and headers', async () => {
    const created = await t.client.sessions.create('agi-0', { webhookUrl: hookUrl });
    const id = created.sessionId;
    const first = await waitForEvent(id, 'session.created');
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers['x-event-type']).toBe('session.created');
    expect(first.headers['user-agent']).toBe('AgencyAPI-Webhooks/1.0');
    expect(first.body).toMatchObject({ event: 'session.created', session: { id, status: 'ready', agent_name: 'agi-0', created_at: created.createdAt } });
    expect(first.body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    await t.client.sessions.sendMessage(id, 'ask Ready?');
    expect((await waitForEvent(id, 'task.started')).body).toMatchObject({ message: 'ask Ready?', session: { status: 'running' } });
    expect((await waitForEvent(id, 'task.question')).body).toMatchObject({ question: 'Ready?', context: {} });
    await t.client.sessions.pause(id);
    await t.client.sessions.resume(id);
    await t.client.sessions.sendMessage(id, 'yes');
    const completed = await waitForEvent(id, 'task.completed');
    expect(completed.body).toMatchObject({ result: { status: 'success', message: 'Task completed successfully' }, session: { status: 'ready' } });
    const changes = deliveries.filter((d) => d.body.session.id === id && d.body.event === 'session.status_changed').map((d) => [d.body.old_status, d.body.new_status]);
    expect(changes).toEqual([
      ['ready', 'running'],
      ['running', 'paused'],
      ['paused', 'running'],
      ['running', 'ready'],
    ]);

    await t.client.sessions.sendMessage(id, 'fail nothing there');
    expect((await waitForEvent(id, 'task.error')).body).toMatchObject({ error: 'nothing there', details: {} });
    await t.client.sessions.delete(id);
    await waitForEvent(id, 'session.deleted');
    // Per session, events arrive in the order they happened.
    const order = deliveries.filter((d) => d.body.session.id === id).map((d) => d.body.event);
    expect(order[0]).toBe('session.created');
    expect(order.at(-1)).toBe('session.deleted');
    expect(order.indexOf('task.started')).toBeLessThan(order.indexOf('task.question'));
    expect(order.indexOf('task.question')).toBeLessThan(order.indexOf('task.completed'));
  });

  it('never lets a dead webhook receiver slow the API', async () => {
    const dead = 'http://127.0.0.1:9/hook';
    const id = (await t.client.sessions.create('agi-0', { webhookUrl: dead })).sessionId;
    await t.client.sessions.sendMessage(id, 'finish ok');
    await t.waitForStatus(id, ['finished']);
  });
});
