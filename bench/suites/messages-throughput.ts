import { Agent } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { ApiClient } from '../api-client.ts';
import { BenchError } from '../bench-error.ts';
import { createSession, deleteSession, sendMessage, waitForTaskEnd } from '../session-helpers.ts';
import { summarize } from '../stats.ts';

export interface MessagesSuiteOptions {
  /** Thought steps of the seeding task; each leaves a THOUGHT and a step LOG, plus USER and DONE. */
  seedSteps: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** CPU seconds the server process has used so far. */
  serverCpuSeconds: () => Promise<number>;
  signal?: AbortSignal | undefined;
}

export interface MessagesSuiteResult {
  messages_per_response: number;
  response_bytes: number;
  concurrency: number;
  duration_s: number;
  requests: number;
  req_per_s: number;
  errors: number;
  latency_ms: { p50: number; p99: number; max: number; mean: number };
  /** Cores' worth of CPU each side used during the measured window (2 cores shared). */
  cpu_cores_used: { server: number; load_generator: number };
  note: string;
}

/** GET /messages requests per second over keep-alive connections, a fixed window after a warm-up. */
export async function runMessagesSuite(api: ApiClient, options: MessagesSuiteOptions): Promise<MessagesSuiteResult> {
  const { signal } = options;
  const session = await createSession(api, { max_steps: options.seedSteps + 5 }, signal);
  const path = `/v1/sessions/${session.session_id}/messages`;
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  try {
    await sendMessage(api, session.session_id, `emit ${options.seedSteps} 0`, signal);
    await waitForTaskEnd(api, session.session_id, { timeoutMs: 60_000, signal });
    const first = await api.send('GET', path, { signal, agent });
    if (first.status !== 200) throw new BenchError(`GET ${path} answered ${first.status}`);
    const messageCount = (JSON.parse(first.body) as { messages: unknown[] }).messages.length;
    const responseBytes = Buffer.byteLength(first.body);

    process.stderr.write(`messages: ${messageCount} messages (${responseBytes} B); ${options.concurrency} in flight, ${options.warmupMs} ms warm-up + ${options.durationMs} ms\n`);
    const latencies: number[] = [];
    let errors = 0;
    let measuring = false;
    let stopped = false;
    const worker = async (): Promise<void> => {
      while (!stopped && !signal?.aborted) {
        const started = performance.now();
        let ok = false;
        try {
          const response = await api.send('GET', path, { agent, timeoutMs: 10_000 });
          ok = response.status === 200 && response.body.length === first.body.length;
        } catch {
          ok = false;
        }
        if (!measuring || stopped) continue;
        if (ok) latencies.push(performance.now() - started);
        else errors++;
      }
    };
    const workers = Array.from({ length: options.concurrency }, () => worker());
    let windowMs: number;
    let serverCpu: number;
    let selfCpu: NodeJS.CpuUsage;
    try {
      await delay(options.warmupMs, undefined, { signal });
      const cpuBefore = { server: await options.serverCpuSeconds(), self: process.cpuUsage() };
      measuring = true;
      const windowStart = performance.now();
      await delay(options.durationMs, undefined, { signal });
      stopped = true;
      windowMs = performance.now() - windowStart;
      serverCpu = (await options.serverCpuSeconds()) - cpuBefore.server;
      selfCpu = process.cpuUsage(cpuBefore.self);
    } finally {
      stopped = true;
      await Promise.all(workers);
    }

    const summary = summarize(latencies);
    const seconds = windowMs / 1000;
    return {
      messages_per_response: messageCount,
      response_bytes: responseBytes,
      concurrency: options.concurrency,
      duration_s: round(seconds),
      requests: latencies.length,
      req_per_s: Math.round(latencies.length / seconds),
      errors,
      latency_ms: { p50: summary.p50, p99: summary.p99, max: summary.max, mean: summary.mean },
      cpu_cores_used: { server: round(serverCpu / seconds), load_generator: round((selfCpu.user + selfCpu.system) / 1e6 / seconds) },
      note: 'the load generator (this process, node:http keep-alive) and the server share the same cores; req/s is a lower bound for the server alone',
    };
  } finally {
    agent.destroy();
    await deleteSession(api, session.session_id).catch(() => undefined);
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
