import { ValidationError } from '@steward/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '../support/openai-compatible-server.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let llm: OpenAiCompatibleServer;
let t: TestServer;
beforeAll(async () => {
  llm = await startOpenAiCompatibleServer([
    { kind: 'tool-calls', text: 'Looking around the page first.', calls: [{ name: 'scroll', arguments: { direction: 'down' } }], usage: { promptTokens: 1000, completionTokens: 100 } },
    { kind: 'tool-calls', calls: [{ name: 'done', arguments: { result: 'found it' } }], usage: { promptTokens: 2000, completionTokens: 50 } },
    // The cost cap's task: one call of 0.0012 USD is over its cap of 0.001.
    { kind: 'tool-calls', calls: [{ name: 'scroll', arguments: { direction: 'down' } }], usage: { promptTokens: 1000, completionTokens: 100 } },
  ]);
  t = await startTestServer({ model: `openai-compatible:test-model@${llm.baseUrl}`, modelPrice: '1,2' });
});
afterAll(async () => {
  await t.close();
  await llm.close();
});

async function newSession(): Promise<string> {
  return (await t.client.sessions.create()).sessionId;
}

describe('the agent on a language model over HTTP (OpenAI-compatible, loopback)', () => {
  it('runs tool calls to DONE, fences the page, carries its plan, and accounts tokens and cost', async () => {
    const id = await newSession();
    await t.client.sessions.sendMessage(id, 'Find the thing');
    await t.waitForStatus(id, ['finished', 'error']);
    const messages = (await t.client.sessions.getMessages(id, 0, false)).messages;
    const done = messages.at(-1)!;
    expect(done).toMatchObject({ type: 'DONE', content: 'found it' });
    expect(done.metadata['usage']).toEqual({ inputTokens: 3000, outputTokens: 150, costUsd: 0.0033 });
    const outputs = messages.filter((m) => m.metadata['kind'] === 'model_output');
    expect(outputs[0]!.metadata['usage']).toEqual({ inputTokens: 1000, outputTokens: 100, costUsd: 0.0012 });
    const thought = messages.find((m) => m.type === 'THOUGHT')!;
    expect(thought.content).toBe('Looking around the page first.');
    // The visible THOUGHT carries its step's figures, for viewers that read no internal message.
    expect(thought.metadata).toEqual({ step: 1, usage: { inputTokens: 1000, outputTokens: 100, costUsd: 0.0012 } });

    expect(llm.requests).toHaveLength(2);
    const [first, second] = llm.requests.map((r) => r.body);
    expect(first.model).toBe('test-model');
    const toolNames = first.tools.map((tool: { function: { name: string } }) => tool.function.name);
    expect(toolNames).toEqual(expect.arrayContaining(['navigate', 'click', 'type', 'scroll', 'read_page', 'ask_user', 'done']));
    const system = first.messages.find((m: { role: string }) => m.role === 'system').content as string;
    const marker = /<<<PAGE_DATA ([0-9a-f]+)>>>/.exec(system)![1];
    const user = JSON.stringify(second.messages.filter((m: { role: string }) => m.role === 'user'));
    expect(user).toContain(`<<<PAGE_DATA ${marker}>>>`);
    expect(user).toContain('YOUR PLAN SO FAR');
    expect(user).toContain('Looking around the page first.');
  });

  it('stops a task whose model calls cost more than its config_updates.max_cost_usd', async () => {
    const id = await newSession();
    await expect(t.client.sessions.sendMessage(id, 'Look around', { configUpdates: { max_cost_usd: -1 } })).rejects.toBeInstanceOf(ValidationError);
    await t.client.sessions.sendMessage(id, 'Look around', { configUpdates: { max_cost_usd: 0.001 } });
    expect(await t.waitForStatus(id, ['finished', 'error'])).toBe('error');
    const error = (await t.client.sessions.getMessages(id)).messages.at(-1);
    expect(error).toMatchObject({ type: 'ERROR', content: 'Stopped: the task\'s model calls cost 0.0012 USD, over its cap of 0.001 USD.' });
    expect(llm.requests).toHaveLength(3);
  });
});
