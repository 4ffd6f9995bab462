import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// GET /metrics on the real server: the text a Prometheus scrape reads, after real work.

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

/** The value of one sample line, e.g. sample(text, 'steward_tasks{status="finished"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('counts sessions, tasks, steps, messages, contexts and request latencies, with no id or key in it', async () => {
    const { sessionId } = await t.client.sessions.create();
    await t.client.sessions.sendMessage(sessionId, 'finish hello');
    await t.waitForStatus(sessionId, ['finished']);
    const other = await t.client.sessions.create();

    const response = await fetch(`${t.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(sample(text, 'steward_sessions{status="ready"}')).toBe(2);
    expect(sample(text, 'steward_tasks{status="finished"}')).toBe(1);
    expect(sample(text, 'steward_tasks{status="ready"}')).toBe(1);
    expect(sample(text, 'steward_messages_total{type="DONE"}')).toBe(1);
    expect(sample(text, 'steward_messages_total{type="USER"}')).toBe(1);
    expect(sample(text, 'steward_session_capacity')).toBe(50);
    expect(sample(text, 'steward_session_capacity_free')).toBe(48);
    expect(sample(text, 'steward_browser_contexts{state="active"}')).toBe(2);
    expect(sample(text, 'steward_browser_up')).toBe(1);
    // No webhook was asked for: the queue is empty, and reported so.
    expect(sample(text, 'steward_webhook_deliveries_pending')).toBe(0);
    // An API node's families only.
    expect(text).not.toContain('steward_commands_in_flight');
    expect(text).not.toContain('steward_worker_capacity');
    expect(sample(text, 'steward_agent_steps_total')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'steward_http_request_duration_seconds_count{method="POST",route="/v1/sessions",status_code="200"}')).toBe(2);
    expect(sample(text, 'steward_http_request_duration_seconds_count{method="POST",route="/v1/sessions/:session_id/message",status_code="200"}')).toBe(1);
    expect(text).toContain('steward_process_resident_memory_bytes');
    // Routes are patterns: no session id, and no key, ever becomes a label.
    expect(text).not.toContain(sessionId);
    expect(text).not.toContain(other.sessionId);
    expect(text).not.toContain(t.key);
  });

  it('counts each agent step', async () => {
    const before = sample(await (await fetch(`${t.url}/metrics`)).text(), 'steward_agent_steps_total') ?? 0;
    const { sessionId } = await t.client.sessions.create();
    await t.client.sessions.sendMessage(sessionId, 'loop');
    await expect.poll(async () => sample(await (await fetch(`${t.url}/metrics`)).text(), 'steward_agent_steps_total'), { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 2);
    await t.client.sessions.cancel(sessionId);
  });

  it('shows the webhook deliveries a slow receiver holds up, and none once it answers', async () => {
    // A receiver that answers nothing until released: the session's deliveries queue behind the first.
    const held: ServerResponse[] = [];
    let answering = false;
    const receiver = createServer((req, res) => {
      req.resume();
      if (answering) res.writeHead(200).end();
      else held.push(res);
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
    const pending = async () => sample(await (await fetch(`${t.url}/metrics`)).text(), 'steward_webhook_deliveries_pending');
    try {
      expect(await pending()).toBe(0);
      const { sessionId } = await t.client.sessions.create('agi-0', { webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` });
      await expect.poll(() => held.length, { timeout: 10_000 }).toBe(1);
      await t.client.sessions.sendMessage(sessionId, 'finish hello');
      await t.waitForStatus(sessionId, ['finished']);
      // session.created in flight, the task's events queued behind it.
      expect(await pending()).toBeGreaterThanOrEqual(3);
      answering = true;
      for (const res of held.splice(0)) res.writeHead(200).end();
      await expect.poll(pending, { timeout: 10_000 }).toBe(0);
      await t.client.sessions.delete(sessionId);
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('is gone with STEWARD_METRICS=off', async () => {
    const off = await startTestServer({ metrics: 'off' });
    try {
      const response = await fetch(`${off.url}/metrics`);
      expect(response.status).toBe(404);
      expect((await response.json()).message).toContain('Metrics are off');
    } finally {
      await off.close();
    }
  });
});
