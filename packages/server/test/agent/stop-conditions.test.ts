import { describe, expect, it } from 'vitest';
import type { AgentHost } from '../../src/agent/agent-host.ts';
import { runAgentTask } from '../../src/agent/agent-loop.ts';
import { costStop, failuresStop, firstStop, noActionStop, stuckStop, type LoopState } from '../../src/agent/stop-conditions.ts';
import { emptyObservation, FakeBrowserPool } from '../../src/browser/fake/fake-browser-pool.ts';
import type { LanguageModel } from '../../src/llm/port.ts';

// Stop conditions as predicates: each a pure function of the loop's state, asked in order; the
// loop runs them, and a caller's own (a cost cap) stops a task without touching the loop.

const state = (extra: Partial<LoopState> = {}): LoopState => ({ step: 3, maxSteps: 10, turnsWithoutAction: 0, consecutiveFailures: 0, usage: { inputTokens: 0, outputTokens: 0 }, ...extra });
const last = (extra: Partial<NonNullable<LoopState['last']>> = {}): LoopState['last'] => ({ tool: 'click', url: 'http://a.test/', ok: true, message: 'Clicked', repeats: 1, ...extra });

describe('stop conditions', () => {
  it('each says stop only past its own limit', () => {
    expect(noActionStop(3).check(state({ turnsWithoutAction: 2 }))).toBeUndefined();
    expect(noActionStop(3).check(state({ turnsWithoutAction: 3 }))).toBe('The model returned no action 3 times in a row.');
    expect(stuckStop(6).check(state({ last: last({ repeats: 5 }) }))).toBeUndefined();
    expect(stuckStop(6).check(state({ last: last({ repeats: 6 }) }))).toBe('Stuck: click on http://a.test/ was repeated 6 times without progress.');
    expect(failuresStop(5).check(state({ consecutiveFailures: 5, last: last({ ok: false, message: 'No such element' }) }))).toBe('Stopped after 5 failed actions in a row; last: No such element');
    expect(costStop(0.01).check(state({ usage: { inputTokens: 1, outputTokens: 1, costUsd: 0.02 } }))).toContain('over its cap of 0.01 USD');
    expect(costStop(0.01).check(state({ usage: { inputTokens: 1, outputTokens: 1 } }))).toBeUndefined();
  });

  it('the first that says stop wins', () => {
    const s = state({ consecutiveFailures: 9, last: last({ repeats: 9, ok: false }) });
    expect(firstStop([stuckStop(6), failuresStop(5)], s)?.name).toBe('stuck');
    expect(firstStop([failuresStop(5), stuckStop(6)], s)?.name).toBe('failures');
    expect(firstStop([noActionStop(3)], s)).toBeUndefined();
  });

  it('a caller’s condition stops the loop: a cost cap ends a task that keeps paying for model calls', async () => {
    let calls = 0;
    const model: LanguageModel = {
      spec: 'test:paid',
      supportsVision: false,
      async decide() {
        calls++;
        return { actions: [{ tool: 'scroll', args: { direction: 'down' } }], usage: { inputTokens: 1000, outputTokens: 100 } };
      },
    };
    const host: AgentHost = { record: async () => undefined, takeUpdates: () => [], ask: async () => 'no', checkpoint: async () => undefined, approve: async () => ({ approved: false, answer: 'no', executed: async () => undefined }) };
    const browser = await new FakeBrowserPool({ observation: () => emptyObservation({ url: 'http://a.test/', title: 'A' }) }).acquire({ sessionId: 's' });
    // 1000 input tokens at 10 USD per million: 0.01 USD a call, over 0.025 on the third.
    const outcome = await runAgentTask({ task: 'read', browser, model, host, maxSteps: 50, signal: new AbortController().signal, price: { input: 10, output: 0 }, stopConditions: [costStop(0.025)] });
    expect(outcome).toMatchObject({ kind: 'failed', error: expect.stringContaining('over its cap of 0.025 USD') });
    expect(calls).toBe(3);
  });
});
