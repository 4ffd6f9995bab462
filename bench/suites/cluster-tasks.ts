import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { Steward } from '@steward/client';
import { BenchError } from '../bench-error.ts';
import { createSession, deleteSession, sendMessage } from '../session-helpers.ts';
import type { ClusterCpuSeconds } from '../cluster-nodes.ts';
import { epochMs, summarize, type LatencySummary } from '../stats.ts';

export interface ClusterTasksOptions {
  /** Tasks in all, spread over `concurrency` sessions (each runs its share one after another). */
  tasks: number;
  /** Sessions, and so tasks in flight at once. */
  concurrency: number;
  /** Scroll steps of each task (`scroll <n>` of cluster-policy.mjs), then a done step. */
  steps: number;
  /** How often each session's new messages are polled while its task runs. */
  pollMs: number;
  /** Session id → worker id, for the spread of the sessions over the workers. */
  owners: () => Promise<Map<string, string>>;
  /** CPU seconds the cluster's processes have used so far. */
  cpuSeconds: () => Promise<ClusterCpuSeconds>;
  signal?: AbortSignal | undefined;
}

export interface ClusterTasksResult {
  tasks: number;
  completed: number;
  failed: number;
  /** The ERRORs that ended the failed tasks (code: text, the first 200 characters), at most 5. */
  errors: string[];
  concurrency: number;
  steps_per_task: number;
  /** First send → the last DONE's stored timestamp, in s. */
  wall_s: number;
  tasks_per_s: number;
  /** Agent decisions per second (`steps` scrolls + 1 done per completed task). */
  agent_steps_per_s: number;
  /** Send → DONE stored, per task, in ms. */
  task_ms: LatencySummary;
  /** Sessions on each worker (placement). */
  sessions_per_worker: number[];
  /** Creating the sessions beforehand (not counted), in s. */
  create_s: number;
  /** Cores' worth of CPU each side used while the tasks ran (first send → last end): near the machine's core count means CPU-bound. */
  cpu_cores_used: { api_node: number; worker_nodes: number; chromium: number; load_generator: number };
}

const CREATES_AT_ONCE = 4;

/**
 * Throughput of short scripted tasks through one API node, whatever the workers behind it: the
 * sessions are created first (not counted), then each runs its tasks back to back, its new
 * messages polled; the wall time runs from the first send to the newest DONE as stored.
 */
export async function runClusterTasks(api: Steward, options: ClusterTasksOptions): Promise<ClusterTasksResult> {
  const { signal } = options;
  // Every session's poll and request listens on the run's signal at once.
  if (signal !== undefined) setMaxListeners(options.concurrency * 2 + 10, signal);
  const sessions: string[] = [];
  try {
    const createStart = performance.now();
    for (let i = 0; i < options.concurrency; i += CREATES_AT_ONCE) {
      const batch = Math.min(CREATES_AT_ONCE, options.concurrency - i);
      const created = await Promise.all(Array.from({ length: batch }, () => createSession(api, options.steps * 4 + 10, signal)));
      sessions.push(...created.map((s) => s.sessionId));
    }
    const createS = (performance.now() - createStart) / 1000;
    const owners = await options.owners();
    const perWorker = new Map<string, number>();
    for (const id of sessions) perWorker.set(owners.get(id) ?? 'none', (perWorker.get(owners.get(id) ?? 'none') ?? 0) + 1);

    process.stderr.write(`cluster: ${options.tasks} tasks of ${options.steps} scrolls over ${sessions.length} sessions (${[...perWorker.values()].join(' + ')} per worker)\n`);
    const taskMs: number[] = [];
    let failed = 0;
    const errors: string[] = [];
    let next = 0;
    let lastDone = 0;
    const cpuBefore = { cluster: await options.cpuSeconds(), self: process.cpuUsage(), at: performance.now() };
    const firstSend = epochMs();
    const runner = async (sessionId: string): Promise<void> => {
      let lastId = 0;
      while (next < options.tasks) {
        next++;
        const sent = epochMs();
        await sendMessage(api, sessionId, `scroll ${options.steps}`, signal);
        const end = await waitForEnd(api, sessionId, lastId, options.pollMs, signal);
        lastId = end.lastId;
        if (end.doneAt === undefined) {
          failed++;
          if (errors.length < 5) errors.push(end.error ?? 'no ERROR text');
        } else {
          taskMs.push(end.doneAt - sent);
          lastDone = Math.max(lastDone, end.doneAt);
        }
      }
    };
    await Promise.all(sessions.map(runner));
    const cpuAfter = await options.cpuSeconds();
    const cpuS = (performance.now() - cpuBefore.at) / 1000;
    const self = process.cpuUsage(cpuBefore.self);
    const cores = (seconds: number): number => round(seconds / cpuS);
    const completed = taskMs.length;
    const wallS = (lastDone - firstSend) / 1000;
    return {
      tasks: options.tasks,
      completed,
      failed,
      errors,
      concurrency: sessions.length,
      steps_per_task: options.steps + 1,
      wall_s: round(wallS),
      tasks_per_s: round(completed / wallS),
      agent_steps_per_s: round((completed * (options.steps + 1)) / wallS),
      task_ms: summarize(taskMs),
      sessions_per_worker: [...perWorker.values()].sort((a, b) => b - a),
      create_s: round(createS),
      cpu_cores_used: {
        api_node: cores(cpuAfter.api - cpuBefore.cluster.api),
        worker_nodes: cores(cpuAfter.workers - cpuBefore.cluster.workers),
        chromium: cores(cpuAfter.chromium - cpuBefore.cluster.chromium),
        load_generator: cores((self.user + self.system) / 1e6),
      },
    };
  } finally {
    await Promise.all(sessions.map((id) => deleteSession(api, id).catch(() => undefined)));
  }
}

/**
 * Polls the session's messages after `afterId` until one ends the task: its id and the stored
 * timestamp of its DONE (epoch ms), or no timestamp and the ERROR's code and text.
 */
async function waitForEnd(api: Steward, sessionId: string, afterId: number, pollMs: number, signal: AbortSignal | undefined): Promise<{ lastId: number; doneAt?: number; error?: string }> {
  const deadline = Date.now() + 120_000;
  let seen = afterId;
  for (;;) {
    await delay(pollMs, undefined, { signal });
    const { messages } = await api.sessions.getMessages(sessionId, seen, false, signal === undefined ? {} : { signal });
    for (const message of messages) {
      seen = Math.max(seen, message.id);
      if (message.type === 'DONE') return { lastId: seen, doneAt: Date.parse(message.timestamp) };
      if (message.type === 'ERROR') return { lastId: seen, error: `${String(message.metadata['code'])}: ${JSON.stringify(message.content).slice(0, 200)}` };
    }
    if (Date.now() > deadline) throw new BenchError(`the task in session ${sessionId} did not end within 120 s`);
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
