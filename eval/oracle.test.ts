import { describe, expect, it } from 'vitest';
import { ORACLE_MODEL } from './oracle-model.ts';
import { runEval } from './run-eval.ts';
import { ALL_TASKS } from './tasks.ts';
import { SUITE_NAMES } from './eval-task.ts';

describe('the eval suite', () => {
  it('has at least 40 tasks, at least 6 per suite, with unique ids and texts', () => {
    expect(ALL_TASKS.length).toBeGreaterThanOrEqual(40);
    for (const suite of SUITE_NAMES) expect(ALL_TASKS.filter((t) => t.suite === suite).length, suite).toBeGreaterThanOrEqual(6);
    expect(new Set(ALL_TASKS.map((t) => t.id)).size).toBe(ALL_TASKS.length);
    expect(new Set(ALL_TASKS.map((t) => t.task)).size).toBe(ALL_TASKS.length);
  });

  it('fails every check when the agent did nothing', async () => {
    const { createFixtureState } = await import('../fixtures/fixture-state.ts');
    for (const task of ALL_TASKS) {
      expect(task.check(createFixtureState(), undefined).success, task.id).toBe(false);
    }
  });

  it('is solved 100% by the oracle policy through the public API', async () => {
    const report = await runEval({ tasks: ALL_TASKS, model: ORACLE_MODEL, concurrency: 2, taskTimeoutMs: 60_000 });
    const failures = report.results.filter((r) => !r.success).map((r) => `${r.id}: ${r.detail}\n  ${r.trace.join('\n  ')}`);
    expect(failures).toEqual([]);
    expect(report.passed).toBe(ALL_TASKS.length);
    for (const r of report.results) {
      expect(r.steps, r.id).toBeGreaterThan(0);
      expect(r.observationTokens, r.id).toBeGreaterThan(0);
    }
  }, 600_000);
});
