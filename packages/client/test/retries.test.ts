import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { APIConnectionError, APITimeoutError, APIUserAbortError, InternalServerError, RateLimitError, Steward } from '../src/index.ts';
import { isRetryable, retryAfterMs, retryDelayMs } from '../src/core/retry-policy.ts';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';

// Retries through a loopback proxy in front of the real server that injects 429s, 503s, hung
// answers and dropped connections. What is asserted is what reached the server and what the
// caller got, never how long anything took.

let t: TestServer;
let proxy: FaultProxy;
let client: Steward;
beforeAll(async () => {
  t = await startTestServer({ maxSessions: 2 });
  proxy = await startFaultProxy(t.url);
  client = new Steward({ apiKey: t.key, baseUrl: proxy.url, maxRetries: 3 });
});
afterAll(async () => {
  await proxy?.close();
  await t?.close();
});

const retryNow = { retryAfter: '0' };
const seenSince = (from: number) => proxy.seen.slice(from);

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

async function userMessages(sessionId: string): Promise<string[]> {
  const { body } = await t.request('GET', `/v1/sessions/${sessionId}/messages`);
  return body.messages.filter((m: { type: string }) => m.type === 'USER').map((m: { content: string }) => m.content);
}

describe('idempotent requests', () => {
  it('a GET goes through a 429, a 503 and a dropped connection, every attempt under one request id', async () => {
    const { sessionId } = await client.sessions.create();
    const from = proxy.seen.length;
    proxy.inject('GET', /\/status$/, { kind: 'status', status: 429, error: 'rate_limited', ...retryNow });
    proxy.inject('GET', /\/status$/, { kind: 'status', status: 503, error: 'browser_unavailable' });
    proxy.inject('GET', /\/status$/, { kind: 'drop-before' });
    expect(await client.sessions.getStatus(sessionId)).toEqual({ status: 'ready' });
    const attempts = seenSince(from);
    expect(attempts.map((r) => r.outcome)).toEqual(['status', 'status', 'drop-before', 'pass']);
    expect(new Set(attempts.map((r) => r.requestId)).size).toBe(1);
    await client.sessions.delete(sessionId);
  });

  it('navigate is repeated after the server acted and the answer was lost', async () => {
    const { sessionId } = await client.sessions.create();
    const page = `${t.url}/healthz`;
    const from = proxy.seen.length;
    proxy.inject('POST', /\/navigate$/, { kind: 'drop-after' });
    expect(await client.sessions.navigate(sessionId, page)).toEqual({ currentUrl: page });
    expect(seenSince(from).map((r) => r.outcome)).toEqual(['drop-after', 'pass']);
    await client.sessions.delete(sessionId);
  });

  it('a hung answer is an APITimeoutError, and the next attempt is made', async () => {
    proxy.inject('GET', /^\/v1\/models$/, { kind: 'hang' });
    expect(await caught(client.models.list(undefined, { timeout: 300, maxRetries: 0 }))).toBeInstanceOf(APITimeoutError);
    const from = proxy.seen.length;
    proxy.inject('GET', /^\/v1\/models$/, { kind: 'hang' });
    // Long enough for the attempt that passes to be answered on a loaded machine.
    expect(await client.models.list(undefined, { timeout: 3_000 })).toEqual({ models: ['agi-0', 'agi-0-fast'] });
    expect(seenSince(from).map((r) => r.outcome)).toEqual(['hang', 'pass']);
  });

  it('gives up after maxRetries with the last error, and does not wait out a Retry-After past a minute', async () => {
    const from = proxy.seen.length;
    for (let i = 0; i < 3; i++) proxy.inject('GET', /^\/v1\/models$/, { kind: 'status', status: 503, error: 'shutting_down', ...retryNow });
    const exhausted = await caught(client.models.list(undefined, { maxRetries: 2 }));
    expect(exhausted).toBeInstanceOf(InternalServerError);
    expect(exhausted).toMatchObject({ status: 503, code: 'shutting_down' });
    expect(seenSince(from)).toHaveLength(3);

    const before = proxy.seen.length;
    proxy.inject('GET', /^\/v1\/models$/, { kind: 'status', status: 429, error: 'rate_limited', retryAfter: '120' });
    const tooLong = await caught(client.models.list());
    expect(tooLong).toBeInstanceOf(RateLimitError);
    expect((tooLong as RateLimitError).retryAfter).toBe(120);
    expect(seenSince(before)).toHaveLength(1);
    expect((tooLong as RateLimitError).requestId).toBe(proxy.seen.at(-1)?.requestId);
  });
});

