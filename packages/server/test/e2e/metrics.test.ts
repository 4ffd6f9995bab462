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
