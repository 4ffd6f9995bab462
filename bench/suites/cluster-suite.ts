import { Steward } from '@steward/client';
import { startBenchCluster, type BenchCluster } from '../cluster-nodes.ts';
import { startSteward } from '../steward-process.ts';
import { WireClient } from '../wire-client.ts';
import { runClusterAdoption, type ClusterAdoptionResult } from './cluster-adoption.ts';
import { runClusterTasks, type ClusterTasksResult } from './cluster-tasks.ts';
import { runMessagesSuite, type MessagesSuiteResult } from './messages-throughput.ts';
import { runSseSuite, type SseSuiteResult } from './sse-latency.ts';

export interface ClusterSuiteOptions {
  repoRoot: string;
  /** bench/policies/cluster-policy.mjs: every node and the embedded server run it. */
  policyPath: string;
  leaseTtlS: number;
  /** STEWARD_WARM_CONTEXTS of each worker and of the embedded server. */
  warmContexts: number;
  tasks: { count: number; concurrency: number; steps: number; pollMs: number };
  adoption: { sessions: number; pollMs: number };
  sse: { subscribers: number; events: number; intervalMs: number };
  polling: { seedSteps: number; concurrency: number; warmupMs: number; durationMs: number };
  signal?: AbortSignal | undefined;
}

type SseFigures = Pick<SseSuiteResult, 'latency_ms' | 'latency_ms_steady' | 'first_client_latency_ms' | 'fan_out_spread_ms' | 'all_clients_got_all_events' | 'step_interval_ms' | 'cpu_cores_used'>;
type PollingFigures = Omit<MessagesSuiteResult, 'note' | 'baseline_node_http'>;

export interface ClusterSuiteResult {
  tasks_per_s: { one_worker: number; two_workers: number; runs: { one_worker: ClusterTasksResult; two_workers: ClusterTasksResult } };
  adoption_ms: { p50: number; max: number; lease_ttl_s: number; run: ClusterAdoptionResult };
  sse_latency_ms: { cluster: { p50: number; p99: number }; embedded: { p50: number; p99: number }; runs: { cluster: SseFigures; embedded: SseFigures } };
  polling_req_per_s: { postgres_api_node: number; sqlite_embedded: number; runs: { postgres_api_node: PollingFigures; sqlite_embedded: PollingFigures } };
  /** Spawn → listening of the slowest node of each cluster (they start together), and of the embedded server. */
  startup_ms: { one_worker_cluster: number; two_worker_cluster: number; embedded: number };
  note: string;
}

/**
 * Cluster mode on this machine: task throughput with one and with two workers (one API node
 * each time, a fresh PostgreSQL database each), adoption after a worker is killed, and the SSE
 * latency and polling throughput of an API node against the same measures on one embedded
 * process (SQLite), those two reusing the `sse` and `messages` suites as they are.
 */
