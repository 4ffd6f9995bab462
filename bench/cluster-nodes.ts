import { Steward } from '@steward/client';
import { startClusterNodes, type ClusterNodes } from '../scripts/cluster-nodes.ts';
import { chromiumCpuSeconds } from './chromium-cpu.ts';
import { processCpuSeconds } from './process-cpu.ts';
import { WireClient } from './wire-client.ts';

export interface BenchClusterOptions {
  repoRoot: string;
  /** Absolute path of the `script:` policy module every node is given. */
  policyPath: string;
  apis: number;
  workers: number;
  /** STEWARD_LEASE_TTL_S of every node. */
  leaseTtlS: number;
  /** STEWARD_WARM_CONTEXTS (and its ceiling, STEWARD_WARM_CONTEXTS_MAX) of each worker. */
  warmContexts: number;
  /** STEWARD_MAX_SESSIONS of each worker. */
  maxSessions: number;
  signal?: AbortSignal | undefined;
}

export interface BenchCluster {
  nodes: ClusterNodes;
  /** The SDK and the wire client on the first API node. */
  api: Steward;
  wire: WireClient;
  /** CPU seconds the first API node's process has used so far. */
  apiCpuSeconds(): Promise<number>;
  /** CPU seconds used so far by the first API node, the workers' Node processes and their Chromium processes. */
  cpuSeconds(): Promise<ClusterCpuSeconds>;
  /** Spawn → listening of the slowest node, in ms (the nodes start together). */
  startupMs: number;
  close(): Promise<void>;
}

export interface ClusterCpuSeconds {
  api: number;
  workers: number;
  chromium: number;
}

/** The cluster the `cluster` suite measures, with the settings the API suites give one process. */
export async function startBenchCluster(options: BenchClusterOptions): Promise<BenchCluster> {
  const nodes = await startClusterNodes({
    repoRoot: options.repoRoot,
    apis: options.apis,
    workers: options.workers,
    env: {
      STEWARD_MODEL: `script:${options.policyPath}`,
      STEWARD_LEASE_TTL_S: String(options.leaseTtlS),
      // The benchmark is one client hammering on purpose: the per-key limit would measure itself.
      STEWARD_RATE_LIMIT_PER_MINUTE: '0',
    },
    workerEnv: {
      STEWARD_MAX_SESSIONS: String(options.maxSessions),
      STEWARD_WARM_CONTEXTS: String(options.warmContexts),
      STEWARD_WARM_CONTEXTS_MAX: String(options.warmContexts),
    },
    startTimeoutMs: 90_000,
    signal: options.signal,
    onStderr: (node, chunk) => process.stderr.write(`[${node}] ${chunk}`),
  });
  const first = nodes.apis[0];
  if (first === undefined) {
    await nodes.close();
    throw new Error('a bench cluster needs an API node');
  }
  const wire = new WireClient(first.baseUrl, nodes.apiKey);
  return {
    nodes,
    api: new Steward({ apiKey: nodes.apiKey, baseUrl: first.baseUrl, maxRetries: 0 }),
    wire,
    apiCpuSeconds: () => processCpuSeconds(first.pid),
    cpuSeconds: async () => ({
      api: await processCpuSeconds(first.pid),
      workers: (await Promise.all(nodes.workers.map((w) => processCpuSeconds(w.pid).catch(() => 0)))).reduce((a, b) => a + b, 0),
      chromium: nodes.workers.reduce((total, w) => total + chromiumCpuSeconds(w.pid), 0),
    }),
    startupMs: Math.max(...[...nodes.apis, ...nodes.workers].map((node) => node.startupMs)),
    close: async () => {
      wire.close();
      await nodes.close();
    },
  };
}
