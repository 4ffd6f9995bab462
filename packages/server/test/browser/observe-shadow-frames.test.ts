import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import type { Observation, ObservedElement, SessionBrowser } from '../../src/browser/port.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import type { PlaywrightSessionBrowser } from '../../src/browser/playwright/playwright-session-browser.ts';
import { startPagesServer, type PagesServer } from './observe-pages-server.ts';

let fixtures: FixtureServer;
let other: PagesServer;
let pool: PlaywrightBrowserPool;
let session: SessionBrowser | undefined;
let count = 0;

const SHADOW_PAGE = `<!doctype html><html><head><title>Shadow</title></head><body>
<h1>Shadow form</h1>
<p>Before the widget <name-field></name-field> after the widget.</p>
<p id="out">nothing yet</p>
<script>
  customElements.define('inner-button', class extends HTMLElement {
    connectedCallback() {
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = '<button type="button" aria-labelledby="lbl">x</button><span id="lbl">Nested send</span>';
      root.querySelector('button').addEventListener('click', () => {
        const field = document.querySelector('name-field').shadowRoot.querySelector('input');
        document.getElementById('out').textContent = 'sent ' + field.value;
      });
    }
  });
  customElements.define('name-field', class extends HTMLElement {
    connectedCallback() {
      const root = this.attachShadow({ mode: 'open' });
      root.innerHTML = '<label for="f">Shadow name</label><input id="f"><inner-button></inner-button><p>Text inside the shadow root</p>';
    }
  });
  const closed = document.createElement('div');
  closed.attachShadow({ mode: 'closed' }).innerHTML = '<button>Closed shadow button</button>';
  document.body.append(closed);
</script></body></html>`;

