import { describe, expect, it } from 'vitest';
import { ModelSpecError, formatModelSpec, parseModelSpec } from '../../src/llm/model-spec.ts';

describe('parseModelSpec', () => {
  it.each([
    ['openai:gpt-4o-mini', { provider: 'openai', model: 'gpt-4o-mini' }],
    ['anthropic:claude-sonnet-4-5', { provider: 'anthropic', model: 'claude-sonnet-4-5' }],
    ['google:gemini-2.5-flash', { provider: 'google', model: 'gemini-2.5-flash' }],
    ['  openai:gpt-4.1  ', { provider: 'openai', model: 'gpt-4.1' }],
    ['openai:ft:gpt-4o:acme::abc123', { provider: 'openai', model: 'ft:gpt-4o:acme::abc123' }],
    [
      'openai-compatible:llama3.1:8b@http://127.0.0.1:11434/v1',
      { provider: 'openai-compatible', model: 'llama3.1:8b', baseUrl: 'http://127.0.0.1:11434/v1' },
    ],
    [
      'openai-compatible:org@team/model@https://llm.example.test/v1/',
      { provider: 'openai-compatible', model: 'org@team/model', baseUrl: 'https://llm.example.test/v1' },
    ],
    ['script:./policies/shop.mjs', { provider: 'script', path: './policies/shop.mjs' }],
    ['script:/opt/steward/my policy.mjs', { provider: 'script', path: '/opt/steward/my policy.mjs' }],
  ])('parses %j', (spec, expected) => {
    expect(parseModelSpec(spec)).toEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['gpt-4o', /missing "<provider>:" prefix/],
    ['azure:gpt-4o', /unknown provider "azure"/],
    ['OpenAI:gpt-4o', /unknown provider "OpenAI"/],
    [':gpt-4o', /unknown provider ""/],
    ['openai:', /missing model name after "openai:"/],
    ['anthropic:', /missing model name/],
    ['google:', /missing model name/],
    ['openai:gpt 4o', /contains whitespace/],
    ['openai-compatible:llama3', /needs a base URL/],
    ['openai-compatible:@http://127.0.0.1:1/v1', /missing model name/],
    ['openai-compatible:llama3@', /missing base URL/],
    ['openai-compatible:llama3@127.0.0.1:11434', /must start with http:\/\/ or https:\/\//],
    ['openai-compatible:llama3@localhost:11434/v1', /must start with http/],
    ['openai-compatible:llama3@http://', /not a valid URL/],
    ['openai-compatible:llama3@not a url', /must start with http/],
    ['openai-compatible:llama3@http://exa mple.test/v1', /not a valid URL/],
    ['openai-compatible:llama3@ftp://127.0.0.1/v1', /must use http or https, not ftp/],
    ['openai-compatible:llama3@http://127.0.0.1/v1?key=x', /query string/],
    ['script:', /missing module path/],
    ['script:   ', /missing module path/],
  ])('rejects %j with a clear ModelSpecError', (spec, message) => {
    let caught: unknown;
    try {
      parseModelSpec(spec);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ModelSpecError);
    expect((caught as ModelSpecError).message).toMatch(message);
    expect((caught as ModelSpecError).message).toContain(JSON.stringify(spec));
    expect((caught as ModelSpecError).spec).toBe(spec);
  });

  it('formats every parsed spec back to a spec that parses the same', () => {
    for (const spec of ['openai:gpt-4o', 'openai-compatible:qwen2.5:7b@http://127.0.0.1:8000/v1', 'script:/tmp/p.mjs', 'google:gemini-2.0-flash']) {
      const parsed = parseModelSpec(spec);
      expect(formatModelSpec(parsed)).toBe(spec);
      expect(parseModelSpec(formatModelSpec(parsed))).toEqual(parsed);
    }
  });
});
