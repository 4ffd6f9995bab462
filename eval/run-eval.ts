import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { Steward, type Message } from '@steward/client';
import type { DoneContent, EvalTask } from './eval-task.ts';
import { startSteward, type StewardProcess } from './steward-process.ts';

export interface EvalOptions {
  tasks: readonly EvalTask[];
  /** STEWARD_MODEL for a server of our own, e.g. "openai:gpt-4.1-mini" or "script:/abs/oracle.mjs". */
  model?: string | undefined;
  /** Use a running server instead of starting one (it must allow egress to 127.0.0.1). */
  server?: { url: string; key: string } | undefined;
  concurrency?: number | undefined;
  maxSteps?: number | undefined;
  taskTimeoutMs?: number | undefined;
  /** Called once per finished task, in completion order. */
  onResult?: ((result: TaskResult) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface TaskResult {
  id: string;
  suite: string;
  success: boolean;
  detail: string;
  /** Final execution status: finished, error, waiting_for_input, or timeout. */
  status: string;
  steps: number;
  /** Model tokens (input + output) the server reported for the task. */
  tokens: number;
  /** Estimated observation tokens: characters of every prompt the model was sent, divided by 4. */
  observationTokens: number;
  seconds: number;
  done?: DoneContent | undefined;
  /** The task's step LOG lines ("click: Clicked button 'Add to cart'"), for reading failures. */
  trace: string[];
}

export interface EvalReport {
  model: string;
  passed: number;
  failed: number;
  seconds: number;
  results: TaskResult[];
}

const POLL_MS = 200;
/** Each API call's own bound; the task's is taskTimeoutMs. */
const REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_CONCURRENCY = 2;
const DEFAULT_MAX_STEPS = 50;
const DEFAULT_TASK_TIMEOUT_MS = 300_000;

/**
 * Runs tasks through the public API: one session per task, the fixture sites on loopback, a
 * check on the fixture state and the DONE result. Each worker owns a fixture server, reset before
 * every task, so checks see only what their own task did.
 */
export async function runEval(options: EvalOptions): Promise<EvalReport> {
  const started = performance.now();
  let steward: StewardProcess | undefined;
  const fixtures: FixtureServer[] = [];
  try {
    let target = options.server;
    if (target === undefined) {
      if (options.model === undefined) throw new Error('runEval needs a model or a server');
      steward = await startSteward({ model: options.model, signal: options.signal });
      target = { url: steward.baseUrl, key: steward.apiKey };
    }
    const api = new Steward({ apiKey: target.key, baseUrl: target.url, timeout: REQUEST_TIMEOUT_MS });
    const queue = [...options.tasks];
    const results: TaskResult[] = [];
    const workers = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, queue.length));
    for (let i = 0; i < workers; i++) fixtures.push(await startFixtureServer());
    await Promise.all(
      fixtures.map(async (site) => {
        for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
          options.signal?.throwIfAborted();
          site.reset();
          const result = await runTask(api, site, task, options);
          results.push(result);
          options.onResult?.(result);
        }
      }),
    );
    const order = new Map(options.tasks.map((t, i) => [t.id, i]));
    results.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    const passed = results.filter((r) => r.success).length;
    return {
      model: options.model ?? `server ${target.url}`,
      passed,
      failed: results.length - passed,
      seconds: round((performance.now() - started) / 1000),
      results,
    };
  } finally {
    await Promise.all(fixtures.map((f) => f.close()));
    await steward?.stop();
  }
}

async function runTask(api: Steward, site: FixtureServer, task: EvalTask, options: EvalOptions): Promise<TaskResult> {
  const started = performance.now();
  const base = { id: task.id, suite: task.suite };
  let sessionId: string | undefined;
  try {
    const request = options.signal === undefined ? {} : { signal: options.signal };
    sessionId = (await api.sessions.create('agi-0', { maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS }, request)).sessionId;
    await api.sessions.sendMessage(sessionId, task.task, { startUrl: `${site.url}${task.startPath}` }, request);
    const status = await waitForEnd(api, sessionId, task, options.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS, options.signal);
    const { messages } = await api.sessions.getMessages(sessionId, 0, false, request);
    const final = [...messages].reverse().find((m) => m.type === 'DONE' || m.type === 'ERROR');
    const done = final?.type === 'DONE' ? (final.content as DoneContent) : undefined;
    const figures = taskFigures(messages, final);
    let check: { success: boolean; detail: string };
    if (status === 'waiting_for_input') check = { success: false, detail: 'the agent asked a question the task does not answer' };
    else if (status === 'timeout') check = { success: false, detail: 'timed out' };
    else {
      check = task.check(site.state, done);
      if (done === undefined && check.success) check = { success: false, detail: `no DONE (${final?.type ?? 'nothing'}): ${String(final?.content ?? '').slice(0, 200)}` };
      else if (done === undefined) check = { success: false, detail: `${check.detail}; ${final?.type ?? 'no result'}: ${String(final?.content ?? '').slice(0, 200)}` };
    }
    const trace = messages
      .filter((m) => m.type === 'LOG' && m.metadata?.['kind'] === 'step')
      .map((m) => `${String((m.metadata?.['action'] as { tool?: string } | undefined)?.tool)}: ${String(m.content)}`);
    return { ...base, ...check, status, ...figures, seconds: round((performance.now() - started) / 1000), done, trace };
  } catch (error) {
    options.signal?.throwIfAborted();
    return { ...base, success: false, detail: `runner error: ${error instanceof Error ? error.message : String(error)}`, status: 'error', steps: 0, tokens: 0, observationTokens: 0, seconds: round((performance.now() - started) / 1000), trace: [] };
  } finally {
    if (sessionId !== undefined) await api.sessions.delete(sessionId).catch(() => undefined);
  }
}

async function waitForEnd(api: Steward, id: string, task: EvalTask, timeoutMs: number, signal: AbortSignal | undefined): Promise<string> {
  const request = signal === undefined ? {} : { signal };
  const deadline = Date.now() + timeoutMs;
  let answered = false;
  const approved = new Set<unknown>();
  for (;;) {
    const { status } = await api.sessions.getStatus(id, request);
    if (status === 'finished' || status === 'error') return status;
    if (status === 'waiting_for_input') {
      // The task is the user's own instruction: a purchase or message it asks for is approved when
      // the action gate asks (an approval QUESTION), once per question.
      const question = (await api.sessions.getMessages(id, 0, true, request)).messages.filter((m) => m.type === 'QUESTION').at(-1);
      if (question?.metadata?.['kind'] === 'approval') {
        if (!approved.has(question.id)) {
          approved.add(question.id);
          await api.sessions.sendMessage(id, 'approve', {}, request);
        }
      } else {
        if (task.answer === undefined || answered) return status;
        answered = true;
        await api.sessions.sendMessage(id, task.answer, {}, request);
      }
    }
    if (Date.now() > deadline) return 'timeout';
    await delay(POLL_MS, signal);
  }
}

function taskFigures(messages: Message[], final: Message | undefined): { steps: number; tokens: number; observationTokens: number } {
  const prompts = messages.filter((m) => m.type === 'LOG' && m.metadata?.['kind'] === 'prompt');
  const promptChars = prompts.reduce((sum, m) => sum + (typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content).length), 0);
  const usage = (final?.metadata?.['usage'] ?? {}) as { inputTokens?: number; outputTokens?: number };
  const steps = typeof final?.metadata?.['steps'] === 'number' ? final.metadata['steps'] : prompts.length;
  return { steps, tokens: (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0), observationTokens: Math.round(promptChars / 4) };
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolveDelay, rejectDelay) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      rejectDelay(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolveDelay();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
