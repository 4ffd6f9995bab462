import type { MessageResponse } from '@steward/protocol';
import { anySignal, sleep } from '../core/abort.ts';
import { AgentExecutionError, APIUserAbortError, TaskTimeoutError } from '../core/errors.ts';
import type { Sessions } from '../resources/sessions.ts';

export interface RunTaskOptions {
  startUrl?: string;
  /** Milliseconds to wait for the task's end (default 10 minutes); then `TaskTimeoutError`, the task left running. */
  timeout?: number;
  /** Milliseconds between polls of `/messages` (default 3,000). */
  pollInterval?: number;
  /** A JSON Schema the result must match (Steward's structured results); `data` is then that object. */
  outputSchema?: Record<string, unknown>;
  /** Sent as the message's `config_updates` (with `output_schema` from `outputSchema`). */
  configUpdates?: Record<string, unknown>;
  /**
   * Answers the agent's questions (approvals included) so the task goes on. Without it, a question
   * ends `runTask` like in the public SDK: `data` is the question, `metadata.success` false.
   */
  onQuestion?: (question: MessageResponse) => string | Promise<string>;
  signal?: AbortSignal;
}

export interface TaskUsage {
  inputTokens: number;
  outputTokens: number;
  /** Only when the server knows the model's price (`STEWARD_MODEL_PRICE`). */
  costUsd?: number;
}

export interface TaskMetadata {
  /** Id of the message that started the task. */
  taskId: number;
  sessionId: string;
  /** Seconds from sending the task to seeing its end. */
  duration: number;
  /** USD, from `usage.costUsd`; 0 when the server does not know it. */
  cost: number;
  timestamp: Date;
  /** Agent steps (DONE `metadata.steps`). */
  steps: number;
  /** Actions the agent took (DONE `metadata.actions`), when the server counted them. */
  actions: number | undefined;
  usage: TaskUsage | undefined;
  success: boolean;
  /** The message the result comes from (DONE, or the QUESTION left unanswered). */
  messageId: number;
}

// `any` as the public SDK has it, so code written for it keeps reading `data.content` unchanged.
export interface TaskResult<T = Record<string, any>> {
  data: T;
  metadata: TaskMetadata;
}

/** Where the session's message history was read up to; runTask moves it. */
export interface MessageCursor {
  afterId: number;
}

const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_POLL_MS = 3_000;

/**
 * Sends `task` and polls `/messages` after the cursor until this task's DONE (the result), ERROR
 * (thrown) or unanswered QUESTION. Messages from earlier tasks are behind the cursor, so a session
 * that ran tasks before still gives this one's result (the public SDK takes the first DONE ever).
 */
export async function runTask<T>(sessions: Sessions, sessionId: string, cursor: MessageCursor, task: string, options: RunTaskOptions = {}): Promise<TaskResult<T>> {
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeout);
  const signal = options.signal === undefined ? deadline : anySignal([options.signal, deadline]);
  const request = { signal };
  try {
    await catchUp(sessions, sessionId, cursor, request);
    const started = Date.now();
    const configUpdates = { ...options.configUpdates, ...(options.outputSchema === undefined ? {} : { output_schema: options.outputSchema }) };
    await sessions.sendMessage(sessionId, task, { ...(options.startUrl === undefined ? {} : { startUrl: options.startUrl }), ...(Object.keys(configUpdates).length === 0 ? {} : { configUpdates }) }, request);
    const seen: MessageResponse[] = [];
    let answered = 0;
    for (;;) {
      const page = await sessions.getMessages(sessionId, cursor.afterId, true, request);
      for (const message of page.messages) {
        cursor.afterId = Math.max(cursor.afterId, message.id);
        seen.push(message);
        if (message.type === 'DONE') return result<T>(sessionId, seen, message, started, true);
        if (message.type === 'ERROR') throw taskError(sessionId, message);
      }
      const question = seen.findLast((m) => m.type === 'QUESTION' && m.id > answered);
      if (page.status === 'waiting_for_input' && question !== undefined) {
        if (options.onQuestion === undefined) return result<T>(sessionId, seen, question, started, false);
        const answer = await options.onQuestion(question);
        answered = question.id;
        await sessions.sendMessage(sessionId, answer, {}, request);
      }
      await sleep(options.pollInterval ?? DEFAULT_POLL_MS, signal);
    }
  } catch (error) {
    if (error instanceof APIUserAbortError && deadline.aborted && options.signal?.aborted !== true) {
      throw new TaskTimeoutError(`The task did not end within ${timeout} ms; it may still be running.`, { sessionId });
    }
    throw error;
  }
}

/** Moves the cursor past every message already stored, so only this task's are read. */
async function catchUp(sessions: Sessions, sessionId: string, cursor: MessageCursor, request: { signal: AbortSignal }): Promise<void> {
  const { messages } = await sessions.getMessages(sessionId, cursor.afterId, true, request);
  for (const message of messages) cursor.afterId = Math.max(cursor.afterId, message.id);
}

function result<T>(sessionId: string, seen: MessageResponse[], end: MessageResponse, started: number, success: boolean): TaskResult<T> {
  const metadata = end.metadata;
  const usage = isUsage(metadata['usage']) ? metadata['usage'] : undefined;
  const steps = typeof metadata['steps'] === 'number' ? metadata['steps'] : seen.filter((m) => m.type === 'THOUGHT' || m.type === 'QUESTION' || m.type === 'DONE').length;
  const content = end.content;
  const data = (typeof content === 'object' && content !== null ? content : { content }) as T;
  return {
    data,
    metadata: {
      taskId: seen.find((m) => m.type === 'USER')?.id ?? end.id,
      sessionId,
      duration: (Date.now() - started) / 1000,
      cost: usage?.costUsd ?? 0,
      timestamp: new Date(),
      steps,
      actions: typeof metadata['actions'] === 'number' ? metadata['actions'] : undefined,
      usage,
      success,
      messageId: end.id,
    },
  };
}

function taskError(sessionId: string, message: MessageResponse): AgentExecutionError {
  const text = typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
  const code = typeof message.metadata['code'] === 'string' ? message.metadata['code'] : undefined;
  return new AgentExecutionError(`Task failed: ${text}`, { sessionId, code, messageId: message.id, metadata: message.metadata });
}

function isUsage(value: unknown): value is TaskUsage {
  return typeof value === 'object' && value !== null && typeof (value as TaskUsage).inputTokens === 'number' && typeof (value as TaskUsage).outputTokens === 'number';
}
