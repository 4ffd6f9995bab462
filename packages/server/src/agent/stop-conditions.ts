/**
 * When a task stops without the agent saying `done`: predicates over what the loop has seen so
 * far, each a pure function, so that the loop asks them all at the same two moments (after a turn
 * with no action, after each action) and a caller can add its own (a cost cap, a deadline in
 * steps) without touching the loop.
 */
export interface LoopState {
  step: number;
  maxSteps: number;
  /** Turns in a row in which the model chose no action. */
  turnsWithoutAction: number;
  /** Actions in a row that failed. */
  consecutiveFailures: number;
  /** The action just run, with its page and result; undefined after a turn without one. */
  last?: { tool: string; url: string; ok: boolean; message: string; repeats: number } | undefined;
  usage: { inputTokens: number; outputTokens: number; costUsd?: number | undefined };
}

export interface StopCondition {
  readonly name: string;
  /** The task's error when it must stop now; undefined to go on. */
  check(state: LoopState): string | undefined;
}

export function noActionStop(limit: number): StopCondition {
  return {
    name: 'no_action',
    check: (s) => (s.last === undefined && s.turnsWithoutAction >= limit ? `The model returned no action ${limit} times in a row.` : undefined),
  };
}

export function stuckStop(repeatLimit: number): StopCondition {
  return {
    name: 'stuck',
    check: (s) => (s.last !== undefined && s.last.repeats >= repeatLimit ? `Stuck: ${s.last.tool} on ${s.last.url} was repeated ${s.last.repeats} times without progress.` : undefined),
  };
}

export function failuresStop(limit: number): StopCondition {
  return {
    name: 'failures',
    check: (s) => (s.last !== undefined && s.consecutiveFailures >= limit ? `Stopped after ${limit} failed actions in a row; last: ${s.last.message}` : undefined),
  };
}

/** A spending cap in USD (needs the model's prices): the task stops once its model calls cost more. */
export function costStop(maxUsd: number): StopCondition {
  return {
    name: 'cost',
    check: (s) => (s.usage.costUsd !== undefined && s.usage.costUsd > maxUsd ? `Stopped: the task's model calls cost ${s.usage.costUsd.toFixed(4)} USD, over its cap of ${maxUsd} USD.` : undefined),
  };
}

/** The first condition that says stop, in order. */
export function firstStop(conditions: readonly StopCondition[], state: LoopState): { name: string; error: string } | undefined {
  for (const condition of conditions) {
    const error = condition.check(state);
    if (error !== undefined) return { name: condition.name, error };
  }
  return undefined;
}
