import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FAST_AGENT, MAIN_AGENT, StaticModelRegistry, createModelRegistry } from '../../src/llm/model-registry.ts';
import { ModelSpecError } from '../../src/llm/model-spec.ts';
import type { LanguageModel } from '../../src/llm/port.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const ENV = { OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'sk-ant-test' };

describe('createModelRegistry', () => {
  it('maps agi-0 to the main model and agi-0-fast to the fast one', () => {
    const registry = createModelRegistry({ mainSpec: 'anthropic:claude-sonnet-4-5', fastSpec: 'openai:gpt-4o-mini', env: ENV });
    expect(MAIN_AGENT).toBe('agi-0');
    expect(FAST_AGENT).toBe('agi-0-fast');
    expect(registry.forAgent('agi-0')?.spec).toBe('anthropic:claude-sonnet-4-5');
    expect(registry.forAgent('agi-0-fast')?.spec).toBe('openai:gpt-4o-mini');
    expect(registry.forAgent('agi-1')).toBeUndefined();
  });

  it('falls back to the main model for agi-0-fast when no fast spec is set', () => {
    for (const fastSpec of [undefined, '', '  ']) {
      const registry = createModelRegistry({ mainSpec: 'openai:gpt-4.1', fastSpec, env: ENV });
      expect(registry.forAgent('agi-0-fast')).toBe(registry.forAgent('agi-0'));
      expect(registry.forAgent('agi-0')?.spec).toBe('openai:gpt-4.1');
    }
  });

  it('shares one model when both specs are the same', () => {
    const registry = createModelRegistry({ mainSpec: 'openai:gpt-4.1', fastSpec: ' openai:gpt-4.1 ', env: ENV });
    expect(registry.forAgent('agi-0-fast')).toBe(registry.forAgent('agi-0'));
  });

  it('has no models when nothing is configured', () => {
    for (const mainSpec of [undefined, '']) {
      const registry = createModelRegistry({ mainSpec, env: {} });
      expect(registry.forAgent('agi-0')).toBeUndefined();
      expect(registry.forAgent('agi-0-fast')).toBeUndefined();
    }
  });

  it('serves only agi-0-fast when only the fast spec is set', () => {
    const registry = createModelRegistry({ fastSpec: 'openai:gpt-4o-mini', env: ENV });
    expect(registry.forAgent('agi-0')).toBeUndefined();
    expect(registry.forAgent('agi-0-fast')?.spec).toBe('openai:gpt-4o-mini');
  });

  it('builds script policies relative to cwd', async () => {
    const registry = createModelRegistry({ mainSpec: 'script:echo-policy.mjs', env: {}, cwd: FIXTURES });
    const decision = await registry.forAgent('agi-0')?.decide({
      prompt: { system: '', messages: [] },
      context: { task: 't', updates: [], observation: null, step: 0, history: [] },
      tools: [],
      signal: new AbortController().signal,
    });
    expect(decision?.actions.map((action) => action.tool)).toEqual(['goto', 'done']);
  });

  it('fails at construction on a bad spec or a missing key, naming the spec', () => {
    expect(() => createModelRegistry({ mainSpec: 'gpt-4o', env: ENV })).toThrow(ModelSpecError);
    expect(() => createModelRegistry({ mainSpec: 'openai:gpt-4o', fastSpec: 'mistral:small', env: ENV })).toThrow(/unknown provider "mistral"/);
    expect(() => createModelRegistry({ mainSpec: 'google:gemini-2.5-pro', env: ENV })).toThrow(
      'Invalid model spec "google:gemini-2.5-pro": the environment variable GOOGLE_GENERATIVE_AI_API_KEY is not set',
    );
  });
});

describe('StaticModelRegistry', () => {
  it('answers from its table and ignores undefined entries', () => {
    const model: LanguageModel = { spec: 'fake', supportsVision: false, decide: async () => ({ actions: [] }) };
    const registry = new StaticModelRegistry({ 'agi-0': model, 'agi-0-fast': undefined });
    expect(registry.forAgent('agi-0')).toBe(model);
    expect(registry.forAgent('agi-0-fast')).toBeUndefined();
  });
});
