// The eval's oracle: a `script:` policy that solves every eval task through the agent's tools,
// proving each task is solvable. It finds its plan by the task text (eval/tasks.ts) and keeps its
// place between steps in its own THOUGHT text (⟦stage + memory⟧), so it holds no state.
import { ALL_TASKS } from '../tasks.ts';
import { OracleMiss, context } from './oracle-kit.mjs';
import { PLANS } from './plans.mjs';

const MARK = /⟦(.*)⟧\s*$/;
const MAX_STAGES_PER_STEP = 20;

export async function decide({ task, observation, history }) {
  const entry = ALL_TASKS.find((t) => t.task === task.trim());
  const plan = entry === undefined ? undefined : PLANS[entry.id];
  if (plan === undefined) return give_up(`The oracle has no plan for this task: ${task.slice(0, 80)}`);

  let { s: stage, m: memo } = lastMark(history);
  const ctx = context(observation, memo, history);
  for (let n = 0; n < MAX_STAGES_PER_STEP; n++) {
    if (stage >= plan.length) return give_up(`The oracle's plan for ${entry.id} ended without a result`);
    let outcome;
    try {
      outcome = plan[stage](ctx);
    } catch (error) {
      if (error instanceof OracleMiss || error instanceof Error) return give_up(`Oracle stage ${stage} of ${entry.id} failed: ${error.message}`);
      throw error;
    }
    if (outcome === null || outcome === undefined) {
      stage++;
      continue;
    }
    if ('skip' in outcome) {
      stage += 1 + outcome.skip;
      continue;
    }
    if ('done' in outcome) {
      return { thought: 'Done.', actions: [{ tool: 'done', args: { result: outcome.done, ...(outcome.success === false ? { success: false } : {}) } }] };
    }
    const next = outcome.next ?? (outcome.stay ? stage : stage + 1);
    return { thought: `${outcome.label} ⟦${JSON.stringify({ s: next, m: memo })}⟧`, actions: outcome.actions };
  }
  return give_up('The oracle skipped too many stages in one step');
}

function lastMark(history) {
  for (let i = history.length - 1; i >= 0; i--) {
    const found = MARK.exec(history[i].thought ?? '');
    if (found) return JSON.parse(found[1]);
  }
  return { s: 0, m: {} };
}

function give_up(reason) {
  return { thought: reason, actions: [{ tool: 'done', args: { result: reason, success: false } }] };
}
