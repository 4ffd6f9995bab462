import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingAgentHost } from '../support/recording-agent-host.ts';
import { runAgentTask } from '../../src/agent/agent-loop.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import { createLanguageModel } from '../../src/llm/create-language-model.ts';
import { DIALOG_PAGES } from '../browser/dialog-input-frame-pages.ts';
import { startPagesServer, type PagesServer } from '../browser/observe-pages-server.ts';

let pages: PagesServer;
let pool: PlaywrightBrowserPool;

beforeAll(async () => {
  pages = await startPagesServer(DIALOG_PAGES);
  pool = createPlaywrightBrowserPool({ warmContexts: 1, actionTimeoutMs: 5_000, navigationTimeoutMs: 10_000 });
  await pool.start();
});

afterAll(async () => {
  await pool.close();
  await pages.close();
});

describe('the answer_dialog tool', () => {
  it('lets the agent see a confirm its click opened and accept it; the actions planned after the click are dropped', async () => {
    const browser = await pool.acquire({ sessionId: 'answer-dialog' });
    const host = recordingAgentHost();
    const { records } = host;
    try {
      const outcome = await runAgentTask({
        task: 'Delete the draft',
        startUrl: `${pages.url}/dialogs.html`,
        browser,
        model: createLanguageModel(`script:${join(import.meta.dirname, 'fixtures', 'dialog-policy.mjs')}`, { env: {} }),
        host,
        maxSteps: 5,
        signal: new AbortController().signal,
      });
      expect(outcome).toMatchObject({ kind: 'done', content: 'deleted', metadata: { steps: 3, actions: 4 } });
      const steps = records.filter((r) => r.metadata['kind'] === 'step').map((r) => [(r.metadata['action'] as { tool: string }).tool, r.metadata['ok']]);
      expect(steps).toEqual([
        ['navigate', true],
        ['click', true],
        ['answer_dialog', true],
      ]);
    } finally {
      await browser.close();
    }
  });
});
