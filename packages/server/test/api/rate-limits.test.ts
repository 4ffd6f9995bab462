import type { LightMyRequestResponse } from 'fastify';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryStore } from '../../src/store/memory/in-memory-store.ts';
import { buildInjectApp, type InjectApp } from '../support/inject-app.ts';

let t: InjectApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Counts key lookups, to prove a refused request never reached one. */
class CountingStore extends InMemoryStore {
  lookups = 0;
  override async getApiKey(id: string) {
    this.lookups++;
    return super.getApiKey(id);
  }
}

const unknownKey = (i: number): string => `stw_${i.toString(16).padStart(32, '0')}_${'a'.repeat(43)}`;

function get(app: InjectApp, url: string, options: { key?: string | undefined; from?: string } = {}): Promise<LightMyRequestResponse> {
  return app.app.inject({
    method: 'GET',
    url,
    remoteAddress: options.from ?? '203.0.113.7',
    headers: options.key === undefined ? {} : { authorization: `Bearer ${options.key}` },
  });
}

/** `"name";r=2;t=60` → { r: 2, t: 60 } for the named quota. */
function quota(response: LightMyRequestResponse, header: 'ratelimit' | 'ratelimit-policy', name: string): Record<string, number> | undefined {
  const value = response.headers[header];
  if (typeof value !== 'string') return undefined;
  const item = value.split(/,\s*/).find((part) => part.startsWith(`"${name}";`));
  if (item === undefined) return undefined;
  return Object.fromEntries(
    item
      .split(';')
      .slice(1)
      .map((param) => param.split('='))
      .map(([k, v]) => [k!, Number(v)]),
  );
}

describe('rate-limit headers (IETF RateLimit-Policy / RateLimit)', () => {
  it('are on every counted response, 2xx and 429, with the quota, what is left and the seconds to the reset', async () => {
    t = await buildInjectApp({ perKeyPerMinute: 3 });
    for (const left of [2, 1, 0]) {
      const res = await get(t, '/v1/models', { key: t.key });
      expect(res.statusCode).toBe(200);
      expect(quota(res, 'ratelimit-policy', 'key')).toEqual({ q: 3, w: 60 });
      const state = quota(res, 'ratelimit', 'key')!;
      expect(state.r).toBe(left);
      expect(state.t).toBeGreaterThan(0);
      expect(state.t).toBeLessThanOrEqual(60);
    }
    const refused = await get(t, '/v1/models', { key: t.key });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({ detail: expect.stringMatching(/API key; retry in \d+ s\.$/), error: 'rate_limited', message: expect.any(String) });
    expect(quota(refused, 'ratelimit-policy', 'key')).toEqual({ q: 3, w: 60 });
    const state = quota(refused, 'ratelimit', 'key')!;
    expect(state.r).toBe(0);
    expect(Number(refused.headers['retry-after'])).toBe(state.t);
    // Another key has its own window.
    const other = (await t.keys.create('other')).key;
    expect(quota(await get(t, '/v1/models', { key: other }), 'ratelimit', 'key')?.r).toBe(2);
  });

  it('are in the head that the SSE and MJPEG routes write themselves', async () => {
    t = await buildInjectApp({ perKeyPerMinute: 50, livePerSessionPerMinute: 20 });
    const record = await t.sessions.create((await t.keys.authenticate(t.key)).id, { agentName: 'agi-0', maxSteps: 10, options: {} });
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    // The head only, then the connection is dropped: both streams would run until the client leaves.
    const open = (path: string, headers: Record<string, string> = {}): Promise<IncomingHttpHeaders> =>
      new Promise((resolve, reject) => {
        const req = httpGet(`${base}${path}`, { headers, agent: false }, (res) => {
          expect(res.statusCode).toBe(200);
          res.destroy();
          resolve(res.headers);
        });
        req.on('error', reject);
      });
    const sse = await open(`/v1/sessions/${record.id}/events`, { authorization: `Bearer ${t.key}` });
    expect(sse['content-type']).toContain('text/event-stream');
    expect(sse['ratelimit-policy']).toBe('"key";q=50;w=60');
    expect(sse['ratelimit']).toMatch(/^"key";r=49;t=\d+$/);
    const mjpeg = await open(`/v1/sessions/${record.id}/live/stream?token=${t.tokens.tokenFor(record.id)}`);
    expect(mjpeg['content-type']).toContain('multipart/x-mixed-replace');
    expect(mjpeg['ratelimit-policy']).toBe('"live-session";q=20;w=60');
    expect(mjpeg['ratelimit']).toMatch(/^"live-session";r=19;t=\d+$/);
  });

  it('are absent on the public routes, which are not limited', async () => {
    t = await buildInjectApp({ perKeyPerMinute: 3, authFailuresPerMinute: 3 });
    const res = await get(t, '/healthz');
    expect(res.headers['ratelimit']).toBeUndefined();
    expect(res.headers['ratelimit-policy']).toBeUndefined();
  });
});

