import { describe, expect, it } from 'vitest';
import { createLanguageModel } from '../../src/llm/create-language-model.ts';
import { ModelSpecError } from '../../src/llm/model-spec.ts';

describe('createLanguageModel', () => {
  it.each([
    ['openai:gpt-4o', 'OPENAI_API_KEY'],
    ['anthropic:claude-sonnet-4-5', 'ANTHROPIC_API_KEY'],
    ['google:gemini-2.5-flash', 'GOOGLE_GENERATIVE_AI_API_KEY'],
  ])('requires the provider key for %s from the env it is given', (spec, variable) => {
    expect(() => createLanguageModel(spec, { env: {} })).toThrow(ModelSpecError);
    expect(() => createLanguageModel(spec, { env: { [variable]: '  ' } })).toThrow(`the environment variable ${variable} is not set`);
    expect(createLanguageModel(spec, { env: { [variable]: 'key' } }).spec).toBe(spec);
  });

  it('needs no key for an openai-compatible server', () => {
    expect(createLanguageModel('openai-compatible:llama3.1:8b@http://127.0.0.1:11434/v1', { env: {} }).spec).toBe(
      'openai-compatible:llama3.1:8b@http://127.0.0.1:11434/v1',
    );
  });

  it.each([
    ['openai:gpt-4o-mini', true],
    ['openai:gpt-4.1', true],
    ['openai:gpt-5-mini', true],
    ['openai:o3-mini', false],
    ['openai:gpt-3.5-turbo', false],
    ['anthropic:claude-sonnet-4-5', true],
    ['anthropic:claude-2.1', false],
    ['google:gemini-2.5-flash', true],
    ['openai-compatible:llama3.1:8b@http://127.0.0.1:11434/v1', false],
  ])('guesses whether %s takes screenshots', (spec, vision) => {
    const env = { OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k', GOOGLE_GENERATIVE_AI_API_KEY: 'k' };
    expect(createLanguageModel(spec, { env }).supportsVision).toBe(vision);
  });

  it('lets configuration override the vision guess', () => {
    const env = { OPENAI_API_KEY: 'k' };
    expect(createLanguageModel('openai:gpt-4o', { env, supportsVision: false }).supportsVision).toBe(false);
    expect(createLanguageModel('openai-compatible:qwen2.5-vl@http://127.0.0.1:1/v1', { env: { STEWARD_OPENAI_COMPATIBLE_VISION: '1' } }).supportsVision).toBe(true);
  });

  it('passes malformed specs through as ModelSpecError', () => {
    expect(() => createLanguageModel('openai-compatible:llama3', { env: {} })).toThrow(ModelSpecError);
  });
});
