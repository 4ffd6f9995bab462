import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgentTask, type AgentOutcome } from '../../src/agent/agent-loop.ts';
import { EXTRACT_TEXT_BUDGET } from '../../src/agent/extraction.ts';
import { createLanguageModel } from '../../src/llm/create-language-model.ts';
import type { LanguageModel } from '../../src/llm/port.ts';
import { usePagesHarness } from '../browser/pages-harness.ts';
import { recordingAgentHost, type RecordingAgentHost } from '../support/recording-agent-host.ts';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '../support/openai-compatible-server.ts';
// @ts-expect-error a plain ES module policy, without types
import { SCHEMA } from './fixtures/extract-policy.mjs';

const PRODUCTS_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Garden tools</title></head><body>
  <h1>Garden tools</h1>
  <table><tr><th>Name</th><th>Price</th></tr><tr><td>Rake</td><td>$12.50</td></tr><tr><td>Spade</td><td>$30.00</td></tr></table>
</body></html>`;
const LONG_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Long</title></head><body>
  ${Array.from({ length: 600 }, (_, i) => `<p>Row ${String(i).padStart(4, '0')} of a long list of garden tools, each with its own line of text.</p>`).join('')}
</body></html>`;
const PRODUCTS = { products: [{ name: 'Rake', price: 12.5 }, { name: 'Spade', price: 30 }] };
const AS_TEXT = { products: [{ name: 'Rake', price: '12.50' }, { name: 'Spade', price: '30.00' }] };

const pages = usePagesHarness('extract', { '/products.html': PRODUCTS_PAGE, '/long.html': LONG_PAGE });
let llm: OpenAiCompatibleServer | undefined;

afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

async function run(task: string, model: LanguageModel, path = '/products.html'): Promise<{ outcome: AgentOutcome; host: RecordingAgentHost }> {
  const browser = await pages.open();
  const host = recordingAgentHost();
  const outcome = await runAgentTask({
    task,
    startUrl: `${pages.url}${path}`,
    browser,
    model,
    host,
    maxSteps: 5,
    signal: new AbortController().signal,
    agentName: 'agi-0-fast',
  });
  return { outcome, host };
}

function scriptModel(): LanguageModel {
  return createLanguageModel(`script:${join(import.meta.dirname, 'fixtures', 'extract-policy.mjs')}`, { env: {} });
}

