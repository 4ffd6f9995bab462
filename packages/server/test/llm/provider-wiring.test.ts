import { describe, expect, it } from 'vitest';
import { createLanguageModel } from '../../src/llm/create-language-model.ts';
import type { DecideRequest } from '../../src/llm/port.ts';

// The hosted providers are exercised through an injected fetch that answers like each API would:
// nothing leaves the process, and the test proves keys, tools and responses are wired per vendor.
interface Recorded {
  url: string;
  headers: Headers;
  body: any;
}

function cannedFetch(response: unknown, recorded: Recorded[]): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    recorded.push({ url, headers: new Headers(init?.headers), body: JSON.parse(String(init?.body)) });
    return new Response(JSON.stringify(response), { status: 200, headers: { 'content-type': 'application/json' } });
  };
}

const REQUEST: DecideRequest = {
  prompt: { system: 'You are Steward.', messages: [{ role: 'user', content: 'Click the first button.' }] },
  context: { task: 't', updates: [], observation: null, step: 0, history: [] },
  tools: [{ name: 'click', description: 'Click an element.', parameters: { type: 'object', properties: { index: { type: 'integer' } }, required: ['index'] } }],
  signal: new AbortController().signal,
};

const EXPECTED = { thought: 'Clicking.', actions: [{ tool: 'click', args: { index: 1 } }], usage: { inputTokens: 5, outputTokens: 3 } };

describe('hosted provider wiring', () => {
  it('openai', async () => {
    const recorded: Recorded[] = [];
    const fetch = cannedFetch(
      {
        id: 'resp_1',
        object: 'response',
        created_at: 1_700_000_000,
        model: 'gpt-4o',
        status: 'completed',
        output: [
          { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Clicking.', annotations: [] }] },
          { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'click', arguments: '{"index":1}', status: 'completed' },
        ],
        incomplete_details: null,
        usage: { input_tokens: 5, output_tokens: 3, total_tokens: 8 },
      },
      recorded,
    );
    const model = createLanguageModel('openai:gpt-4o', { env: { OPENAI_API_KEY: 'sk-openai' }, fetch });
    expect(await model.decide(REQUEST)).toEqual(EXPECTED);
    expect(recorded[0]?.headers.get('authorization')).toBe('Bearer sk-openai');
    expect(recorded[0]?.body.tools[0]).toMatchObject({ type: 'function', name: 'click', parameters: REQUEST.tools[0]?.parameters });
  });

  it('anthropic', async () => {
    const recorded: Recorded[] = [];
    const fetch = cannedFetch(
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [
          { type: 'text', text: 'Clicking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'click', input: { index: 1 } },
        ],
        stop_reason: 'tool_use',
        stop_sequence: null,
        usage: { input_tokens: 5, output_tokens: 3 },
      },
      recorded,
    );
    const model = createLanguageModel('anthropic:claude-sonnet-4-5', { env: { ANTHROPIC_API_KEY: 'sk-ant' }, fetch });
    expect(await model.decide(REQUEST)).toEqual(EXPECTED);
    expect(recorded[0]?.headers.get('x-api-key')).toBe('sk-ant');
    expect(recorded[0]?.body.system).toEqual([{ type: 'text', text: 'You are Steward.' }]);
    expect(recorded[0]?.body.tools[0]).toMatchObject({ name: 'click', input_schema: REQUEST.tools[0]?.parameters });
  });

  it('google', async () => {
    const recorded: Recorded[] = [];
    const fetch = cannedFetch(
      {
        candidates: [
          { content: { role: 'model', parts: [{ text: 'Clicking.' }, { functionCall: { name: 'click', args: { index: 1 } } }] }, finishReason: 'STOP' },
        ],
        usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 },
      },
      recorded,
    );
    const model = createLanguageModel('google:gemini-2.5-flash', { env: { GOOGLE_GENERATIVE_AI_API_KEY: 'g-key' }, fetch });
    expect(await model.decide(REQUEST)).toEqual(EXPECTED);
    expect(recorded[0]?.headers.get('x-goog-api-key')).toBe('g-key');
    expect(recorded[0]?.body.tools[0].functionDeclarations[0].name).toBe('click');
  });
});
