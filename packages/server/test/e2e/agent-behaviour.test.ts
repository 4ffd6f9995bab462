import { APIError, ValidationError, type AgentName, type Message, type SendMessageOptions } from '@steward/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

/** Runs one task in a new session to its end; answers every message, internal ones included. */
async function run(message: string, options: SendMessageOptions = {}, agentName: AgentName = 'agi-0'): Promise<{ id: string; messages: Message[] }> {
  const { sessionId: id } = await t.client.sessions.create(agentName);
  await t.client.sessions.sendMessage(id, message, options);
  await t.waitForStatus(id, ['finished', 'error']);
  return { id, messages: (await t.client.sessions.getMessages(id, 0, false)).messages };
}

/** The error answer a call ends with (it must end with one). */
async function rejection(call: Promise<unknown>): Promise<APIError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
  throw new Error('expected an error answer, got a success');
}

describe('structured results (config_updates.output_schema)', () => {
  const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'number' } }, required: ['name', 'age'] };

  it('refuses a result that misses the schema, lets the agent correct it, and stores the JSON', async () => {
    const { messages } = await run('structured', { configUpdates: { output_schema: schema } });
    const done = messages.at(-1);
    expect(done).toMatchObject({ type: 'DONE', content: { name: 'Ada', age: 36 } });
    const thought = messages.find((m) => m.type === 'THOUGHT' && /does not match the required format/.test(String(m.content)))!;
    expect(thought.content).toContain('age');
    const prompt = messages.find((m) => m.metadata['kind'] === 'prompt')!;
    expect(prompt.content).toContain('RESULT FORMAT');
  });

  it('answers 422 for an output_schema that is not a JSON Schema object', async () => {
    const { sessionId: id } = await t.client.sessions.create();
    for (const output_schema of ['a string', { type: 'no-such-type' }]) {
      const error = await rejection(t.client.sessions.sendMessage(id, 'finish x', { configUpdates: { output_schema } }));
      expect(error, JSON.stringify(output_schema)).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]).toMatchObject({ loc: ['body'], type: 'value_error' });
    }
    expect((await t.client.sessions.getMessages(id)).messages).toEqual([]);
  });
});

describe('config_updates.max_cost_usd', () => {
  it('answers 422 when the server knows no price for the model, rather than keep a cap that never fires', async () => {
    const { sessionId: id } = await t.client.sessions.create();
    const error = await rejection(t.client.sessions.sendMessage(id, 'finish x', { configUpdates: { max_cost_usd: 1 } }));
    expect(error.status).toBe(422);
    expect(JSON.stringify(error.body)).toContain('STEWARD_MODEL_PRICE');
    expect((await t.client.sessions.getMessages(id)).messages).toEqual([]);
  });
});

describe('loop detection', () => {
  it('warns after the same action on the same page, then ends the task as stuck', async () => {
    const { messages } = await run('repeat');
    expect(messages.some((m) => m.type === 'THOUGHT' && m.content === 'I was warned about repeating myself.')).toBe(true);
    const error = messages.at(-1)!;
    expect(error.type).toBe('ERROR');
    expect(error.content).toMatch(/^Stuck: scroll on about:blank was repeated 6 times/);
    expect(error.metadata).toMatchObject({ code: 'failed', steps: 6 });
  });

  it('uses the fast profile for agi-0-fast (it gives up sooner)', async () => {
    const { messages } = await run('repeat', {}, 'agi-0-fast');
    expect(messages.at(-1)!.content).toMatch(/repeated 5 times/);
  });
});

describe('accounting', () => {
  it('reports steps, actions and token usage in the DONE metadata', async () => {
    const { messages } = await run('finish counted');
    expect(messages.at(-1)!.metadata).toEqual({ steps: 1, actions: 1, usage: { inputTokens: 0, outputTokens: 0 } });
    const output = messages.find((m) => m.metadata['kind'] === 'model_output')!;
    expect(output.metadata).toHaveProperty('usage');
  });
});