describe('extract with a script policy', () => {
  it('returns the data the policy extracted from the page text, as JSON in the result', async () => {
    const { outcome, host } = await run('valid', scriptModel());
    expect(outcome).toMatchObject({ kind: 'done', content: `Extracted from ${pages.url}/products.html:\n${JSON.stringify(PRODUCTS)}` });
    const step = host.records.find((r) => r.metadata['kind'] === 'step' && (r.metadata['action'] as { tool: string }).tool === 'extract');
    expect(step).toMatchObject({ content: `Extracted from ${pages.url}/products.html:`, metadata: { ok: true } });
  });

  it('asks again once with the problems when the answer does not match the schema', async () => {
    const { outcome } = await run('retry', scriptModel());
    expect(outcome).toMatchObject({ kind: 'done', content: expect.stringContaining(JSON.stringify(PRODUCTS)) });
  });

  it('fails readably when the second answer does not match either', async () => {
    const { outcome } = await run('invalid', scriptModel());
    expect(outcome.kind).toBe('failed');
    const error = outcome.kind === 'failed' ? outcome.error : '';
    expect(error).toMatch(/^extract failed: the model's answer did not match the schema after 2 tries \(products\.0\.price: .*number.*\)/);
  });

  it('sends at most the text budget of a long page and says how much was read', async () => {
    const { outcome } = await run('long', scriptModel(), '/long.html');
    const content = outcome.kind === 'done' ? String(outcome.content) : '';
    expect(content).toMatch(new RegExp(`^Extracted from ${pages.url}/long.html \\(the first 24000 characters of its text, of \\d+ read_page pages\\):\n`));
    expect(JSON.parse(content.split('\n')[1]!)).toEqual({ products: [{ name: 'characters', price: EXTRACT_TEXT_BUDGET }] });
  });

  it('refuses a schema that is not an object schema, without asking the model', async () => {
    const { outcome } = await run('array schema', scriptModel());
    expect(outcome).toMatchObject({ kind: 'failed', error: 'extract needs a schema of type "object" (put a list inside an object property)' });
  });
});

describe('extract with a language model over HTTP (OpenAI-compatible, loopback)', () => {
  const extractCall = { name: 'extract', arguments: { instruction: 'List the products with their prices', schema: SCHEMA } };

  async function httpModel(script: Parameters<typeof startOpenAiCompatibleServer>[0]): Promise<LanguageModel> {
    llm = await startOpenAiCompatibleServer(script);
    return createLanguageModel(`openai-compatible:test-model@${llm.baseUrl}`, { env: {} });
  }

  it('offers the schema as the only tool, fences the page text, returns the data and adds the tokens to the task', async () => {
    const model = await httpModel([
      { kind: 'tool-calls', calls: [extractCall], usage: { promptTokens: 1000, completionTokens: 100 } },
      { kind: 'tool-calls', calls: [{ name: 'extract_result', arguments: PRODUCTS }], usage: { promptTokens: 500, completionTokens: 50 } },
      { kind: 'tool-calls', calls: [{ name: 'done', arguments: { result: 'two products' } }], usage: { promptTokens: 2000, completionTokens: 20 } },
    ]);
    const { outcome } = await run('List the garden tools with prices', model);
    expect(outcome).toMatchObject({ kind: 'done', content: 'two products', metadata: { usage: { inputTokens: 3500, outputTokens: 170 } } });

    const [, extraction, next] = llm!.requests.map((r) => r.body);
    expect(extraction.tools).toEqual([expect.objectContaining({ type: 'function', function: expect.objectContaining({ name: 'extract_result', parameters: SCHEMA }) })]);
    const system = extraction.messages.find((m: { role: string }) => m.role === 'system').content as string;
    const marker = /<<<PAGE_DATA ([0-9a-f]+)>>>/.exec(system)![1];
    const user = JSON.stringify(extraction.messages.filter((m: { role: string }) => m.role === 'user'));
    expect(user).toContain('List the products with their prices');
    expect(user).toMatch(new RegExp(`<<<PAGE_DATA ${marker}>>>.*Rake.*<<<END_PAGE_DATA ${marker}>>>`));
    // The data reaches the agent's next step as the extract result, inside the same fence.
    const nextUser = JSON.stringify(next.messages.filter((m: { role: string }) => m.role === 'user'));
    expect(nextUser).toContain(JSON.stringify(JSON.stringify(PRODUCTS)).slice(1, -1));
    expect(nextUser).toContain(`<<<PAGE_DATA ${marker}>>>`);
  });

  it('retries an answer that does not match once, telling why, then reports the failure to the agent', async () => {
    const model = await httpModel([
      { kind: 'tool-calls', calls: [extractCall], usage: { promptTokens: 1000, completionTokens: 100 } },
      { kind: 'tool-calls', calls: [{ name: 'extract_result', arguments: AS_TEXT }], usage: { promptTokens: 500, completionTokens: 50 } },
      { kind: 'tool-calls', calls: [{ name: 'extract_result', arguments: AS_TEXT }], usage: { promptTokens: 600, completionTokens: 50 } },
      { kind: 'tool-calls', calls: [{ name: 'done', arguments: { result: 'could not extract', success: false } }], usage: { promptTokens: 2000, completionTokens: 20 } },
    ]);
    const { outcome } = await run('List the garden tools with prices', model);
    expect(outcome).toMatchObject({ kind: 'failed', error: 'could not extract', metadata: { usage: { inputTokens: 4100, outputTokens: 220 } } });

    const [, , retry, last] = llm!.requests.map((r) => r.body);
    const retryMessages = retry.messages as { role: string; content: unknown }[];
    expect(retryMessages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(JSON.stringify(retryMessages[2]!.content)).toContain('12.50');
    expect(JSON.stringify(retryMessages[3]!.content)).toMatch(/does not match the schema: products\.0\.price: .*number/);
    const lastUser = JSON.stringify(last.messages.filter((m: { role: string }) => m.role === 'user'));
    expect(lastUser).toContain("extract failed: the model's answer did not match the schema after 2 tries");
  });
});
