import { Agent } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { WireClient } from './wire-client.ts';
import { summarize } from './stats.ts';

export interface LoadOptions {
  client: WireClient;
  path: string;
  /** A response counts as correct when it is 200 with this many bytes. */
  expectedLength: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** CPU seconds the target process has used so far. */
  targetCpuSeconds: () => Promise<number>;
  signal?: AbortSignal | undefined;
}

export interface LoadResult {
  duration_s: number;
  requests: number;
  req_per_s: number;
  errors: number;
  latency_ms: { p50: number; p99: number; max: number; mean: number };
  /** Cores' worth of CPU each side used during the measured window. */
  cpu_cores_used: { server: number; load_generator: number };
}

/**
 * Closed-loop load: `concurrency` workers each keep one GET in flight over keep-alive sockets.
 * Only requests that complete inside the measured window (after the warm-up) are counted.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { client, path, signal } = options;
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && !signal?.aborted) {
      const started = performance.now();
      let ok = false;
      try {
        const response = await client.send('GET', path, { agent, timeoutMs: 10_000 });
        ok = response.status === 200 && Buffer.byteLength(response.body) === options.expectedLength;
      } catch {
        ok = false;
      }
      if (!measuring || stopped) continue;
      if (ok) latencies.push(performance.now() - started);
      else errors++;
    }
  };
  const workers = Array.from({ length: options.concurrency }, () => worker());
  let windowMs = 0;
  let serverCpu = 0;
  let selfCpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  try {
    await delay(options.warmupMs, undefined, { signal });
    const cpuBefore = { server: await options.targetCpuSeconds(), self: process.cpuUsage() };
    measuring = true;
    const windowStart = performance.now();
    await delay(options.durationMs, undefined, { signal });
    stopped = true;
    windowMs = performance.now() - windowStart;
    serverCpu = (await options.targetCpuSeconds()) - cpuBefore.server;
    selfCpu = process.cpuUsage(cpuBefore.self);
  } finally {
    stopped = true;
    await Promise.all(workers);
    agent.destroy();
  }
  const seconds = windowMs / 1000;
  const summary = summarize(latencies);
  return {
    duration_s: round(seconds),
    requests: latencies.length,
    req_per_s: Math.round(latencies.length / seconds),
    errors,
    latency_ms: { p50: summary.p50, p99: summary.p99, max: summary.max, mean: summary.mean },
    cpu_cores_used: { server: round(serverCpu / seconds), load_generator: round((selfCpu.user + selfCpu.system) / 1e6 / seconds) },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
