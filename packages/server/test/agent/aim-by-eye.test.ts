import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingAgentHost } from '../support/recording-agent-host.ts';
import { runAgentTask } from '../../src/agent/agent-loop.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import { createLanguageModel } from '../../src/llm/create-language-model.ts';
import { startPagesServer, type PagesServer } from '../browser/observe-pages-server.ts';

// A script policy that sees what a person sees: shapes told apart by colour (`looks`), aimed at
// by their boxes with click_at, and the marked screenshot through its decide context.

let pages: PagesServer;
let pool: PlaywrightBrowserPool;

beforeAll(async () => {
  pages = await startPagesServer({
    '/shapes.html': `<!doctype html><title>Shapes</title><body>
      <p>Status: <span id="status">nothing clicked</span></p>
      <svg width="300" height="120">
        <circle cx="60" cy="60" r="40" fill="#1030e0"></circle>
        <rect x="160" y="20" width="80" height="80" fill="#e02010"></rect>
      </svg>
      <script>
        for (const shape of document.querySelectorAll('circle, rect')) {
          shape.addEventListener('click', () => { document.getElementById('status').textContent = 'clicked the ' + shape.tagName; });
        }
      </script></body>`,
  });
  pool = createPlaywrightBrowserPool({ warmContexts: 1, actionTimeoutMs: 5_000, navigationTimeoutMs: 10_000 });
  await pool.start();
});

afterAll(async () => {
  await pool.close();
  await pages.close();
});

describe('a policy that aims by eye', () => {
  it('finds the red shape by its looks, clicks its box at a point and gets the marked screenshot', async () => {
    const browser = await pool.acquire({ sessionId: 'aim-by-eye' });
    const host = recordingAgentHost();
    const { records } = host;
    try {
      const outcome = await runAgentTask({
        task: 'Click the red shape',
        startUrl: `${pages.url}/shapes.html`,
        browser,
        model: createLanguageModel(`script:${join(import.meta.dirname, 'fixtures', 'aim-policy.mjs')}`, { env: {} }),
        host,
        maxSteps: 4,
        signal: new AbortController().signal,
      });
      expect(outcome).toMatchObject({ kind: 'done', content: 'clicked the rect' });
      expect(records.find((r) => r.type === 'THOUGHT')?.content).toBe('screenshot jpeg=true bytes>1000=true');
      const click = records.find((r) => (r.metadata['action'] as { tool?: string } | undefined)?.tool === 'click_at');
      expect(click?.content).toMatch(/^Clicked at \(\d+, \d+\) on \[\d+\] clickable/);
    } finally {
      await browser.close();
    }
  });
});
