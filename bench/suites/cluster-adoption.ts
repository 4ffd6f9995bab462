import { setTimeout as delay } from 'node:timers/promises';
import type { Steward } from '@steward/client';
import type { ClusterNodes } from '../../scripts/cluster-nodes.ts';
import { BenchError } from '../bench-error.ts';
import { createSession, deleteSession, sendMessage } from '../session-helpers.ts';
import { epochMs, summarize } from '../stats.ts';

/** The most a session takes (the API's bound): `hold` steps every 100 ms or more, so well over a minute. */
const MAX_STEPS = 1_000;

export interface ClusterAdoptionOptions {
  /** Sessions running a long task when one worker is killed (about half of them are on it). */
  sessions: number;
  /** STEWARD_LEASE_TTL_S the nodes run with (reported). */
  leaseTtlS: number;
  /** How often the lost sessions' messages are polled after the kill. */
  pollMs: number;
  signal?: AbortSignal | undefined;
}

export interface ClusterAdoptionResult {
  lease_ttl_s: number;
  /** The window the design gives: a lease renewed every TTL/3 expires TTL − TTL/3 … TTL after the kill, then a survivor's scan (every TTL/3) claims it. */
  expected_ms: { min: number; max: number };
  sessions: number;
  lost_sessions: number;
  /** Kill (SIGKILL to the worker's process group) → the ERROR `worker_lost` as stored (its timestamp), per lost session. */
  adoption_ms: { p50: number; max: number; min: number };
  /** Kill → this client first read that ERROR through the API node (polled every `poll_ms`). */
  seen_by_client_ms: { p50: number; max: number };
  poll_ms: number;
  /** Every lost session has a survivor's lease now. */
  all_adopted: boolean;
  /** Every session of the surviving worker ran on through the kill (a THOUGHT after it, no ERROR). */
  kept_sessions_ran_on: boolean;
}

/**
 * Adoption after a worker is lost: sessions spread over the workers run a long task (`hold`),
 * one worker's whole process group gets SIGKILL, and each of its sessions is timed until the
 * ERROR `worker_lost` that a surviving worker writes when it claims the expired lease.
 */
export async function runClusterAdoption(api: Steward, nodes: ClusterNodes, options: ClusterAdoptionOptions): Promise<ClusterAdoptionResult> {
  const { signal } = options;
  const request = signal === undefined ? {} : { signal };
  const sessions: string[] = [];
  try {
    for (let i = 0; i < options.sessions; i++) sessions.push((await createSession(api, MAX_STEPS, signal)).sessionId);
    const owners = await nodes.leaseOwners();
    const victim = nodes.workers[0];
    if (victim === undefined || nodes.workers.length < 2) throw new BenchError('adoption needs two workers');
    const lost = sessions.filter((id) => owners.get(id) === victim.id);
    const kept = sessions.filter((id) => !lost.includes(id));
    if (lost.length === 0) throw new BenchError(`no session was placed on worker ${victim.id}`);

    await Promise.all(sessions.map((id) => sendMessage(api, id, 'hold', signal)));
    // Running for real on both workers (a few steps each, checkpoints written) before the kill.
    await until(async () => (await Promise.all(sessions.map(async (id) => (await api.sessions.getMessages(id, 0, false, request)).messages.filter((m) => m.type === 'THOUGHT').length))).every((n) => n >= 3), 60_000, 'the hold tasks did not start');

    process.stderr.write(`cluster: SIGKILL to worker ${victim.id} (pid group ${victim.pid}) holding ${lost.length} of ${sessions.length} running sessions; lease TTL ${options.leaseTtlS} s\n`);
    const killedAt = epochMs();
    await nodes.killWorker(victim);
    const stored = new Map<string, number>();
    const seen = new Map<string, number>();
    const lastIds = new Map<string, number>();
    await until(
      async () => {
        await Promise.all(
          lost
            .filter((id) => !seen.has(id))
            .map(async (id) => {
              const { messages } = await api.sessions.getMessages(id, lastIds.get(id) ?? 0, false, request);
              for (const message of messages) {
                lastIds.set(id, Math.max(lastIds.get(id) ?? 0, message.id));
                if (message.type === 'ERROR' && message.metadata['code'] === 'worker_lost') {
                  seen.set(id, epochMs() - killedAt);
                  stored.set(id, Date.parse(message.timestamp) - killedAt);
                }
              }
            }),
        );
        return seen.size === lost.length;
      },
      options.leaseTtlS * 1000 * 4 + 60_000,
      'the lost sessions were not adopted in time',
      options.pollMs,
    );
    const adopted = await nodes.leaseOwners();

    // The surviving worker's sessions ran on through the kill: a THOUGHT since, and no ERROR.
    const keptRan = await Promise.all(
      kept.map(async (id) => {
        const { messages } = await api.sessions.getMessages(id, 0, false, request);
        return messages.every((m) => m.type !== 'ERROR') && messages.some((m) => m.type === 'THOUGHT' && Date.parse(m.timestamp) > killedAt);
      }),
    );
    const ttlMs = options.leaseTtlS * 1000;
    const storedMs = summarize([...stored.values()]);
    const seenMs = summarize([...seen.values()]);
    return {
      lease_ttl_s: options.leaseTtlS,
      expected_ms: { min: Math.round(ttlMs - ttlMs / 3), max: Math.round(ttlMs + ttlMs / 3) },
      sessions: sessions.length,
      lost_sessions: lost.length,
      adoption_ms: { p50: tenth(storedMs.p50), max: tenth(storedMs.max), min: tenth(Math.min(...stored.values())) },
      seen_by_client_ms: { p50: tenth(seenMs.p50), max: tenth(seenMs.max) },
      poll_ms: options.pollMs,
      all_adopted: lost.every((id) => adopted.get(id) !== undefined && adopted.get(id) !== victim.id),
      kept_sessions_ran_on: keptRan.every(Boolean),
    };
  } finally {
    await Promise.all(sessions.map((id) => deleteSession(api, id).catch(() => undefined)));
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number, message: string, intervalMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new BenchError(message);
    await delay(intervalMs);
  }
}

function tenth(ms: number): number {
  return Math.round(ms * 10) / 10;
}
