import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisProcess, type RedisProcess } from '../../../../scripts/redis-process.ts';
import { PostgresTestCluster } from '../support/postgres-test-cluster.ts';
import { openSse, within, type SseStream } from '../support/raw-sse.ts';
import { runCli, startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { TEST_POLICY } from '../support/test-server.ts';

// Cluster mode end to end (issue 13): two API nodes and two workers, real processes on loopback,
// on the machine's PostgreSQL and a Redis of the test's own. Twenty tasks spread over the
// workers; one worker is killed with its whole process group (its Chromium included) mid-task.
// Every task must end (DONE, or an ERROR that says the worker was lost), no message id may be
// missing or doubled, and SSE clients on either API node must see each event exactly once.

const SESSIONS = 20;
const LEASE_TTL_S = 3;

let postgres: PostgresTestCluster;
let redis: RedisProcess;
let databaseUrl: string;
let key: string;
const dataDirs: string[] = [];
const apis: ServerProcess[] = [];
const workers: ServerProcess[] = [];
/** The worker the first test kills. */
let lostWorkerId: string | undefined;

function nodeEnv(role: 'api' | 'worker', shared: Record<string, string>): Record<string, string> {
  const dataDir = mkdtempSync(join(tmpdir(), `steward-cluster-${role}-`));
  dataDirs.push(dataDir);
  return {
    ...shared,
    STEWARD_ROLE: role,
    STEWARD_DATA_DIR: dataDir,
    STEWARD_LOG_LEVEL: 'info',
    ...(role === 'worker' ? { STEWARD_MAX_SESSIONS: String(SESSIONS), STEWARD_WARM_CONTEXTS: '0', STEWARD_WARM_CONTEXTS_MAX: '0' } : {}),
  };
}

beforeAll(async () => {
  postgres = await PostgresTestCluster.start();
  databaseUrl = await postgres.createDatabase();
  redis = await startRedisProcess();
  const shared = {
    STEWARD_DATABASE_URL: databaseUrl,
    STEWARD_REDIS_URL: redis.url,
    STEWARD_SECRET_KEY: randomBytes(32).toString('hex'),
    STEWARD_MODEL: TEST_POLICY,
    STEWARD_LEASE_TTL_S: String(LEASE_TTL_S),
  };
  // All four at once on an empty database: the migrations run once, under their lock.
  const started = await Promise.all([
    startServerProcess(nodeEnv('worker', shared), { detached: true }),
    startServerProcess(nodeEnv('worker', shared), { detached: true }),
    startServerProcess(nodeEnv('api', shared)),
    startServerProcess(nodeEnv('api', shared)),
  ]);
  workers.push(started[0], started[1]);
  apis.push(started[2], started[3]);
  const created = runCli(['keys', 'create', '--name', 'cluster'], nodeEnv('api', shared));
  expect(created.status, created.stderr).toBe(0);
  key = created.stdout.trim().split('\n').at(-1)!;
}, 120_000);

afterAll(async () => {
  for (const node of [...apis, ...workers]) {
    try {
      // A worker's group holds its Chromium: none may outlive the test.
      process.kill(workers.includes(node) ? -node.child.pid! : node.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.all([...apis, ...workers].map((node) => node.exited));
  await redis?.close();
  await postgres?.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function call(node: ServerProcess, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${node.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text.length > 0 && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

const messagesOf = async (node: ServerProcess, id: string): Promise<any[]> => {
  const res = await call(node, 'GET', `/v1/sessions/${id}/messages?sanitize=false`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.messages;
};

async function leaseOwners(): Promise<Map<string, string>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ session_id: string; worker_id: string }>('SELECT session_id, worker_id FROM session_leases');
    return new Map(rows.map((row) => [row.session_id, row.worker_id]));
  } finally {
    await client.end();
  }
}

async function workerIds(): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ id: string }>('SELECT id FROM workers ORDER BY started_at')).rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

/** The value of one sample line of a /metrics text, e.g. sample(text, 'steward_browser_up'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const lastOf = (messages: any[]) => messages.at(-1);
const endsTask = (message: any) => message?.type === 'DONE' || message?.type === 'ERROR';

describe('cluster mode: two API nodes, two workers', () => {
  it('spreads twenty tasks over both workers, survives the loss of one, and loses or doubles no event', async () => {
    // Created on both API nodes at once: placement spreads them by free capacity.
    const ids = await Promise.all(
      Array.from({ length: SESSIONS }, async (_, i) => {
        const res = await call(apis[i % 2]!, 'POST', '/v1/sessions', { max_steps: 1000 });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body.session_id as string;
      }),
    );
    const owners = await leaseOwners();
    const perWorker = new Map<string, string[]>();
    for (const id of ids) perWorker.set(owners.get(id)!, [...(perWorker.get(owners.get(id)!) ?? []), id]);
    expect([...perWorker.keys()].sort()).toEqual((await workerIds()).sort());
    for (const sessions of perWorker.values()) expect(sessions.length).toBeGreaterThanOrEqual(SESSIONS / 4);

    // Every session followed on the API node that did not create it, from its first message.
    const streams = new Map<string, SseStream>();
    for (const [i, id] of ids.entries()) {
      const stream = await openSse(`${apis[(i + 1) % 2]!.url}/v1/sessions/${id}/events?include_history=true&sanitize=false`, key);
      expect(stream.status).toBe(200);
      streams.set(id, stream);
    }
    // The tasks, sent through either node: each scrolls every step until told to stop.
    await Promise.all(ids.map(async (id, i) => expect((await call(apis[i % 2]!, 'POST', `/v1/sessions/${id}/message`, { message: 'loop' })).status).toBe(200)));
    await expect
      .poll(async () => (await Promise.all(ids.map(async (id) => (await messagesOf(apis[0]!, id)).filter((m) => m.type === 'THOUGHT').length))).every((thoughts) => thoughts >= 2), { timeout: 120_000, interval: 500 })
      .toBe(true);

    // The first worker goes, with its browser: nothing of it answers any more.
    [lostWorkerId] = await workerIds();
    const lost = workers.find((w) => w.stdout().includes(lostWorkerId!)) ?? workers[0]!;
    const lostSessions = perWorker.get(lostWorkerId!)!;
    const keptSessions = ids.filter((id) => !lostSessions.includes(id));
    process.kill(-lost.child.pid!, 'SIGKILL');
    await lost.exited;

    // The survivors finish when told; the lost worker's tasks end with an ERROR that says so.
    await Promise.all(keptSessions.map(async (id) => expect((await call(apis[1]!, 'POST', `/v1/sessions/${id}/message`, { message: 'stop ok' })).status).toBe(200)));
    await expect
      .poll(async () => (await Promise.all(ids.map(async (id) => lastOf(await messagesOf(apis[1]!, id))))).every(endsTask), { timeout: 90_000, interval: 500 })
      .toBe(true);
    for (const id of keptSessions) {
      const last = lastOf(await messagesOf(apis[0]!, id));
      expect(last.type).toBe('DONE');
      expect(last.content).toBe('updated: ok');
    }
    for (const id of lostSessions) {
      const last = lastOf(await messagesOf(apis[0]!, id));
      expect(last.type).toBe('ERROR');
      expect(last.metadata?.code).toBe('worker_lost');
      expect(last.content).toMatch(/worker running it was lost/);
    }
    // The other worker owns them now.
    const adopted = await leaseOwners();
    for (const id of lostSessions) expect(adopted.get(id)).not.toBe(lostWorkerId);

    // Ids 1..n with none missing or doubled; each SSE stream saw each of them exactly once.
    for (const id of ids) {
      const stored = (await messagesOf(apis[0]!, id)).map((m) => m.id as number);
      expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
      const stream = streams.get(id)!;
      await within(stream.closed, 30_000, `the SSE stream of ${id} to close after its task's end`);
      const seen = stream.events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
      expect(seen).toEqual(stored);
    }

    // An adopted session takes the next task on its new worker, through either API node.
    const again = lostSessions[0]!;
    expect((await call(apis[0]!, 'POST', `/v1/sessions/${again}/message`, { message: 'finish again' })).status).toBe(200);
    await expect.poll(async () => lastOf(await messagesOf(apis[1]!, again))?.content, { timeout: 60_000, interval: 300 }).toBe('again');
    const shot = await fetch(`${apis[1]!.url}/v1/sessions/${again}/screenshot`, { headers: { authorization: `Bearer ${key}` } });
    expect(shot.status).toBe(200);

    for (const id of ids) expect((await call(apis[id.charCodeAt(0) % 2]!, 'DELETE', `/v1/sessions/${id}`)).status).toBe(200);
  }, 360_000);

  it('answers /healthz and /metrics on every node, workers included, each with the families of its kind', async () => {
    const liveWorkers = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    for (const node of [...apis, ...liveWorkers]) {
      const health = await fetch(`${node.url}/healthz`);
      expect(health.status).toBe(200);
      const metrics = await (await fetch(`${node.url}/metrics`)).text();
      expect(metrics).toMatch(/steward_session_capacity \d+/);
    }
    const ids = await workerIds();
    // A worker's own id is the one bound to all its log lines (another's may be named in them).
    const liveIds = ids.filter((id) => liveWorkers.some((w) => w.stdout().includes(`"workerId":"${id}"`)));
    expect(liveIds).toHaveLength(liveWorkers.length);
    for (const api of apis) {
      const metrics = await (await fetch(`${api.url}/metrics`)).text();
      // Its own queue towards the workers, empty now that every command was answered.
      expect(sample(metrics, 'steward_commands_in_flight')).toBe(0);
      // Each live worker's heartbeat; the killed worker's is past the lease time, so it is gone.
      for (const id of liveIds) expect(sample(metrics, `steward_worker_capacity{worker="${id}"}`)).toBe(SESSIONS);
      expect(metrics).toContain('steward_worker_load{worker=');
      if (lostWorkerId !== undefined) expect(metrics).not.toContain(lostWorkerId);
      // No browser, no agent, no webhooks here: absent, not a 0 that reads as "Chromium down".
      for (const family of ['steward_browser_up', 'steward_browser_contexts', 'steward_agent_steps_total', 'steward_webhook_deliveries_pending']) expect(metrics).not.toContain(family);
    }
    for (const worker of liveWorkers) {
      const metrics = await (await fetch(`${worker.url}/metrics`)).text();
      expect(sample(metrics, 'steward_browser_up')).toBe(1);
      expect(sample(metrics, 'steward_browser_contexts{state="active"}')).toBe(0);
      expect(sample(metrics, 'steward_webhook_deliveries_pending')).toBe(0);
      expect(metrics).not.toContain('steward_commands_in_flight');
      expect(metrics).not.toContain('steward_worker_capacity');
    }
  });
});

describe('cluster roles at start-up', () => {
  it('stop at once, saying what is missing, without a database, a Redis or a shared key', () => {
    for (const role of ['api', 'worker']) {
      const result = runCli(['serve'], { STEWARD_ROLE: role, STEWARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'steward-cluster-missing-')) });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`STEWARD_ROLE=${role} needs STEWARD_DATABASE_URL (postgres://…), STEWARD_REDIS_URL (redis://…), STEWARD_SECRET_KEY (the same on every node)`);
    }
  });
});
