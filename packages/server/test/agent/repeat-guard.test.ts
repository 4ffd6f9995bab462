import { describe, expect, it } from 'vitest';
import type { AgentHost } from '../../src/agent/agent-host.ts';
import { runAgentTask } from '../../src/agent/agent-loop.ts';
import type { Observation } from '../../src/browser/port.ts';
import { emptyObservation, FakeBrowserPool } from '../../src/browser/fake/fake-browser-pool.ts';
import type { Decision, LanguageModel, ToolCall } from '../../src/llm/port.ts';

// The repeat guard judges progress, not sameness: the same action on a page that has not changed
// is a loop (warned from the third time, stopped at the profile's limit); the same action that
// changes the page each time is honest work. Actions a step could not run are named to the model.

interface Recorded {
  type: string;
  content: unknown;
  metadata?: Record<string, unknown> | undefined;
}

function host(recorded: Recorded[]): AgentHost {
  return {
    record: async (m) => void recorded.push(m as Recorded),
    takeUpdates: () => [],
    ask: async () => 'no',
    checkpoint: async () => undefined,
    approve: async () => ({ approved: false, answer: 'no', executed: async () => undefined }),
  };
}

/** A model that answers each step with the next decision of the script (the last one repeats). */
function scripted(decide: (step: number) => Decision): LanguageModel {
  return { spec: 'test:scripted', supportsVision: false, decide: async (request) => decide(request.context.step) };
}

/** A calendar that shows one month; "Previous month" (element 1) goes back one. */
function calendar(): { pool: FakeBrowserPool; monthsBack: () => number } {
  let back = 0;
  const months = ['December', 'November', 'October', 'September', 'August', 'July', 'June', 'May', 'April', 'March', 'February', 'January'];
  const observe = (): Observation => ({
    ...emptyObservation({ url: 'http://calendar.test/', title: 'Pick a date' }),
    elements: [{ index: 1, role: 'button', name: 'Previous month', tag: 'button', isNew: false }],
    text: `${months[back % 12]} 2026`,
  });
  const pool = new FakeBrowserPool({
    observation: observe,
    onAction: (action) => {
      if (action.kind === 'click') back++;
      return { ok: true, message: 'Clicked Previous month', pageChanged: false };
    },
  });
  return { pool, monthsBack: () => back };
}

const click: ToolCall = { tool: 'click', args: { index: 1 } };
const steps = (recorded: Recorded[]): Recorded[] => recorded.filter((m) => m.type === 'LOG' && m.metadata?.['kind'] === 'step');
const messageOf = (m: Recorded): string => JSON.stringify(m.content);

