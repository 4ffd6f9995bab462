import type { TaskFailureCode } from '@steward/protocol';

/** "12 s", "4 min", "3 h", "2 d": how long ago `iso` was, at `now`. */
export function age(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

export function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** A message's content as one line of text (a structured result as compact JSON). */
export function contentText(content: unknown): string {
  return typeof content === 'string' ? content : JSON.stringify(content);
}

/** What a task failure code means, in a sentence a person can act on. */
const FAILURE_EXPLANATIONS: Record<TaskFailureCode, string> = {
  failed: 'The agent gave up: it could not finish the task (no progress, or the step budget ran out).',
  cancelled: 'The task was cancelled, or its session deleted.',
  timeout: "The task ran past its time budget.",
  model_error: 'The model failed after retries (or the script policy threw). Check the model settings and the server log.',
  no_model: 'No model is configured: set STEWARD_MODEL and restart the server, or try the scripted demo.',
  browser_crashed: 'The browser crashed under the task; the session has a fresh one. Send the task again.',
  interrupted: 'The server restarted or shut down during the task.',
  worker_lost: 'The worker running the task was lost; another worker took the session over with its browser state. Send the task again.',
  session_ended: 'The session reached its idle timeout or maximum lifetime.',
  internal_error: 'Something failed inside Steward; the server log has the details.',
  task_refused: 'Intent screening refused the task; nothing was done.',
  screening_failed: 'Screening could not decide and refused the task to be safe.',
};

export function explainFailure(code: string | undefined): string | undefined {
  return code !== undefined && code in FAILURE_EXPLANATIONS ? FAILURE_EXPLANATIONS[code as TaskFailureCode] : undefined;
}

/** "1,234 tokens · $0.0012" from a usage record as the agent reports it. */
export function usageText(usage: unknown): string | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const { inputTokens, outputTokens, costUsd } = usage as { inputTokens?: unknown; outputTokens?: unknown; costUsd?: unknown };
  // A script policy reports no tokens: nothing to show.
  if (typeof inputTokens !== 'number' || typeof outputTokens !== 'number' || inputTokens + outputTokens === 0) return undefined;
  const tokens = `${(inputTokens + outputTokens).toLocaleString('en')} tokens (${inputTokens.toLocaleString('en')} in, ${outputTokens.toLocaleString('en')} out)`;
  return typeof costUsd === 'number' ? `${tokens} · $${costUsd.toFixed(4)}` : tokens;
}