describe('requests that are not safe to repeat', () => {
  it('a message goes through 429 and 503 answers (the server did nothing) and is stored once', async () => {
    const { sessionId } = await client.sessions.create();
    const from = proxy.seen.length;
    proxy.inject('POST', /\/message$/, { kind: 'status', status: 429, error: 'rate_limited', ...retryNow });
    proxy.inject('POST', /\/message$/, { kind: 'status', status: 503, error: 'browser_unavailable', ...retryNow });
    await client.sessions.sendMessage(sessionId, 'finish once');
    expect(seenSince(from).map((r) => r.outcome)).toEqual(['status', 'status', 'pass']);
    await t.waitForStatus(sessionId, ['finished']);
    expect(await userMessages(sessionId)).toEqual(['finish once']);
    await client.sessions.delete(sessionId);
  });

  it('a message whose answer was lost after the server stored it is not sent again', async () => {
    const { sessionId } = await client.sessions.create();
    const from = proxy.seen.length;
    proxy.inject('POST', /\/message$/, { kind: 'drop-after' });
    expect(await caught(client.sessions.sendMessage(sessionId, 'finish stored'))).toBeInstanceOf(APIConnectionError);
    expect(seenSince(from).map((r) => r.outcome)).toEqual(['drop-after']);
    await t.waitForStatus(sessionId, ['finished']);
    expect(await userMessages(sessionId)).toEqual(['finish stored']);
    await client.sessions.delete(sessionId);
  });

  it('a create dropped after the server acted is not repeated: one session, not two', async () => {
    const before = (await t.request('GET', '/v1/sessions')).body.length;
    const from = proxy.seen.length;
    proxy.inject('POST', /^\/v1\/sessions$/, { kind: 'drop-after' });
    expect(await caught(client.sessions.create())).toBeInstanceOf(APIConnectionError);
    expect(seenSince(from)).toHaveLength(1);
    const after = (await t.request('GET', '/v1/sessions')).body as { session_id: string }[];
    expect(after).toHaveLength(before + 1);
    await t.request('DELETE', '/v1/sessions');
  });

  it('a dropped connection is not repeated either when the client cannot tell whether it arrived', async () => {
    const { sessionId } = await client.sessions.create();
    const from = proxy.seen.length;
    proxy.inject('POST', /\/pause$/, { kind: 'drop-before' });
    expect(await caught(client.sessions.pause(sessionId))).toBeInstanceOf(APIConnectionError);
    proxy.inject('POST', /\/cancel$/, { kind: 'status', status: 500, error: 'internal_error' });
    expect(await caught(client.sessions.cancel(sessionId))).toMatchObject({ status: 500, code: 'internal_error' });
    expect(seenSince(from).map((r) => r.outcome)).toEqual(['drop-before', 'status']);
    await client.sessions.delete(sessionId);
  });
});

describe('the real server', () => {
  it('answers session_limit as a RateLimitError with its Retry-After', async () => {
    const direct = new Steward({ apiKey: t.key, baseUrl: t.url });
    await direct.sessions.create();
    await direct.sessions.create();
    const full = await caught(direct.sessions.create('agi-0', {}, { maxRetries: 0 }));
    expect(full).toBeInstanceOf(RateLimitError);
    expect(full).toMatchObject({ status: 429, code: 'session_limit', retryAfter: 10 });
    await direct.sessions.deleteAll();
  });
});

describe('AbortSignal', () => {
  it('aborts a request in flight and a wait between attempts', async () => {
    proxy.inject('GET', /^\/v1\/models$/, { kind: 'hang' });
    const inFlight = new AbortController();
    const pending = caught(client.models.list(undefined, { signal: inFlight.signal }));
    while (proxy.pending() > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    inFlight.abort();
    expect(await pending).toBeInstanceOf(APIUserAbortError);

    proxy.inject('GET', /^\/v1\/models$/, { kind: 'status', status: 429, error: 'rate_limited', retryAfter: '30' });
    const waiting = new AbortController();
    const from = proxy.seen.length;
    const backingOff = caught(client.models.list(undefined, { signal: waiting.signal }));
    while (proxy.pending() > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    waiting.abort();
    expect(await backingOff).toBeInstanceOf(APIUserAbortError);
    expect(seenSince(from)).toHaveLength(1);
  });
});

describe('the retry policy itself', () => {
  const status = (code: number, headers: Record<string, string> = {}) => ({ kind: 'status' as const, status: code, headers: new Headers(headers) });

  it('waits what Retry-After asks (seconds, HTTP date, retry-after-ms), else backs off with jitter', () => {
    expect(retryDelayMs(status(429, { 'retry-after': '2' }), 1)).toBe(2_000);
    expect(retryDelayMs(status(503, { 'retry-after-ms': '150' }), 3)).toBe(150);
    const date = retryAfterMs(new Headers({ 'retry-after': new Date(Date.now() + 30_000).toUTCString() }));
    expect(date).toBeGreaterThan(25_000);
    expect(date).toBeLessThanOrEqual(30_000);
    expect(retryDelayMs(status(429, { 'retry-after': '61' }), 1)).toBeUndefined();
    expect([1, 2, 3, 6].map((retry) => retryDelayMs(status(500), retry, () => 0))).toEqual([375, 750, 1_500, 6_000]);
    expect([1, 2, 3, 6].map((retry) => retryDelayMs(status(500), retry, () => 1))).toEqual([500, 1_000, 2_000, 8_000]);
  });

  it('repeats a request that may have arrived only when it is idempotent', () => {
    const refused = { kind: 'network' as const, error: new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }) };
    const reset = { kind: 'network' as const, error: new TypeError('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }) };
    for (const failure of [status(429), status(503), refused]) expect(isRetryable(failure, false)).toBe(true);
    for (const failure of [status(500), status(502), status(504), status(408), reset, { kind: 'timeout' as const }]) {
      expect(isRetryable(failure, false)).toBe(false);
      expect(isRetryable(failure, true)).toBe(true);
    }
    for (const code of [400, 401, 403, 404, 409, 422]) expect(isRetryable(status(code), true)).toBe(false);
  });
});
