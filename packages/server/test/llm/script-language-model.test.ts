import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLanguageModel } from '../../src/llm/create-language-model.ts';
import { ModelSpecError } from '../../src/llm/model-spec.ts';
import { ModelError, type DecideRequest } from '../../src/llm/port.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

function scriptModel(file: string, timeoutMs?: number) {
  return createLanguageModel(`script:${file}`, { env: {}, cwd: FIXTURES, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
}

function request(overrides: Partial<DecideRequest> = {}): DecideRequest {
  return {
    prompt: { system: 'unused by scripts', messages: [] },
    context: {
      task: 'find the cheapest socks',
      updates: [],
      observation: { url: 'http://127.0.0.1/shop', elements: 3 },
      step: 4,
      history: [{ step: 3, action: { tool: 'scroll', args: {} }, result: { ok: true, message: 'scrolled' } }],
    },
    tools: [],
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('script: provider', () => {
  it('hands the policy the context and a signal, and fills in missing args', async () => {
    const model = scriptModel('echo-policy.mjs');
    expect(model.supportsVision).toBe(false);
    expect(model.spec).toBe('script:echo-policy.mjs');
    const decision = await model.decide(request());
    expect(decision.actions).toEqual([
      { tool: 'goto', args: { url: 'http://127.0.0.1/' } },
      { tool: 'done', args: {} },
    ]);
    expect(JSON.parse(decision.thought ?? '')).toEqual({
      task: 'find the cheapest socks',
      updates: [],
      observation: { url: 'http://127.0.0.1/shop', elements: 3 },
      step: 4,
      historyLength: 1,
      hasSignal: true,
    });
  });

  it('accepts an absolute path', async () => {
    const model = createLanguageModel(`script:${FIXTURES}echo-policy.mjs`, { env: {} });
    expect((await model.decide(request())).actions).toHaveLength(2);
  });

  it('accepts a decision without thought and with no actions', async () => {
    const model = scriptModel('return-observation-policy.mjs');
    expect(await model.decide(request({ context: { task: 't', updates: [], observation: { actions: [] }, step: 0, history: [] } }))).toEqual({ actions: [] });
  });

  it('turns a thrown error into a ModelError carrying the script message', async () => {
    const error = await rejection(scriptModel('throwing-policy.mjs').decide(request()));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toMatch(/^Script policy .*throwing-policy\.mjs threw: policy exploded on purpose$/);
    expect((error as ModelError).retryable).toBe(false);
    expect(((error as ModelError).cause as Error).message).toBe('policy exploded on purpose');
  });

  it.each([
    ['a string', 'nope', /expected an object \{ thought\?, actions \}, got string/],
    ['null', null, /expected an object .* got null/],
    ['no actions', { thought: 'hm' }, /"actions" must be an array, got undefined/],
    ['actions not an array', { actions: { tool: 'x' } }, /"actions" must be an array, got object/],
    ['a non-string thought', { thought: 42, actions: [] }, /"thought" must be a string, got number/],
    ['an action without tool', { actions: [{ args: {} }] }, /actions\[0\]\.tool must be a non-empty string, got undefined/],
    ['an empty tool name', { actions: [{ tool: 'done' }, { tool: '' }] }, /actions\[1\]\.tool must be a non-empty string/],
    ['args that are an array', { actions: [{ tool: 'click', args: [1] }] }, /actions\[0\]\.args must be an object, got an array/],
    ['an action that is a string', { actions: ['click'] }, /actions\[0\] must be an object \{ tool, args\? \}, got string/],
  ])('rejects a return value with %s', async (_name, returned, message) => {
    const model = scriptModel('return-observation-policy.mjs');
    const error = await rejection(model.decide(request({ context: { task: 't', updates: [], observation: returned, step: 0, history: [] } })));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toContain('returned an invalid decision');
    expect((error as ModelError).message).toMatch(message);
  });

  it('rejects a module without a decide export on every call', async () => {
    const model = scriptModel('no-decide-policy.mjs');
    for (let i = 0; i < 2; i++) {
      const error = await rejection(model.decide(request()));
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).message).toMatch(/no-decide-policy\.mjs does not export a function named "decide"/);
    }
  });

  it('reports a module that fails to import', async () => {
    const error = await rejection(scriptModel('failing-import-policy.mjs').decide(request()));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toMatch(/failing-import-policy\.mjs could not be loaded: broken at import time/);
  });

  it('fails at construction when the module path is not a file', () => {
    expect(() => scriptModel('missing-policy.mjs')).toThrow(ModelSpecError);
    expect(() => scriptModel('missing-policy.mjs')).toThrow(/script module .*missing-policy\.mjs does not exist/);
    expect(() => scriptModel('.')).toThrow(/is not a file/);
  });

  it('rejects with the abort reason when the caller aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled by user');
    const pending = scriptModel('signal-aware-policy.mjs').decide(request({ signal: controller.signal }));
    controller.abort(reason);
    expect(await rejection(pending)).toBe(reason);
  });

  it('rejects with the abort reason even when the script ignores its signal', async () => {
    const controller = new AbortController();
    const reason = new Error('deleted');
    const pending = scriptModel('ignores-signal-policy.mjs').decide(request({ signal: controller.signal }));
    setImmediate(() => controller.abort(reason));
    expect(await rejection(pending)).toBe(reason);
  });

  it('rejects with a ModelError when the script outlives its timeout', async () => {
    const error = await rejection(scriptModel('ignores-signal-policy.mjs', 200).decide(request()));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toBe('Script policy error (script:ignores-signal-policy.mjs): timed out after 200 ms');
  });
});