describe('the repeat guard', () => {
  it('lets the same click go on while it changes the page: a calendar paged back eleven months', async () => {
    const { pool, monthsBack } = calendar();
    const recorded: Recorded[] = [];
    const model = scripted((step) => (step <= 11 ? { thought: 'Back one month.', actions: [click] } : { actions: [{ tool: 'done', args: { result: 'January 2026' } }] }));
    const browser = await pool.acquire({ sessionId: 's' });
    const outcome = await runAgentTask({ task: 'pick a day in January', browser, model, host: host(recorded), maxSteps: 20, signal: new AbortController().signal });
    expect(outcome).toMatchObject({ kind: 'done', content: 'January 2026' });
    expect(monthsBack()).toBe(11);
    expect(recorded.some((m) => messageOf(m).includes('it is not working'))).toBe(false);
  });

  it('warns from the third identical action on an unchanged page and stops at the limit', async () => {
    const recorded: Recorded[] = [];
    const pool = new FakeBrowserPool({ observation: () => ({ ...emptyObservation({ url: 'http://stuck.test/', title: 'Stuck' }), elements: [{ index: 1, role: 'button', name: 'Go', tag: 'button', isNew: false }] }) });
    const browser = await pool.acquire({ sessionId: 's' });
    const outcome = await runAgentTask({ task: 'go', browser, model: scripted(() => ({ actions: [click] })), host: host(recorded), maxSteps: 20, signal: new AbortController().signal });
    expect(outcome).toMatchObject({ kind: 'failed', error: expect.stringMatching(/^Stuck: click on http:\/\/stuck\.test\/ was repeated 6 times/) });
    const warned = steps(recorded).map((m) => messageOf(m).includes('the page looked the same each time'));
    expect(warned).toEqual([false, false, true, true, true, false]);
  });

  it('counts the same action repeated within one step once: six ArrowRight presses on a slider are one batch', async () => {
    const recorded: Recorded[] = [];
    const pool = new FakeBrowserPool({ observation: () => ({ ...emptyObservation({ url: 'http://slider.test/', title: 'Slider' }), text: 'Volume' }) });
    const browser = await pool.acquire({ sessionId: 's' });
    const right: ToolCall = { tool: 'press', args: { key: 'ArrowRight' } };
    const model = scripted((step) => (step === 1 ? { actions: Array.from({ length: 6 }, () => right) } : { actions: [{ tool: 'done', args: { result: 'volume 60' } }] }));
    const outcome = await runAgentTask({ task: 'set the volume', browser, model, host: host(recorded), maxSteps: 5, signal: new AbortController().signal });
    expect(outcome).toMatchObject({ kind: 'done', content: 'volume 60' });
    expect(steps(recorded)).toHaveLength(6);
    expect(recorded.some((m) => messageOf(m).includes('it is not working'))).toBe(false);
  });

  it('counts a toggle back to an earlier page as a repeat of that page', async () => {
    let open = false;
    const pool = new FakeBrowserPool({
      observation: () => ({ ...emptyObservation({ url: 'http://menu.test/', title: 'Menu' }), text: open ? 'Menu open' : 'Menu closed' }),
      onAction: () => ((open = !open), { ok: true, message: 'Clicked Menu', pageChanged: false }),
    });
    const browser = await pool.acquire({ sessionId: 's' });
    const outcome = await runAgentTask({ task: 'open the menu', browser, model: scripted(() => ({ actions: [click] })), host: host([]), maxSteps: 30, signal: new AbortController().signal });
    // Six times on each of the two states: stopped on the twelfth click, not run to the step budget.
    expect(outcome).toMatchObject({ kind: 'failed', error: expect.stringContaining('was repeated 6 times'), metadata: { steps: 11 } });
  });
});

describe('actions a step did not run', () => {
  it('are named when the per-step cap drops them', async () => {
    const recorded: Recorded[] = [];
    const pool = new FakeBrowserPool({ observation: () => emptyObservation({ url: 'http://form.test/', title: 'Form' }) });
    const browser = await pool.acquire({ sessionId: 's' });
    const eight: ToolCall[] = [...Array.from({ length: 6 }, (_, i) => ({ tool: 'scroll', args: { direction: 'down', amount: 1 + i } })), { tool: 'hover', args: { index: 1 } }, { tool: 'press', args: { key: 'Enter' } }];
    const model = scripted((step) => (step === 1 ? { actions: eight } : { actions: [{ tool: 'done', args: { result: 'ok' } }] }));
    await runAgentTask({ task: 'fill', browser, model, host: host(recorded), maxSteps: 5, signal: new AbortController().signal });
    const first = steps(recorded).filter((m) => m.metadata?.['step'] === 1);
    expect(first).toHaveLength(6);
    expect(messageOf(first[4]!)).not.toContain('not run');
    expect(messageOf(first[5]!)).toContain('At most 6 actions run per step, so the last 2 actions of this step (hover, press) were not run. Send them in the next step.');
  });

  it('are named when the page changed under them', async () => {
    const recorded: Recorded[] = [];
    const pool = new FakeBrowserPool({ observation: () => emptyObservation({ url: 'http://shop.test/', title: 'Shop' }) });
    const browser = await pool.acquire({ sessionId: 's' });
    pool.queueActionResults({ ok: true, message: 'Clicked Next', pageChanged: true });
    const model = scripted((step) => (step === 1 ? { actions: [click, { tool: 'type', args: { index: 2, text: 'blue mug' } }] } : { actions: [{ tool: 'done', args: { result: 'ok' } }] }));
    await runAgentTask({ task: 'search', browser, model, host: host(recorded), maxSteps: 5, signal: new AbortController().signal });
    const first = steps(recorded).filter((m) => m.metadata?.['step'] === 1);
    expect(first).toHaveLength(1);
    expect(messageOf(first[0]!)).toContain("The page changed, so this step's remaining action (type) was not run: aimed at the old page.");
  });
});
