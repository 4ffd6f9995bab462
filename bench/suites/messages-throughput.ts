import type { Steward } from '@steward/client';
import { WireClient } from '../wire-client.ts';
import { BenchError } from '../bench-error.ts';
import { startBaselineServer } from '../baseline-server.ts';
import { runLoad, type LoadResult } from '../load-loop.ts';
import { createSession, deleteSession, sendMessage, waitForTaskEnd } from '../session-helpers.ts';

export interface MessagesSuiteOptions {
  /** Thought steps of the seeding task; each leaves a THOUGHT and a step LOG, plus USER and DONE. */
  seedSteps: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Also load a bare node:http server answering the same body, to calibrate the machine. */
  baseline: boolean;
  /** CPU seconds the server process has used so far. */
  serverCpuSeconds: () => Promise<number>;
  signal?: AbortSignal | undefined;
}

export type MessagesSuiteResult = LoadResult & {
  messages_per_response: number;
  response_bytes: number;
  concurrency: number;
  /** The same load against a bare node:http server with the same body: the ceiling of this machine and load generator. */
  baseline_node_http?: LoadResult;
  note: string;
};

/** GET /messages requests per second over keep-alive connections, a fixed window after a warm-up. */
export async function runMessagesSuite(api: Steward, wire: WireClient, options: MessagesSuiteOptions): Promise<MessagesSuiteResult> {
  const { signal } = options;
  const session = await createSession(api, options.seedSteps + 5, signal);
  const path = `/v1/sessions/${session.sessionId}/messages`;
  let body: string;
  let steward: LoadResult;
  try {
    await sendMessage(api, session.sessionId, `emit ${options.seedSteps} 0`, signal);
    await waitForTaskEnd(api, session.sessionId, { timeoutMs: 60_000, signal });
    // The body's exact bytes: every response of the load must have as many.
    const first = await wire.send('GET', path, { signal });
    if (first.status !== 200) throw new BenchError(`GET ${path} answered ${first.status}`);
    body = first.body;
    const load = { path, expectedLength: Buffer.byteLength(body), concurrency: options.concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs, signal };
    process.stderr.write(`messages: ${count(body)} messages (${load.expectedLength} B); ${options.concurrency} in flight, ${options.warmupMs} ms warm-up + ${options.durationMs} ms\n`);
    steward = await runLoad({ ...load, client: wire, targetCpuSeconds: options.serverCpuSeconds });
  } finally {
    await deleteSession(api, session.sessionId).catch(() => undefined);
  }

  const result: MessagesSuiteResult = {
    messages_per_response: count(body),
    response_bytes: Buffer.byteLength(body),
    concurrency: options.concurrency,
    ...steward,
    note: 'the load generator (this process, node:http keep-alive, closed loop) and the server share the same cores; req/s is a lower bound for the server alone',
  };
  if (options.baseline) {
    process.stderr.write('messages: same load against a bare node:http server (calibration)\n');
    const baseline = await startBaselineServer(body, { timeoutMs: 10_000 });
    const client = new WireClient(baseline.baseUrl, wire.apiKey);
    try {
      result.baseline_node_http = await runLoad({ client, path, expectedLength: Buffer.byteLength(body), concurrency: options.concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs, targetCpuSeconds: baseline.cpuSeconds, signal });
    } finally {
      client.close();
      await baseline.stop();
    }
  }
  return result;
}

function count(body: string): number {
  return (JSON.parse(body) as { messages: unknown[] }).messages.length;
}
