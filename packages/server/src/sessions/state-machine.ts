import type { ExecutionStatus, SessionStatus } from '@steward/protocol';
import { AppError } from '../errors/index.ts';

/** The two status fields of a session (spec §2.2–2.3, §8.5, §9.6–9.7). */
export interface SessionState {
  status: SessionStatus;
  executionStatus: ExecutionStatus;
}

/**
 * Everything that moves a session between states. Every transition in the service goes through
 * `transition`, so the rules live here and nowhere else.
 */
export type SessionTransition =
  | { type: 'task_started' }
  | { type: 'question_asked' }
  | { type: 'answer_received' }
  | { type: 'task_finished' }
  | { type: 'task_failed' }
  | { type: 'task_cancelled' }
  | { type: 'paused' }
  /** `resumeTo` is the execution status the pause interrupted (kept by the runtime). */
  | { type: 'resumed'; resumeTo: ExecutionStatus }
  /** The server ended the session (idle timeout, maximum lifetime). */
  | { type: 'terminated' }
  /** The session's browser cannot be (re)created. */
  | { type: 'browser_failed' }
  /** After a restart: whatever ran is gone; the session is usable again. */
  | { type: 'recovered' };

/** Execution statuses in which a task is alive (it may be paused or waiting for an answer). */
export const ACTIVE_EXECUTION: ReadonlySet<ExecutionStatus> = new Set(['running', 'waiting_for_input', 'paused']);

export function hasActiveTask(state: SessionState): boolean {
  return ACTIVE_EXECUTION.has(state.executionStatus);
}

/** Initial state of a new session. */
export const INITIAL_STATE: SessionState = { status: 'ready', executionStatus: 'ready' };

/**
 * The next state, or an `AppError` with the client-facing code when the transition is not
 * allowed from `state`.
 */
export function transition(state: SessionState, event: SessionTransition): SessionState {
  const { status, executionStatus } = state;
  const refuseIfEnded = (): void => {
    if (status === 'terminated') throw new AppError('session_terminated');
    if (status === 'error') throw new AppError('browser_unavailable', { detail: 'The session browser failed; create a new session.' });
  };

  switch (event.type) {
    case 'task_started':
      refuseIfEnded();
      if (hasActiveTask(state)) throw new AppError('session_busy', { detail: 'A task is already running in this session.' });
      return { status: 'running', executionStatus: 'running' };
    case 'question_asked':
      requireExecution(state, ['running'], event.type);
      return { status: 'running', executionStatus: 'waiting_for_input' };
    case 'answer_received':
      requireExecution(state, ['waiting_for_input'], event.type);
      return { status: 'running', executionStatus: 'running' };
    case 'task_finished':
      // A pause that lands while the last action completes must not lose the result.
      requireExecution(state, ['running', 'paused'], event.type);
      return { status: 'ready', executionStatus: 'finished' };
    case 'task_failed':
      if (!hasActiveTask(state)) throw invariant(state, event.type);
      return { status: status === 'terminated' ? 'terminated' : 'ready', executionStatus: 'error' };
    case 'task_cancelled':
      if (!hasActiveTask(state)) throw new AppError('not_running');
      return { status: 'ready', executionStatus: 'error' };
    case 'paused':
      if (executionStatus === 'paused') throw new AppError('already_paused');
      if (!hasActiveTask(state)) throw new AppError('not_running');
      return { status: 'paused', executionStatus: 'paused' };
    case 'resumed':
      if (executionStatus !== 'paused') throw new AppError('not_paused');
      if (event.resumeTo !== 'running' && event.resumeTo !== 'waiting_for_input') throw invariant(state, event.type);
      return { status: 'running', executionStatus: event.resumeTo };
    case 'terminated':
      return { status: 'terminated', executionStatus: hasActiveTask(state) ? 'error' : executionStatus };
    case 'browser_failed':
      return { status: 'error', executionStatus: hasActiveTask(state) ? 'error' : executionStatus };
    case 'recovered':
      if (status === 'terminated' || status === 'error') return state;
      return { status: 'ready', executionStatus: hasActiveTask(state) ? 'error' : executionStatus };
  }
}

function requireExecution(state: SessionState, allowed: ExecutionStatus[], event: string): void {
  if (!allowed.includes(state.executionStatus)) throw invariant(state, event);
}

/** A transition the service itself should never attempt: a bug, reported as a 500. */
function invariant(state: SessionState, event: string): Error {
  return new Error(`Illegal session transition '${event}' from ${state.status}/${state.executionStatus}`);
}