export async function runClusterSuite(options: ClusterSuiteOptions): Promise<ClusterSuiteResult> {
  const { signal } = options;

  process.stderr.write(`cluster: embedded server (SQLite) for the comparisons\n`);
  const steward = await startSteward({ repoRoot: options.repoRoot, policyPath: options.policyPath, warmContexts: options.warmContexts, maxSessions: 100, startTimeoutMs: 60_000, signal });
  let embedded: { sse: SseFigures; polling: PollingFigures };
  try {
    const api = new Steward({ apiKey: steward.apiKey, baseUrl: steward.baseUrl, maxRetries: 0 });
    const wire = new WireClient(steward.baseUrl, steward.apiKey);
    try {
      embedded = await measureApiNode(api, wire, steward.cpuSeconds, options);
    } finally {
      wire.close();
    }
  } finally {
    await steward.stop();
  }

  process.stderr.write('cluster: 1 API node + 1 worker\n');
  const one = await withCluster(options, 1, async (cluster) => ({
    tasks: await runClusterTasks(cluster.api, { ...taskOptions(options), owners: () => cluster.nodes.leaseOwners(), cpuSeconds: () => cluster.cpuSeconds() }),
    ...(await measureApiNode(cluster.api, cluster.wire, cluster.apiCpuSeconds, options)),
    startupMs: cluster.startupMs,
  }));

  process.stderr.write('cluster: 1 API node + 2 workers\n');
  const two = await withCluster(options, 2, async (cluster) => ({
    tasks: await runClusterTasks(cluster.api, { ...taskOptions(options), owners: () => cluster.nodes.leaseOwners(), cpuSeconds: () => cluster.cpuSeconds() }),
    adoption: await runClusterAdoption(cluster.api, cluster.nodes, { sessions: options.adoption.sessions, leaseTtlS: options.leaseTtlS, pollMs: options.adoption.pollMs, signal }),
    startupMs: cluster.startupMs,
  }));

  return {
    tasks_per_s: { one_worker: one.tasks.tasks_per_s, two_workers: two.tasks.tasks_per_s, runs: { one_worker: one.tasks, two_workers: two.tasks } },
    adoption_ms: { p50: two.adoption.adoption_ms.p50, max: two.adoption.adoption_ms.max, lease_ttl_s: options.leaseTtlS, run: two.adoption },
    sse_latency_ms: {
      cluster: { p50: one.sse.latency_ms.p50, p99: one.sse.latency_ms.p99 },
      embedded: { p50: embedded.sse.latency_ms.p50, p99: embedded.sse.latency_ms.p99 },
      runs: { cluster: one.sse, embedded: embedded.sse },
    },
    polling_req_per_s: { postgres_api_node: one.polling.req_per_s, sqlite_embedded: embedded.polling.req_per_s, runs: { postgres_api_node: one.polling, sqlite_embedded: embedded.polling } },
    startup_ms: { one_worker_cluster: Math.round(one.startupMs), two_worker_cluster: Math.round(two.startupMs), embedded: Math.round(steward.startupMs) },
    note:
      'every process (nodes, Chromium, PostgreSQL, redis-server, this load generator) shares this machine\'s cores; sse and polling of the cluster are measured on the 1-worker cluster, ' +
      'through its API node (events from the worker through Redis, reads from PostgreSQL); server CPU counts the API node (or the embedded process) only, not PostgreSQL, Redis or the worker',
  };
}

function taskOptions(options: ClusterSuiteOptions) {
  const { count, concurrency, steps, pollMs } = options.tasks;
  return { tasks: count, concurrency, steps, pollMs, signal: options.signal };
}

/** The `sse` and `messages` suites, as they are, against one API node or one embedded server. */
async function measureApiNode(api: Steward, wire: WireClient, cpuSeconds: () => Promise<number>, options: ClusterSuiteOptions): Promise<{ sse: SseFigures; polling: PollingFigures }> {
  const { signal } = options;
  const sse = await runSseSuite(api, wire, { ...options.sse, serverCpuSeconds: cpuSeconds, signal });
  const { note: _note, ...polling } = await runMessagesSuite(api, wire, { ...options.polling, baseline: false, serverCpuSeconds: cpuSeconds, signal });
  return {
    sse: {
      latency_ms: sse.latency_ms,
      latency_ms_steady: sse.latency_ms_steady,
      first_client_latency_ms: sse.first_client_latency_ms,
      fan_out_spread_ms: sse.fan_out_spread_ms,
      all_clients_got_all_events: sse.all_clients_got_all_events,
      step_interval_ms: sse.step_interval_ms,
      cpu_cores_used: sse.cpu_cores_used,
    },
    polling,
  };
}

async function withCluster<T>(options: ClusterSuiteOptions, workers: number, run: (cluster: BenchCluster) => Promise<T>): Promise<T> {
  const cluster = await startBenchCluster({
    repoRoot: options.repoRoot,
    policyPath: options.policyPath,
    apis: 1,
    workers,
    leaseTtlS: options.leaseTtlS,
    warmContexts: options.warmContexts,
    maxSessions: Math.max(options.tasks.concurrency, options.adoption.sessions) + 10,
    signal: options.signal,
  });
  try {
    return await run(cluster);
  } finally {
    await cluster.close();
  }
}