describe('failed authentication', () => {
  it('is limited per client address, and past the limit refused before any key lookup, a good key included', async () => {
    const store = new CountingStore();
    t = await buildInjectApp({ perKeyPerMinute: 100, authFailuresPerMinute: 5 }, store);
    for (let i = 0; i < 5; i++) {
      const res = await get(t, '/v1/sessions', { key: unknownKey(i), from: '198.51.100.1' });
      expect(res.statusCode).toBe(401);
      expect(quota(res, 'ratelimit-policy', 'auth-failures')).toEqual({ q: 5, w: 60 });
      expect(quota(res, 'ratelimit', 'auth-failures')?.r).toBe(4 - i);
    }
    const lookups = store.lookups;
    const results: number[] = [];
    for (let i = 5; i < 300; i++) results.push((await get(t, '/v1/sessions', { key: unknownKey(i), from: '198.51.100.1' })).statusCode);
    expect(new Set(results)).toEqual(new Set([429]));
    expect(store.lookups).toBe(lookups);

    const refused = await get(t, '/v1/sessions', { key: t.key, from: '198.51.100.1' });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toBe('rate_limited');
    expect(quota(refused, 'ratelimit', 'auth-failures')?.r).toBe(0);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(store.lookups).toBe(lookups);

    // Another address is not slowed by those failures: its good key gets its own key quota.
    const ok = await get(t, '/v1/sessions', { key: t.key, from: '198.51.100.2' });
    expect(ok.statusCode).toBe(200);
    expect(quota(ok, 'ratelimit', 'key')?.r).toBe(99);
    expect(quota(ok, 'ratelimit', 'auth-failures')).toBeUndefined();
  });

  it('counts missing keys too, and an IPv6 /64 as one address', async () => {
    t = await buildInjectApp({ authFailuresPerMinute: 2 });
    expect((await get(t, '/v1/models', { from: '2001:db8:1:2::1' })).statusCode).toBe(401);
    expect((await get(t, '/v1/models', { from: '2001:db8:1:2::ffff' })).statusCode).toBe(401);
    expect((await get(t, '/v1/models', { key: t.key, from: '2001:db8:1:2::abcd' })).statusCode).toBe(429);
    expect((await get(t, '/v1/models', { key: t.key, from: '2001:db8:1:3::1' })).statusCode).toBe(200);
  });

  it('does not count a revoked key (its secret was right) nor successful requests', async () => {
    t = await buildInjectApp({ authFailuresPerMinute: 2 });
    const revoked = await t.keys.create('revoked');
    await t.keys.revoke(revoked.record.id);
    for (let i = 0; i < 5; i++) expect((await get(t, '/v1/models', { key: revoked.key })).statusCode).toBe(403);
    for (let i = 0; i < 5; i++) expect((await get(t, '/v1/models', { key: t.key })).statusCode).toBe(200);
    expect((await get(t, '/v1/models', { key: unknownKey(1) })).statusCode).toBe(401);
  });
});

describe('live view', () => {
  async function liveSession(app: InjectApp): Promise<{ id: string; token: string }> {
    const record = await app.sessions.create((await app.keys.authenticate(app.key)).id, { agentName: 'agi-0', maxSteps: 10, options: {} });
    return { id: record.id, token: app.tokens.tokenFor(record.id) };
  }

  function input(app: InjectApp, id: string, options: { token?: string; key?: string; from?: string }): Promise<LightMyRequestResponse> {
    return app.app.inject({
      method: 'POST',
      url: `/v1/sessions/${id}/live/input${options.token === undefined ? '' : `?token=${options.token}`}`,
      remoteAddress: options.from ?? '203.0.113.9',
      headers: { 'content-type': 'application/json', ...(options.key === undefined ? {} : { authorization: `Bearer ${options.key}` }) },
      payload: JSON.stringify({ type: 'click', x: 1, y: 1 }),
    });
  }

  it('limits input per session, with the token or the owner key alike; other sessions keep their quota', async () => {
    t = await buildInjectApp({ perKeyPerMinute: 1000, livePerSessionPerMinute: 60 });
    const a = await liveSession(t);
    const b = await liveSession(t);
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) statuses.push((await input(t, a.id, { token: a.token })).statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(60);
    expect(statuses.slice(60).every((s) => s === 429)).toBe(true);
    expect(t.browsers.callsOf('input')).toHaveLength(60);

    const refused = await input(t, a.id, { token: a.token });
    expect(refused.json().error).toBe('rate_limited');
    expect(quota(refused, 'ratelimit-policy', 'live-session')).toEqual({ q: 60, w: 60 });
    expect(quota(refused, 'ratelimit', 'live-session')?.r).toBe(0);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The owner's key reaches the same session's quota.
    expect((await input(t, a.id, { key: t.key })).statusCode).toBe(429);

    const other = await input(t, b.id, { token: b.token });
    expect(other.statusCode).toBe(200);
    expect(quota(other, 'ratelimit', 'live-session')?.r).toBe(59);
    // With the key, both quotas are reported.
    const withKey = await input(t, b.id, { key: t.key });
    expect(quota(withKey, 'ratelimit', 'live-session')?.r).toBe(58);
    expect(quota(withKey, 'ratelimit-policy', 'key')).toEqual({ q: 1000, w: 60 });
  });

  it('limits the first vnc_url address (now a redirect to the dashboard) and the input under the same per-session quota', async () => {
    t = await buildInjectApp({ livePerSessionPerMinute: 2 });
    const a = await liveSession(t);
    expect((await get(t, `/v1/sessions/${a.id}/live?token=${a.token}`)).statusCode).toBe(302);
    expect((await input(t, a.id, { token: a.token })).statusCode).toBe(200);
    const page = await get(t, `/v1/sessions/${a.id}/live?token=${a.token}`);
    expect(page.statusCode).toBe(429);
  });

  it('counts a wrong live token as a failed authentication of its address', async () => {
    t = await buildInjectApp({ authFailuresPerMinute: 3, livePerSessionPerMinute: 100 });
    const a = await liveSession(t);
    for (let i = 0; i < 3; i++) expect((await input(t, a.id, { token: `wrong${i}`, from: '192.0.2.1' })).statusCode).toBe(404);
    expect((await input(t, a.id, { token: a.token, from: '192.0.2.1' })).statusCode).toBe(429);
    expect((await input(t, a.id, { token: a.token, from: '192.0.2.2' })).statusCode).toBe(200);
  });
});
