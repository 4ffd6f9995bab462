import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../src/errors/index.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// A DELETE that lands while screenshots, live input, navigations and a live stream are in
// flight: each of them either finishes (its normal answer), or answers 409 `session_terminated`
// (the session ended under it), or 404 once the session is gone; never a 500.
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ warmContexts: 2 });
});

afterAll(async () => {
  await t?.close();
});

interface Outcome {
  route: string;
  status: number;
  error?: string;
}

async function outcome(route: string, response: Promise<Response>): Promise<Outcome> {
  const res = await response;
  const text = await res.text();
  if (res.status < 400) return { route, status: res.status };
  const body = JSON.parse(text) as { error: string; message: string; detail: unknown };
  // The documented shape, with the catalog's status for its code.
  expect(Object.keys(body).sort()).toEqual(['detail', 'error', 'message']);
  expect(ERROR_CATALOG[body.error as keyof typeof ERROR_CATALOG]?.status).toBe(res.status);
  return { route, status: res.status, error: body.error };
}

describe('routes racing a DELETE', () => {
  it('answer their result, 409 session_terminated or 404 — never 500 — over 16 races', async () => {
    const outcomes: Outcome[] = [];
    const auth = { authorization: `Bearer ${t.key}` };
    for (let round = 0; round < 16; round++) {
      const session = await t.client.sessions.create();
      const id = session.sessionId;
      const token = new URL(session.vncUrl!).searchParams.get('token')!;
      const base = `${t.url}/v1/sessions/${id}`;
      const input = (body: unknown): Promise<Response> =>
        fetch(`${base}/live/input?token=${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const stream = new AbortController();
      const racing = [
        outcome('screenshot', fetch(`${base}/screenshot`, { headers: auth })),
        outcome('screenshot', fetch(`${base}/screenshot`, { headers: auth })),
        outcome('live input', input({ type: 'click', x: 10, y: 10 })),
        outcome('live input', input({ type: 'type', text: 'racing' })),
        outcome('live input', input({ type: 'wheel', x: 10, y: 10, deltaX: 0, deltaY: 100 })),
        outcome('navigate', fetch(`${base}/navigate`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ url: `${t.url}/healthz` }) })),
        outcome(
          'live stream',
          fetch(`${base}/live/stream?token=${token}`, { signal: stream.signal }).then((res) => {
            if (!res.ok) return res;
            // A stream that started is a success; its body is not read.
            stream.abort();
            return new Response(null, { status: res.status });
          }),
        ),
      ];
      // The DELETE goes out with them, a little later each round, and more requests follow it.
      await new Promise((resolve) => setTimeout(resolve, round * 4));
      const deleted = fetch(base, { method: 'DELETE', headers: auth });
      racing.push(outcome('screenshot', fetch(`${base}/screenshot`, { headers: auth })), outcome('live input', input({ type: 'key', key: 'Enter' })));
      expect((await deleted).status).toBe(200);
      outcomes.push(...(await Promise.all(racing)));
    }
    const tally: Record<string, number> = {};
    for (const o of outcomes) tally[`${o.route} ${o.status}`] = (tally[`${o.route} ${o.status}`] ?? 0) + 1;
    console.log('delete races', JSON.stringify(tally));
    const failures = outcomes.filter((o) => o.status >= 500);
    expect(failures).toEqual([]);
    for (const o of outcomes) {
      if (o.status >= 400) expect(['session_terminated', 'session_not_found']).toContain(o.error);
    }
    // The race was real: some requests finished and some were cut off by the DELETE.
    expect(outcomes.some((o) => o.status < 300)).toBe(true);
    expect(outcomes.some((o) => o.status === 409 || o.status === 404)).toBe(true);
  }, 120_000);
});
