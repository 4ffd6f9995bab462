import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { Steward } from '@steward/client';
import { BenchError } from '../bench-error.ts';
import { createSession, deleteSession, sendMessage } from '../session-helpers.ts';
import { SseSubscriber } from '../sse-subscriber.ts';
import { summarize, type LatencySummary } from '../stats.ts';
import type { WireClient } from '../wire-client.ts';

export interface SseSuiteOptions {
  subscribers: number;
  events: number;
  intervalMs: number;
  serverCpuSeconds: () => Promise<number>;
  signal?: AbortSignal | undefined;
}

export interface SseSuiteResult {
  subscribers: number;
  events_per_client_expected: number;
  events_per_client: { min: number; max: number };
  all_clients_got_all_events: boolean;
  all_clients_saw_done: boolean;
  latency_ms: LatencySummary;
  /** The same without the first few events, which pay one-time JIT and first-use costs in a fresh server. */
  latency_ms_steady: LatencySummary & { skipped_first_events: number };
  /** Per event, the fastest client: time until the server's first write reached a socket. */
  first_client_latency_ms: LatencySummary;
  /** Per event, slowest minus fastest client: the cost of fanning out to all subscribers. */
  fan_out_spread_ms: LatencySummary;
  /** The events with the largest first-client latency (server-side delay before fan-out). */
  slowest_events: { step: number; first_client_ms: number; last_client_ms: number }[];
  /** Mean wall time per agent step (policy delay + browser observe/scroll + recording). */
  step_interval_ms: number;
  connect_ms: number;
  cpu_cores_used: { server: number; load_generator: number };
  note: string;
}

const STEADY_AFTER_STEP = 5;

/** Agent-THOUGHT-to-SSE-client latency, fanned out to many subscribers of one session. */
export async function runSseSuite(api: Steward, wire: WireClient, options: SseSuiteOptions): Promise<SseSuiteResult> {
  const session = await createSession(api, options.events + 5, options.signal);
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  // Every subscriber's request listens on this one signal.
  setMaxListeners(options.subscribers + 10, signal);
  const url = new URL(`/v1/sessions/${session.sessionId}/events?include_history=false`, wire.baseUrl);
  const subscribers: SseSubscriber[] = [];
  try {
    process.stderr.write(`sse: opening ${options.subscribers} subscribers\n`);
    const connectStart = performance.now();
    for (let i = 0; i < options.subscribers; i++) subscribers.push(new SseSubscriber({ url, authorization: wire.authHeader, signal }));
    await Promise.all(subscribers.map((s) => s.connected));
    const connectMs = performance.now() - connectStart;
    // The route finishes its (empty) replay after the headers; let it switch to live delivery.
    await delay(200, undefined, { signal: options.signal });

    process.stderr.write(`sse: ${options.events} thoughts, ${options.intervalMs} ms apart plus a browser step each\n`);
    const cpuBefore = { server: await options.serverCpuSeconds(), self: process.cpuUsage() };
    const taskStart = performance.now();
    await sendMessage(api, session.sessionId, `emit ${options.events} ${options.intervalMs}`, options.signal);
    await withDeadline(Promise.all(subscribers.map((s) => s.ended)), 60_000 + options.events * (options.intervalMs + 500), 'the SSE streams did not end in time');
    const taskMs = performance.now() - taskStart;
    const seconds = taskMs / 1000;
    const serverCpu = (await options.serverCpuSeconds()) - cpuBefore.server;
    const selfCpu = process.cpuUsage(cpuBefore.self);

    const counts = subscribers.map((s) => s.thoughts);
    const all = subscribers.flatMap((s) => s.latencies);
    const perStep = new Map<number, { min: number; max: number }>();
    for (const s of subscribers) {
      s.latencies.forEach((ms, i) => {
        const step = s.steps[i] ?? -1;
        const seen = perStep.get(step);
        perStep.set(step, seen ? { min: Math.min(seen.min, ms), max: Math.max(seen.max, ms) } : { min: ms, max: ms });
      });
    }
    const steps = [...perStep.entries()];
    const slowest = steps
      .sort((a, b) => b[1].min - a[1].min)
      .slice(0, 5)
      .map(([step, { min, max }]) => ({ step, first_client_ms: round(min), last_client_ms: round(max) }));
    return {
      subscribers: options.subscribers,
      events_per_client_expected: options.events,
      events_per_client: { min: Math.min(...counts), max: Math.max(...counts) },
      all_clients_got_all_events: counts.every((c) => c === options.events),
      all_clients_saw_done: subscribers.every((s) => s.sawDone),
      latency_ms: summarize(all),
      latency_ms_steady: { ...summarize(subscribers.flatMap((s) => s.latencies.filter((_, i) => (s.steps[i] ?? 0) > STEADY_AFTER_STEP))), skipped_first_events: STEADY_AFTER_STEP },
      first_client_latency_ms: summarize(steps.map(([, v]) => v.min)),
      fan_out_spread_ms: summarize(steps.map(([, v]) => v.max - v.min)),
      slowest_events: slowest,
      step_interval_ms: Math.round((taskMs / options.events) * 10) / 10,
      connect_ms: Math.round(connectMs),
      cpu_cores_used: { server: round(serverCpu / seconds), load_generator: round((selfCpu.user + selfCpu.system) / 1e6 / seconds) },
      note: 'latency = client chunk-arrival epoch time minus the epoch time the policy stamped into the THOUGHT; includes recording the step (SQLite) and fan-out; both processes share the cores; server CPU excludes Chromium',
    };
  } finally {
    controller.abort();
    for (const s of subscribers) s.close();
    await deleteSession(api, session.sessionId).catch(() => undefined);
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

async function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BenchError(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
