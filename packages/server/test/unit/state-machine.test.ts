import { describe, expect, it } from 'vitest';
import type { ExecutionStatus, SessionStatus } from '@steward/protocol';
import { AppError } from '../../src/errors/index.ts';
import { INITIAL_STATE, transition, type SessionState, type SessionTransition } from '../../src/sessions/state-machine.ts';

const s = (status: SessionStatus, executionStatus: ExecutionStatus): SessionState => ({ status, executionStatus });
const code = (state: SessionState, event: SessionTransition): string => {
  try {
    transition(state, event);
    return 'allowed';
  } catch (error) {
    return error instanceof AppError ? error.code : 'invariant';
  }
};

describe('session state machine', () => {
  it('runs a task to the end: ready → running → ready/finished', () => {
    const running = transition(INITIAL_STATE, { type: 'task_started' });
    expect(running).toEqual(s('running', 'running'));
    expect(transition(running, { type: 'task_finished' })).toEqual(s('ready', 'finished'));
    expect(transition(running, { type: 'task_failed' })).toEqual(s('ready', 'error'));
  });

  it('waits for input and resumes on the answer, staying lifecycle running', () => {
    const waiting = transition(s('running', 'running'), { type: 'question_asked' });
    expect(waiting).toEqual(s('running', 'waiting_for_input'));
    expect(transition(waiting, { type: 'answer_received' })).toEqual(s('running', 'running'));
  });

  it('pauses from running or waiting, and resumes to what was interrupted', () => {
    expect(transition(s('running', 'running'), { type: 'paused' })).toEqual(s('paused', 'paused'));
    expect(transition(s('running', 'waiting_for_input'), { type: 'paused' })).toEqual(s('paused', 'paused'));
    expect(transition(s('paused', 'paused'), { type: 'resumed', resumeTo: 'waiting_for_input' })).toEqual(s('running', 'waiting_for_input'));
  });

  it('answers the documented conflict codes', () => {
    expect(code(s('paused', 'paused'), { type: 'paused' })).toBe('already_paused');
    expect(code(INITIAL_STATE, { type: 'paused' })).toBe('not_running');
    expect(code(s('ready', 'finished'), { type: 'paused' })).toBe('not_running');
    expect(code(s('running', 'running'), { type: 'resumed', resumeTo: 'running' })).toBe('not_paused');
    expect(code(INITIAL_STATE, { type: 'task_cancelled' })).toBe('not_running');
    expect(code(s('terminated', 'finished'), { type: 'task_started' })).toBe('session_terminated');
    expect(code(s('running', 'running'), { type: 'task_started' })).toBe('session_busy');
  });

  it('refuses transitions the service must never attempt as invariant violations (500)', () => {
    expect(code(INITIAL_STATE, { type: 'task_finished' })).toBe('invariant');
    expect(code(INITIAL_STATE, { type: 'question_asked' })).toBe('invariant');
    expect(code(s('running', 'running'), { type: 'answer_received' })).toBe('invariant');
    expect(code(INITIAL_STATE, { type: 'task_failed' })).toBe('invariant');
  });

  it('cancels to ready/error from any active execution status', () => {
    for (const e of ['running', 'waiting_for_input', 'paused'] as const) {
      expect(transition(s(e === 'paused' ? 'paused' : 'running', e), { type: 'task_cancelled' })).toEqual(s('ready', 'error'));
    }
  });

  it('terminates and recovers', () => {
    expect(transition(s('running', 'running'), { type: 'terminated' })).toEqual(s('terminated', 'error'));
    expect(transition(s('ready', 'finished'), { type: 'terminated' })).toEqual(s('terminated', 'finished'));
    expect(transition(s('paused', 'paused'), { type: 'recovered' })).toEqual(s('ready', 'error'));
    expect(transition(s('ready', 'finished'), { type: 'recovered' })).toEqual(s('ready', 'finished'));
    expect(transition(s('terminated', 'error'), { type: 'recovered' })).toEqual(s('terminated', 'error'));
  });
});
