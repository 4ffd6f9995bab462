import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresTestCluster } from '../packages/server/test/support/postgres-test-cluster.ts';
import { startRedisProcess, type RedisProcess } from './redis-process.ts';
import { startStewardNode, type StewardNodeProcess } from './steward-process.ts';

/**
 * A Steward cluster on this machine (docs/cluster.md), for the benchmarks: API nodes and workers
 * as child processes started as users start them, on a fresh database of the machine's own
 * PostgreSQL (a login role of this cluster's own, as the PostgreSQL store tests make one: needs
 * root) and a redis-server of its own, with one shared secret key and one API key made with the
 * CLI (`steward keys create`), as an operator does. Workers run in process groups of their own so
 * that `killWorker` takes their Chromium with them, as losing the machine would.
 */
export interface ClusterNodesOptions {
  repoRoot: string;
  apis: number;
  workers: number;
  /** STEWARD_* settings of every node (the model, STEWARD_LEASE_TTL_S, …). */
  env: Record<string, string>;
  /** Settings of the workers only (STEWARD_MAX_SESSIONS, STEWARD_WARM_CONTEXTS, …). */
  workerEnv?: Record<string, string> | undefined;
  startTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  onStderr?: ((node: string, chunk: string) => void) | undefined;
}

export interface ClusterWorker extends StewardNodeProcess {
  /** Its id in the `workers` table and the leases (read from its heartbeats: their meta names its pid). */
  id: string;
}

export interface ClusterNodes {
  apis: StewardNodeProcess[];
  workers: ClusterWorker[];
  /** The API key made with the CLI; every API node takes it. */
  apiKey: string;
  databaseUrl: string;
  redisUrl: string;
  /** Session id → id of the worker holding its lease, as PostgreSQL has it now. */
  leaseOwners(): Promise<Map<string, string>>;
  /** SIGKILL to the worker's whole process group (its node and its Chromium); resolves once the node has exited. */
  killWorker(worker: ClusterWorker): Promise<void>;
  /** Stops every node (SIGTERM, then SIGKILL to any worker group left), Redis, and drops the database and its role. */
  close(): Promise<void>;
}

const MAIN = 'packages/server/src/main.ts';

export async function startClusterNodes(options: ClusterNodesOptions): Promise<ClusterNodes> {
  const postgres = await PostgresTestCluster.start();
  const dataDirs: string[] = [];
  let redis: RedisProcess | undefined;
  const apis: StewardNodeProcess[] = [];
  const workerNodes: StewardNodeProcess[] = [];
  let client: pg.Client | undefined;
  const close = async (): Promise<void> => {
    await client?.end().catch(() => undefined);
    // Workers first, while the database and Redis they shut down against are still there.
    await Promise.all(workerNodes.map(async (node) => {
      await node.stop();
      killGroup(node.pid);
    }));
    await Promise.all(apis.map((node) => node.stop()));
    await redis?.close();
    await postgres.close();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const databaseUrl = await postgres.createDatabase();
    redis = await startRedisProcess();
    const shared = {
      ...options.env,
      STEWARD_DATABASE_URL: databaseUrl,
      STEWARD_REDIS_URL: redis.url,
      STEWARD_SECRET_KEY: randomBytes(32).toString('hex'),
    };
    const start = (role: 'api' | 'worker', index: number): Promise<StewardNodeProcess> =>
      startStewardNode({
        repoRoot: options.repoRoot,
        dataDirPrefix: `steward-cluster-${role}-`,
        env: { ...shared, ...(role === 'worker' ? options.workerEnv : {}), STEWARD_ROLE: role },
        detached: role === 'worker',
        startTimeoutMs: options.startTimeoutMs,
        signal: options.signal,
        onStderr: (chunk) => options.onStderr?.(`${role}${index + 1}`, chunk),
      });
    // All at once on an empty database: the migrations run once, under their lock. Every start
    // is awaited, so a failed one still leaves the others recorded, to be stopped.
    const started = await Promise.allSettled([
      ...Array.from({ length: options.workers }, async (_, i) => workerNodes.push(await start('worker', i))),
      ...Array.from({ length: options.apis }, async (_, i) => apis.push(await start('api', i))),
    ]);
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const apiKey = createApiKey(options.repoRoot, shared, dataDirs);
    client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const db = client;
    const { rows } = await db.query<{ id: string; meta: string }>('SELECT id, meta FROM workers');
    const idOfPid = new Map(rows.map((row) => [(JSON.parse(row.meta) as { pid?: number }).pid, row.id]));
    const workers = workerNodes.map((node): ClusterWorker => {
      const id = idOfPid.get(node.pid);
      if (id === undefined) throw new Error(`worker pid ${node.pid} has no heartbeat in the workers table`);
      return { ...node, id };
    });
    return {
      apis,
      workers,
      apiKey,
      databaseUrl,
      redisUrl: redis.url,
      async leaseOwners() {
        const leases = await db.query<{ session_id: string; worker_id: string }>('SELECT session_id, worker_id FROM session_leases');
        return new Map(leases.rows.map((row) => [row.session_id, row.worker_id]));
      },
      async killWorker(worker) {
        killGroup(worker.pid);
        await worker.exited;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `steward keys create` with the nodes' settings (the key is alone on the last line). */
function createApiKey(repoRoot: string, env: Record<string, string>, dataDirs: string[]): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'steward-cluster-cli-'));
  dataDirs.push(dataDir);
  const result = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'keys', 'create', '--name', 'bench'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, STEWARD_ROLE: 'api', STEWARD_DATA_DIR: dataDir, STEWARD_LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const key = result.stdout?.trim().split('\n').at(-1);
  if (result.status !== 0 || key === undefined || !key.startsWith('stw_')) throw new Error(`steward keys create failed (${result.status}): ${result.stderr}`);
  return key;
}

/** SIGKILL to a worker's process group (pgid = its pid), whatever is left of it. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}
