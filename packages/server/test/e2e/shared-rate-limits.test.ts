import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisProcess, type RedisProcess } from '../../../../scripts/redis-process.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// Two API nodes on one Redis (STEWARD_REDIS_URL): a quota is spent across both, not per node.

let redis: RedisProcess;
let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  redis = await startRedisProcess();
  const shared = { redisUrl: redis.url, authFailuresPerMinute: 3 };
  a = await startTestServer(shared);
  b = await startTestServer(shared);
}, 60_000);
afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis?.close();
});

const withBadKey = (server: TestServer) => fetch(`${server.url}/v1/sessions`, { headers: { authorization: 'Bearer stw_guess' } });

describe('rate limits on a shared Redis', () => {
  it('spends one address\'s failed-authentication quota across both nodes', async () => {
    expect((await withBadKey(a)).status).toBe(401);
    expect((await withBadKey(b)).status).toBe(401);
    expect((await withBadKey(a)).status).toBe(401);
    // The fourth guess, on either node, finds the quota spent: even a good key is refused now.
    const refused = await withBadKey(b);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await fetch(`${a.url}/v1/sessions`, { headers: { authorization: `Bearer ${a.key}` } })).status).toBe(429);
  });

  it('lets requests through when Redis is lost, rather than failing them', async () => {
    redis.kill();
    await expect.poll(async () => (await fetch(`${b.url}/v1/sessions`, { headers: { authorization: `Bearer ${b.key}` } })).status, { timeout: 10_000 }).toBe(200);
  });

  it('stops at start, saying why, when Redis cannot be reached', async () => {
    await expect(startTestServer({ redisUrl: 'redis://:hunter2@127.0.0.1:1' })).rejects.toThrow(/STEWARD_REDIS_URL \(redis:\/\/:\*\*\*@127\.0\.0\.1:1\) could not be reached/);
  });
});
