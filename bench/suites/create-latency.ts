import { setTimeout as delay } from 'node:timers/promises';
import type { Steward } from '@steward/client';
import { BenchError } from '../bench-error.ts';
import { createSession, deleteSession } from '../session-helpers.ts';
import { summarize, type LatencySummary } from '../stats.ts';

export interface CreateSuiteOptions {
  warmup: number;
  sequential: number;
  gapMs: number;
  /** A second phase at a faster pace, above what the pool can refill: shows where warm runs out. */
  sustained: number;
  sustainedGapMs: number;
  burst: number;
  signal?: AbortSignal | undefined;
}

export interface CreateSuiteResult {
  warm_contexts: number;
  /** One create every gapMs: the warm pool has time to refill between creates. */
  sequential: LatencySummary & { gap_ms: number; over_100ms: number; latencies_ms: number[] };
  /** Back-to-back creates with no gap: the pool drains and later creates wait for a new context. */
  sustained: LatencySummary & { gap_ms: number; over_100ms: number; latencies_ms: number[] };
  burst: LatencySummary & { latencies_ms: number[] };
  delete: LatencySummary;
  warmup_creates: number;
}

/**
 * Create-session-to-`ready` latency: the POST returns `ready`, so latency is its round trip,
 * as a user of the SDK sees it (fetch and the SDK's parsing included).
 */
export async function runCreateSuite(api: Steward, warmContexts: number, options: CreateSuiteOptions): Promise<CreateSuiteResult> {
  const { signal } = options;
  const deletes: number[] = [];
  const created: string[] = [];
  const timedCreate = async (): Promise<number> => {
    const started = performance.now();
    const session = await createSession(api, 50, signal);
    const ms = performance.now() - started;
    if (session.status !== 'ready') throw new BenchError(`create answered status '${session.status}', expected 'ready'`);
    created.push(session.sessionId);
    return ms;
  };
  const deleteAll = async (): Promise<void> => {
    for (const id of created.splice(0)) {
      const started = performance.now();
      await deleteSession(api, id, signal);
      deletes.push(performance.now() - started);
    }
  };
  // The pool refills asynchronously after deletes; give it time before the next phase.
  const settle = (): Promise<void> => delay(1_500, undefined, { signal });

  try {
    for (let i = 0; i < options.warmup; i++) {
      await timedCreate();
      await delay(options.gapMs, undefined, { signal });
    }
    await deleteAll();
    await settle();

    process.stderr.write(`create: ${options.sequential} sequential creates, ${options.gapMs} ms apart\n`);
    const sequential: number[] = [];
    for (let i = 0; i < options.sequential; i++) {
      sequential.push(await timedCreate());
      await delay(options.gapMs, undefined, { signal });
    }
    await deleteAll();
    await settle();

    process.stderr.write(`create: ${options.sustained} creates, ${options.sustainedGapMs} ms apart\n`);
    const sustained: number[] = [];
    for (let i = 0; i < options.sustained; i++) {
      sustained.push(await timedCreate());
      await delay(options.sustainedGapMs, undefined, { signal });
    }
    await deleteAll();
    await settle();

    process.stderr.write(`create: burst of ${options.burst} back-to-back creates\n`);
    const burst: number[] = [];
    for (let i = 0; i < options.burst; i++) burst.push(await timedCreate());
    await deleteAll();

    return {
      warm_contexts: warmContexts,
      sequential: { ...summarize(sequential), gap_ms: options.gapMs, over_100ms: sequential.filter((ms) => ms > 100).length, latencies_ms: sequential.map(tenth) },
      sustained: { ...summarize(sustained), gap_ms: options.sustainedGapMs, over_100ms: sustained.filter((ms) => ms > 100).length, latencies_ms: sustained.map(tenth) },
      burst: { ...summarize(burst), latencies_ms: burst.map(tenth) },
      delete: summarize(deletes),
      warmup_creates: options.warmup,
    };
  } finally {
    // On failure, still release the browser contexts we hold.
    for (const id of created.splice(0)) await deleteSession(api, id).catch(() => undefined);
  }
}

function tenth(ms: number): number {
  return Math.round(ms * 10) / 10;
}
