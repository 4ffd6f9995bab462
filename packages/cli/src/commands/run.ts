import { readFileSync } from 'node:fs';
import { chalkStderr } from 'chalk';
import { AgentExecutionError, type SessionEvent, type TaskResult } from '@steward/client';
import { Asker, NoAnswerError } from '../ask.ts';
import { connected, type Connection } from '../connect.ts';
import { EventFeed } from '../event-feed.ts';
import { eventLine, formatSeconds } from '../format.ts';
import { LiveProgress, PlainProgress, type Progress } from '../progress.ts';
import { EXIT, isLive, type Terminal } from '../terminal.ts';
import { UsageError } from '../usage-error.ts';

export const AGENTS = ['agi-0', 'agi-0-fast'] as const;

export interface RunOptions {
  startUrl?: string;
  model: (typeof AGENTS)[number];
  schema?: string;
  json?: boolean;
}

/** The server bounds a task's time (STEWARD_TASK_TIMEOUT_S); the CLI waits as long as it runs. */
const WAIT_FOREVER_MS = 2 ** 31 - 1;
const POLL_MS = 500;

/**
 * `steward run TASK`: a session for one task, its thoughts and steps shown as they come, its
 * questions asked on the terminal, its result printed; the session is deleted at the end, also
 * after Ctrl-C. Exit 0 on DONE, 1 on ERROR, 130 when interrupted.
 */
export async function runCommand(terminal: Terminal, task: string, options: RunOptions): Promise<number> {
  const outputSchema = options.schema === undefined ? undefined : readSchema(options.schema);
  const { client } = connected(terminal);
  const err = terminal.stderr;

  let sessionId: string | undefined;
  // A second Ctrl-C (while the session is being deleted) leaves at once, saying what it leaves.
  const interrupts = terminal.interrupts(() =>
    err.write(`\nStopped without deleting the session${sessionId === undefined ? '' : `: remove it with \`steward sessions rm ${sessionId}\``}.\n`),
  );
  const asker = new Asker(terminal.stdin, err, chalkStderr, () => interrupts.raise('SIGINT'));
  const session = client.session(options.model);
  const stopFeed = new AbortController();
  let progress: Progress | undefined;
  let feed: EventFeed | undefined;
  try {
    // Not under the interrupt's signal: a create cut off mid-way could leave a session whose id
    // the CLI never learnt. Ctrl-C meanwhile is seen by runTask, which then stops at once.
    sessionId = await session.start();
    progress = isLive(terminal) ? new LiveProgress(err, `${options.model} ${sessionId}`) : new PlainProgress(err);
    if (!isLive(terminal)) progress.line(`session  ${sessionId} (${options.model})`);
    const shown = progress;
    const events = new EventFeed(client, sessionId, (event) => show(event, shown), stopFeed.signal);
    feed = events;
    const result = await session.runTask(task, {
      ...(options.startUrl === undefined ? {} : { startUrl: options.startUrl }),
      ...(outputSchema === undefined ? {} : { outputSchema }),
      timeout: WAIT_FOREVER_MS,
      pollInterval: POLL_MS,
      signal: interrupts.signal,
      onQuestion: async (question) => {
        await events.until(question.id - 1);
        shown.suspend();
        try {
          return await asker.ask(question, interrupts.signal);
        } finally {
          shown.resume();
        }
      },
    });
    await events.until(result.metadata.messageId);
    progress.stop();
    await printResult(terminal, client, result, options.json === true);
    return EXIT.ok;
  } catch (error) {
    // The steps that led to an ERROR are shown before it.
    if (error instanceof AgentExecutionError && error.messageId !== undefined) await feed?.until(error.messageId);
    progress?.stop();
    if (interrupts.signal.aborted) {
      err.write(`\nInterrupted${sessionId === undefined ? '' : `: deleting session ${sessionId}`}.\n`);
      return EXIT.interrupted;
    }
    if (error instanceof AgentExecutionError) {
      printFailure(terminal, error, options.json === true);
      return EXIT.failed;
    }
    if (error instanceof NoAnswerError) {
      err.write(`${chalkStderr.red(error.message)}\n`);
      return EXIT.failed;
    }
    throw error;
  } finally {
    stopFeed.abort();
    asker.close();
    try {
      // Not under the interrupt's signal: deleting is what an interrupt asks for.
      await session.delete({ timeout: 15_000 });
    } catch (error) {
      err.write(`Could not delete session ${sessionId}: ${(error as Error).message}\n`);
    } finally {
      interrupts.dispose();
    }
  }
}

function show(event: SessionEvent, progress: Progress): void {
  // Questions are printed by the prompt; the task's own messages, its end and the answers are known.
  if (event.event === 'question' || event.event === 'user' || event.event === 'done' || event.event === 'error') return;
  if (event.event === 'step') progress.stepped();
  const line = eventLine(chalkStderr, event);
  if (line !== undefined) progress.line(line);
}

async function printResult(terminal: Terminal, client: Connection['client'], result: TaskResult, json: boolean): Promise<void> {
  const { metadata } = result;
  // The DONE content as the agent gave it (runTask wraps a text result as { content }).
  const page = await client.sessions.getMessages(metadata.sessionId, metadata.messageId - 1);
  const done = page.messages.find((m) => m.id === metadata.messageId);
  const content = done?.content ?? result.data;
  if (json) {
    const summary = { status: 'done', result: content, session_id: metadata.sessionId, steps: metadata.steps, actions: metadata.actions ?? null, duration_s: metadata.duration, cost_usd: metadata.cost, usage: metadata.usage ?? null };
    terminal.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  terminal.stdout.write(`${typeof content === 'string' ? content : JSON.stringify(content, null, 2)}\n`);
  const cost = metadata.cost > 0 ? `, $${metadata.cost.toFixed(4)}` : '';
  terminal.stderr.write(`${chalkStderr.green('Done')} in ${metadata.steps} step${metadata.steps === 1 ? '' : 's'}, ${formatSeconds(metadata.duration)}${cost}.\n`);
}

function printFailure(terminal: Terminal, error: AgentExecutionError, json: boolean): void {
  const text = error.message.replace(/^Task failed: /, '');
  if (json) {
    terminal.stdout.write(`${JSON.stringify({ status: 'error', error: { code: error.code ?? null, message: text }, session_id: error.sessionId }, null, 2)}\n`);
  }
  terminal.stderr.write(`${chalkStderr.red('Failed')}${error.code === undefined ? '' : ` (${error.code})`}: ${text}\n`);
}

function readSchema(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--schema ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`--schema ${path} must hold a JSON Schema object.`);
  return parsed as Record<string, unknown>;
}
