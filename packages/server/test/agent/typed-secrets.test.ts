import { describe, expect, it } from 'vitest';
import type { AgentHost } from '../../src/agent/agent-host.ts';
import { runAgentTask } from '../../src/agent/agent-loop.ts';
import { recordingAgentHost } from '../support/recording-agent-host.ts';
import { emptyObservation, FakeBrowserPool } from '../../src/browser/fake/fake-browser-pool.ts';
import type { Observation, ObservedElement } from '../../src/browser/port.ts';
import type { DecideRequest, Decision, LanguageModel } from '../../src/llm/port.ts';
import { ModelError } from '../../src/llm/port.ts';
import { SecretRedactor } from '../../src/safety/index.ts';

const SECRET = 'open-sesame-31337';
const MASK = '••••••';

function element(index: number, name: string, extra: Partial<ObservedElement> = {}): ObservedElement {
  return { index, role: 'textbox', name, tag: 'input', isNew: false, ...extra };
}

function page(elements: ObservedElement[]): Observation {
  return { ...emptyObservation({ url: 'http://shop.test/login', title: 'Sign in' }), elements };
}

/** A model that plays `turns` in order and keeps every request it got. */
function scripted(turns: Array<(request: DecideRequest) => Decision>): LanguageModel & { requests: DecideRequest[] } {
  const requests: DecideRequest[] = [];
  return {
    spec: 'test:scripted',
    supportsVision: false,
    requests,
    async decide(request) {
      // The context's screenshot is a function, which does not clone (nor matter here).
      const { screenshot: _screenshot, ...context } = request.context;
      requests.push(structuredClone({ ...request, context }));
      const turn = turns[requests.length - 1];
      if (turn === undefined) throw new Error('no more turns');
      return turn(request);
    },
  };
}

async function run(observations: Observation[], model: LanguageModel, host: AgentHost) {
  let next = 0;
  const pool = new FakeBrowserPool({ observation: () => observations[Math.min(next++, observations.length - 1)]! });
  const browser = await pool.acquire({ sessionId: 's1' });
  return runAgentTask({ task: 'Sign in as ada', browser, model, host, maxSteps: 5, signal: new AbortController().signal });
}

describe('text typed into a sensitive field', () => {
  it('is masked in the step, the model output, the thought, later prompts, the history, a question and the result', async () => {
    const login = page([element(1, 'User name'), element(2, 'Password', { sensitive: true })]);
    const model = scripted([
      () => ({
        thought: `I will sign in with ${SECRET}.`,
        actions: [
          { tool: 'type', args: { index: 1, text: 'ada' } },
          { tool: 'type', args: { index: 2, text: SECRET } },
        ],
      }),
      () => ({ actions: [{ tool: 'ask_user', args: { question: `Is ${SECRET} right?` } }] }),
      () => ({ actions: [{ tool: 'done', args: { result: `Signed in with ${SECRET}` } }] }),
    ]);
    const host = recordingAgentHost({ answer: 'go on' });
    const outcome = await run([login], model, host);

    expect(outcome).toMatchObject({ kind: 'done', content: `Signed in with ${MASK}` });
    expect(JSON.stringify(host.records)).not.toContain(SECRET);
    expect(host.questions).toEqual([`Is ${MASK} right?`]);
    const steps = host.records.filter((r) => r.metadata['kind'] === 'step').map((r) => r.metadata['action']);
    expect(steps).toEqual([
      { tool: 'type', args: { index: 1, text: 'ada' } },
      { tool: 'type', args: { index: 2, text: MASK } },
    ]);
    const output = host.records.find((r) => r.metadata['kind'] === 'model_output');
    expect(output?.content).toMatchObject({ thought: `I will sign in with ${MASK}.`, actions: [{ args: { text: 'ada' } }, { args: { text: MASK } }] });
    expect(host.records.find((r) => r.type === 'THOUGHT')?.content).toBe(`I will sign in with ${MASK}.`);
    // What the model is shown again (history, the plan) carries the mask too.
    const later = model.requests[1]!;
    expect(JSON.stringify(later.context.history)).not.toContain(SECRET);
    expect(JSON.stringify(later.prompt)).not.toContain(SECRET);
    expect(later.context.history.at(-1)?.action).toEqual({ tool: 'type', args: { index: 2, text: MASK } });
  });

  it('stays masked when the field is later shown as plain text, and plain fields are not masked', async () => {
    const hidden = page([element(4, 'Password', { sensitive: true }), element(5, 'Search')]);
    const shown = page([element(4, 'Password'), element(5, 'Search')]);
    const model = scripted([
      () => ({ actions: [{ tool: 'scroll', args: { direction: 'down' } }] }),
      () => ({
        actions: [
          { tool: 'type', args: { index: 4, text: SECRET } },
          { tool: 'type', args: { index: 5, text: 'blue shoes' } },
        ],
      }),
      () => ({ actions: [{ tool: 'done', args: { result: 'ok' } }] }),
    ]);
    const host = recordingAgentHost({ answer: 'go on' });
    await run([hidden, shown], model, host);
    const typed = host.records.filter((r) => r.metadata['kind'] === 'step').map((r) => (r.metadata['action'] as { args: { text?: string } }).args.text);
    expect(typed).toEqual([undefined, MASK, 'blue shoes']);
  });

  it('leaves the error that ends a task without the secret', async () => {
    const model = scripted([
      () => ({ actions: [{ tool: 'type', args: { index: 2, text: SECRET } }] }),
      () => {
        throw new ModelError(`provider refused arguments ${JSON.stringify({ text: SECRET })}`);
      },
    ]);
    const error = await run([page([element(2, 'PIN', { sensitive: true })])], model, recordingAgentHost({ answer: 'go on' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toContain(MASK);
    expect(`${(error as Error).message}${(error as Error).stack}`).not.toContain(SECRET);
  });

  it('masks a very short secret where it was typed, without masking that text everywhere', async () => {
    const model = scripted([
      () => ({ thought: 'Typing 42 now', actions: [{ tool: 'type', args: { index: 2, text: '42' } }] }),
      () => ({ actions: [{ tool: 'done', args: { result: 'ok' } }] }),
    ]);
    const host = recordingAgentHost({ answer: 'go on' });
    await run([page([element(2, 'PIN', { sensitive: true })])], model, host);
    expect(host.records.find((r) => r.metadata['kind'] === 'step')?.metadata['action']).toEqual({ tool: 'type', args: { index: 2, text: MASK } });
    expect(host.records.find((r) => r.type === 'THOUGHT')?.content).toBe('Typing 42 now');
  });
});

describe('SecretRedactor', () => {
  it('replaces every known secret in nested strings and keys, longest first, and leaves other values alone', () => {
    const redactor = new SecretRedactor();
    redactor.add('abcd');
    redactor.add('abcdefgh');
    const at = new Date(0);
    expect(redactor.redact({ a: ['x abcdefgh y', { abcd: 1, at, n: 2, ok: true, none: null }] })).toEqual({
      a: [`x ${MASK} y`, { [MASK]: 1, at, n: 2, ok: true, none: null }],
    });
    expect(redactor.redact('nothing here')).toBe('nothing here');
  });
});
