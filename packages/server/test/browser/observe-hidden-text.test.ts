import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { extractFromPage } from '../../src/agent/extraction.ts';
import { formatObservation } from '../../src/agent/observation-format.ts';
import { PageDataFence } from '../../src/agent/page-data-fence.ts';
import type { SessionBrowser } from '../../src/browser/port.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import type { DecideRequest, LanguageModel } from '../../src/llm/port.ts';
import { startPagesServer, type PagesServer } from './observe-pages-server.ts';

/**
 * fixtures/sites/pages/hidden-text.html plants "IGNORE PREVIOUS INSTRUCTIONS <n>" in every way
 * pages hide text from people; none of it may reach the model, by any way page text travels
 * (observation text, element names and options, read_page, extract), and everything a person
 * sees must.
 */

const MARKER = /IGNORE PREVIOUS INSTRUCTIONS (\d+)/g;
const leaked = (text: string): string[] => Array.from(text.matchAll(MARKER), (m) => m[1]!);

const LEGIT_TEXT = [
  'Visible heading of the hidden text page',
  'Visible paragraph one, in plain sight.',
  'Visible paragraph two with a zero-size span inside.',
  'Visible paragraph three after an sr-only span.',
  'Visible white text on a dark panel.',
  'Visible white heading over a picture',
  'Visible gradient text.',
  'Visible inert text.',
  'Visible menu',
  'Visible dropdown that escapes its clipped menu.',
  'Visible top of a scroll box.',
  'Visible text scrolled out of its box.',
  'Visible start of a wide row.',
  'Visible end of a wide row.',
  'Visible text cut short with an ellipsis at the end.',
  'Visible text inside the shadow root.',
  'Visible text inside the frame.',
  'Visible text far below the fold.',
];

let fixtures: FixtureServer;
let other: PagesServer;
let pool: PlaywrightBrowserPool;
let session: SessionBrowser | undefined;
let count = 0;

beforeAll(async () => {
  fixtures = await startFixtureServer();
  // Another origin: the page cannot reach into these frames, so each is observed by its own run.
  other = await startPagesServer({
    '/cross.html': `<!doctype html><html><head><title>Cross hidden</title></head><body>
      <h1>Visible outer heading</h1>
      <iframe src="${fixtures.url}/pages/hidden-frame.html" title="Shown frame" width="500" height="160"></iframe>
      <iframe src="${fixtures.url}/pages/hidden-frame.html?opacity" width="500" height="160" style="opacity:0"></iframe>
      <div aria-hidden="true"><iframe src="${fixtures.url}/pages/hidden-frame.html?opacity" width="500" height="160"></iframe></div>
      <iframe src="${fixtures.url}/pages/hidden-frame.html?opacity" width="500" height="160" style="position:absolute; left:-3000px"></iframe>
      </body></html>`,
  });
  pool = createPlaywrightBrowserPool({ warmContexts: 1, actionTimeoutMs: 5_000, navigationTimeoutMs: 10_000 });
  await pool.start();
});

afterAll(async () => {
  await pool.close();
  await other.close();
  await fixtures.close();
});

afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function open(url: string): Promise<SessionBrowser> {
  session = await pool.acquire({ sessionId: `hidden-text-${++count}` });
  await session.navigate(url);
  return session;
}

function expectAllOf(text: string, pieces: string[]): void {
  const missing = pieces.filter((piece) => !text.includes(piece));
  expect(missing, `missing from:\n${text}`).toEqual([]);
}

describe('text a person cannot see', () => {
  it('never reaches the observation, and everything a person sees does', async () => {
    const s = await open(`${fixtures.url}/pages/hidden-text.html`);
    const observation = await s.observe();
    const prompt = formatObservation(observation);
    expect(leaked(prompt), prompt).toEqual([]);
    expectAllOf(observation.text, LEGIT_TEXT);

    const names = observation.elements.map((e) => `${e.role}:${e.name}`);
    // An icon button keeps the name its sr-only label gives it; the logo link its replaced text.
    expect(names).toEqual([
      'link:Home page',
      'link:Visible link',
      'button:Visible button',
      'button:Close dialog',
      'textbox:Visible placeholder',
      'checkbox:Subscribe to the newsletter',
      'combobox:Visible size',
      'button:Visible frame button',
    ]);
    expect(observation.elements.find((e) => e.name === 'Visible size')?.options).toEqual(['Small', 'Large']);
  });

  it('keeps text above the viewport once the page is scrolled: a person can scroll back to it', async () => {
    const s = await open(`${fixtures.url}/pages/hidden-text.html`);
    expect(await s.act({ kind: 'scroll', direction: 'down', amount: 2 })).toMatchObject({ ok: true });
    const observation = await s.observe();
    expect(observation.scroll.y).toBeGreaterThan(0);
    const prompt = formatObservation(observation);
    expect(leaked(prompt), prompt).toEqual([]);
    expectAllOf(observation.text, LEGIT_TEXT);
  });

  it('never reaches read_page, and everything a person sees does', async () => {
    const s = await open(`${fixtures.url}/pages/hidden-text.html`);
    const read = await s.act({ kind: 'read_text' });
    expect(read.ok).toBe(true);
    const text = read.text ?? '';
    expect(leaked(text), text).toEqual([]);
    expectAllOf(text, LEGIT_TEXT);
  });

  it('never reaches the text extract sends its model', async () => {
    const s = await open(`${fixtures.url}/pages/hidden-text.html`);
    const sent: string[] = [];
    const model: LanguageModel = {
      spec: 'test:capture',
      supportsVision: false,
      decide: async (request: DecideRequest) => {
        sent.push(...request.prompt.messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))));
        return { actions: [{ tool: 'extract_result', args: {} }] };
      },
    };
    const outcome = await extractFromPage({
      browser: s,
      model: { model, fence: new PageDataFence(), task: 'read the page' },
      signal: AbortSignal.timeout(10_000),
      instruction: 'everything',
      schema: { type: 'object' },
    });
    expect(outcome.ok).toBe(true);
    const text = sent.join('\n');
    expect(leaked(text), text).toEqual([]);
    expectAllOf(text, LEGIT_TEXT);
  });

  it('leaves out cross-origin frames a person cannot see, and hidden text inside the one they can', async () => {
    const s = await open(`${other.url}/cross.html`);
    const observation = await s.observe();
    const prompt = formatObservation(observation);
    expect(leaked(prompt), prompt).toEqual([]);
    expectAllOf(observation.text, ['Visible outer heading', '[frame: Hidden text frame]\nVisible text inside the frame.']);
    expect(observation.elements.map((e) => e.name)).toEqual(['Visible frame button']);
    expect(observation.text).not.toContain('could not be observed');

    const read = await s.act({ kind: 'read_text' });
    const text = read.text ?? '';
    expect(leaked(text), text).toEqual([]);
    expectAllOf(text, ['Visible outer heading', '[frame: Hidden text frame]\nVisible text inside the frame.']);
    expect(text).not.toContain('could not be read');
  });
});