beforeAll(async () => {
  fixtures = await startFixtureServer();
  other = await startPagesServer({
    '/shadow.html': SHADOW_PAGE,
    // 127.0.0.1 on another port is another origin: these frames cannot be entered from the page.
    '/cross.html': `<!doctype html><html><head><title>Cross</title></head><body>
      <h1>Outer page</h1><button type="button">Outer button</button>
      <iframe src="${fixtures.url}/pages/inner.html" width="400" height="150"></iframe>
      <iframe src="${fixtures.url}/torture/frame.html" width="400" height="150"></iframe>
      <iframe src="${fixtures.url}/pages/inner.html" style="display:none"></iframe>
      </body></html>`,
    '/nested.html': `<!doctype html><html><head><title>Nested</title></head><body>
      <iframe src="/same.html" width="600" height="300"></iframe></body></html>`,
    '/same.html': `<!doctype html><html><head><title>Same</title></head><body>
      <button type="button">Same-origin button</button>
      <iframe src="${fixtures.url}/pages/inner.html" width="400" height="150"></iframe></body></html>`,
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
  session = await pool.acquire({ sessionId: `observe-${++count}` });
  await session.navigate(url);
  return session;
}

function byName(observation: Observation, name: string): ObservedElement {
  const found = observation.elements.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no element named '${name}' in ${JSON.stringify(observation.elements)}`);
  return found;
}

describe('open shadow roots', () => {
  it('lists, names, types into and clicks elements inside (nested) open shadow roots', async () => {
    const s = await open(`${other.url}/shadow.html`);
    const o = await s.observe();
    expect(o.elements.map((e) => `${e.role}:${e.name}`)).toEqual(['textbox:Shadow name', 'button:Nested send']);
    // text of a shadow root is read where its host sits; a closed root stays closed
    expect(o.text).toContain('Before the widget');
    expect(o.text).toContain('Text inside the shadow root');
    expect(o.text).not.toContain('Closed shadow button');

    const typed = await s.act({ kind: 'type', index: byName(o, 'Shadow name').index, text: 'Ada' });
    expect(typed).toMatchObject({ ok: true, message: "Typed 3 characters into textbox 'Shadow name'" });
    const after = await s.observe();
    expect(byName(after, 'Shadow name')).toMatchObject({ value: 'Ada', states: ['focused'], isNew: false });
    expect(byName(after, 'Shadow name').index).toBe(byName(o, 'Shadow name').index);

    const clicked = await s.act({ kind: 'click', index: byName(o, 'Nested send').index });
    expect(clicked).toMatchObject({ ok: true, message: "Clicked button 'Nested send'" });
    expect((await s.observe()).text).toContain('sent Ada');
  });

  it('clicks the shadow DOM button of the torture page', async () => {
    const s = await open(`${fixtures.url}/torture/`);
    const o = await s.observe();
    const button = byName(o, 'Shadow button');
    expect(button.role).toBe('button');
    expect(await s.act({ kind: 'click', index: button.index })).toMatchObject({ ok: true });
    // the page writes the event into its status line synchronously (the server hears of it later)
    expect((await s.observe()).text).toContain('shadow button clicked');
  });
});

describe('cross-origin frames', () => {
  it('observes visible cross-origin frames with session-wide indices and acts inside them', async () => {
    const s = await open(`${other.url}/cross.html`);
    const o = await s.observe();
    expect(o.elements.map((e) => e.name)).toEqual(['Outer button', 'Inner button', 'Frame note', 'Frame button']);
    const indices = o.elements.map((e) => e.index);
    expect(new Set(indices).size).toBe(indices.length);
    expect(o.text).toContain('[frame: Inner]\nInside the frame');
    expect(o.text).toContain('[frame: Inner frame]\nInside the frame.');
    expect(o.text).not.toContain('not shown');
    expect(o.text).not.toContain('could not be observed');

    const inner = byName(o, 'Inner button');
    expect(await s.act({ kind: 'click', index: inner.index })).toMatchObject({ ok: true, message: "Clicked button 'Inner button'" });
    const note = byName(o, 'Frame note');
    expect(await s.act({ kind: 'type', index: note.index, text: 'hello' })).toMatchObject({ ok: true });

    const after = await s.observe();
    expect(after.elements.map((e) => [e.index, e.name])).toEqual([
      [indices[0], 'Outer button'],
      [inner.index, 'Inner clicked'],
      [note.index, 'Frame note'],
      [indices[3], 'Frame button'],
    ]);
    expect(byName(after, 'Frame note')).toMatchObject({ value: 'hello', isNew: false });
  });

  it('reaches a cross-origin frame inside a same-origin frame', async () => {
    const s = await open(`${other.url}/nested.html`);
    const o = await s.observe();
    expect(o.elements.map((e) => e.name)).toEqual(['Same-origin button', 'Inner button']);
    expect(await s.act({ kind: 'click', index: byName(o, 'Inner button').index })).toMatchObject({ ok: true });
    expect(byName(await s.observe(), 'Inner clicked').index).toBe(byName(o, 'Inner button').index);
  });

  it('never reuses a frame index on a new document', async () => {
    const s = await open(`${other.url}/cross.html`);
    const o = await s.observe();
    const inner = byName(o, 'Inner button');
    await s.navigate(`${other.url}/nested.html`);
    expect(await s.act({ kind: 'click', index: inner.index })).toMatchObject({ ok: false, message: expect.stringContaining('observe the page again') });
    const fresh = await s.observe();
    expect(Math.min(...fresh.elements.map((e) => e.index))).toBeGreaterThan(Math.max(...o.elements.map((e) => e.index)));
  });
});

describe('screenshot with marks', () => {
  it('labels every observed element in the viewport, frames included, and leaves the page as it was', async () => {
    const s = await open(`${other.url}/cross.html`);
    const o = await s.observe();
    const plain = await s.screenshot();
    const marked = await (s as PlaywrightSessionBrowser).screenshotWithMarks();
    expect([...marked.jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect(marked.marks).toBe(o.elements.length);
    expect(marked.jpeg.equals(plain.jpeg)).toBe(false);
    const after = await s.observe();
    expect(after.elements.map((e) => [e.index, e.name])).toEqual(o.elements.map((e) => [e.index, e.name]));
    expect(after.text).toBe(o.text);
    expect((await s.screenshot()).jpeg.equals(plain.jpeg)).toBe(true);
  });
});
