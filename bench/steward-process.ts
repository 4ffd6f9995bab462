import { startSteward as startStewardProcess, type StewardProcess as BaseProcess } from '../scripts/steward-process.ts';
import { processCpuSeconds } from './process-cpu.ts';

export interface StewardOptions {
  repoRoot: string;
  /** Absolute path of the `script:` policy module. */
  policyPath: string;
  warmContexts: number;
  maxSessions: number;
  startTimeoutMs: number;
  signal?: AbortSignal | undefined;
}

export interface StewardProcess extends BaseProcess {
  /** CPU seconds (user + system) the server's Node process has used so far (not Chromium). */
  cpuSeconds(): Promise<number>;
}

/** The server the API suites measure, started as users start it. */
export async function startSteward(options: StewardOptions): Promise<StewardProcess> {
  const steward = await startStewardProcess({
    repoRoot: options.repoRoot,
    dataDirPrefix: 'steward-bench-',
    // STEWARD_BENCH_NODE_ARGS passes extra flags to the server's node (e.g. --cpu-prof) for profiling.
    nodeArgs: (process.env['STEWARD_BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean),
    env: {
      STEWARD_MODEL: `script:${options.policyPath}`,
      STEWARD_MAX_SESSIONS: String(options.maxSessions),
      STEWARD_WARM_CONTEXTS: String(options.warmContexts),
      // The benchmark is one client hammering on purpose: the per-key limit would measure itself.
      STEWARD_RATE_LIMIT_PER_MINUTE: '0',
    },
    startTimeoutMs: options.startTimeoutMs,
    signal: options.signal,
    onStderr: (chunk) => process.stderr.write(`[steward] ${chunk}`),
  });
  return { ...steward, cpuSeconds: () => processCpuSeconds(steward.pid) };
}
