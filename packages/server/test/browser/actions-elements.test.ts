import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import type { Observation, ObservedElement, SessionBrowser } from '../../src/browser/port.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import { startActionPages, type ActionPages } from './action-pages.ts';
import { chromiumProcesses } from './chromium-processes.ts';

let fixtures: FixtureServer;
let pages: ActionPages;
let pool: PlaywrightBrowserPool;
let session: SessionBrowser | undefined;
let sessionCount = 0;

beforeAll(async () => {
  fixtures = await startFixtureServer();
  pages = await startActionPages();
  pool = createPlaywrightBrowserPool({ warmContexts: 1, actionTimeoutMs: 5_000, navigationTimeoutMs: 10_000 });
  await pool.start();
});

afterEach(async () => {
  await session?.close();
  session = undefined;
});

afterAll(async () => {
  await pool?.close();
  await Promise.all([fixtures?.close(), pages?.close()]);
  expect(chromiumProcesses()).toEqual([]);
});

async function open(url: string): Promise<SessionBrowser> {
  session = await pool.acquire({ sessionId: `actions-${++sessionCount}` });
  await session.navigate(url);
  return session;
}

function byName(observation: Observation, name: string | RegExp): ObservedElement {
  const found = observation.elements.find((e) => (typeof name === 'string' ? e.name === name : name.test(e.name)));
  if (found === undefined) throw new Error(`no element named ${String(name)} in ${JSON.stringify(observation.elements)}`);
  return found;
}

describe('hover', () => {
  it('moves the mouse over the element, so hover handlers run', async () => {
    const browser = await open(`${pages.url}/hover.html`);
    const menu = byName(await browser.observe(), 'Products');
    const result = await browser.act({ kind: 'hover', index: menu.index });
    expect(result).toEqual({ ok: true, message: "Hovered over button 'Products'", pageChanged: false });
    expect((await browser.observe()).text).toContain('Menu is open');
  });

  it('answers a stale index with a readable failure', async () => {
    const browser = await open(`${pages.url}/hover.html`);
    const result = await browser.act({ kind: 'hover', index: 9_999 });
    expect(result).toEqual({ ok: false, message: 'No element with index 9999; observe the page again', pageChanged: false });
  });
});

describe('check', () => {
  it('checks and unchecks a native checkbox, and is idempotent', async () => {
    const browser = await open(`${fixtures.url}/form/`);
    const terms = byName(await browser.observe(), 'I accept the terms');
    const checked = await browser.act({ kind: 'check', index: terms.index, checked: true });
    expect(checked).toEqual({ ok: true, message: "Checkbox 'I accept the terms' is now checked", pageChanged: false });
    expect(byName(await browser.observe(), 'I accept the terms').states).toContain('checked');

    const again = await browser.act({ kind: 'check', index: terms.index, checked: true });
    expect(again).toEqual({ ok: true, message: "Checkbox 'I accept the terms' is already checked", pageChanged: false });

    const unchecked = await browser.act({ kind: 'check', index: terms.index, checked: false });
    expect(unchecked.message).toBe("Checkbox 'I accept the terms' is now unchecked");
    expect(byName(await browser.observe(), 'I accept the terms').states ?? []).not.toContain('checked');
  });

  it('selects a radio button of a group and refuses to uncheck one', async () => {
    const browser = await open(`${pages.url}/radios.html`);
    const plan = await browser.observe();
    const pro = byName(plan, 'Pro');
    expect(pro.role).toBe('radio');
    expect(await browser.act({ kind: 'check', index: pro.index, checked: true })).toEqual({
      ok: true,
      message: "Radio 'Pro' is now checked",
      pageChanged: false,
    });
    const after = await browser.observe();
    expect(byName(after, 'Pro').states).toContain('checked');
    expect(byName(after, 'Free').states ?? []).not.toContain('checked');

    const refused = await browser.act({ kind: 'check', index: pro.index, checked: false });
    expect(refused).toEqual({
      ok: false,
      message: "A radio button cannot be unchecked (radio 'Pro'); check another option of its group instead",
      pageChanged: false,
    });
  });

  it('turns an ARIA switch on and an ARIA checkbox off', async () => {
    const browser = await open(`${pages.url}/switches.html`);
    const observation = await browser.observe();
    const dark = byName(observation, 'Dark mode');
    const remember = byName(observation, 'Remember me');
    expect(await browser.act({ kind: 'check', index: dark.index, checked: true })).toEqual({
      ok: true,
      message: "Switch 'Dark mode' is now on",
      pageChanged: false,
    });
    expect(await browser.act({ kind: 'check', index: dark.index, checked: true })).toMatchObject({ ok: true, message: "Switch 'Dark mode' is already on" });
    expect(await browser.act({ kind: 'check', index: remember.index, checked: false })).toMatchObject({
      ok: true,
      message: "Checkbox 'Remember me' is now unchecked",
    });
    const after = await browser.observe();
    expect(byName(after, 'Dark mode').states).toContain('checked');
    expect(byName(after, 'Remember me').states ?? []).not.toContain('checked');
  });

  it('refuses an element that has no checked state', async () => {
    const browser = await open(`${pages.url}/switches.html`);
    const button = byName(await browser.observe(), 'Plain button');
    const result = await browser.act({ kind: 'check', index: button.index, checked: true });
    expect(result).toEqual({
      ok: false,
      message: `Element ${button.index} (button 'Plain button') is not a checkbox, radio or switch; click it instead`,
      pageChanged: false,
    });
  });
});

describe('forward and reload', () => {
  it('goes back, then forward again, and says so when there is nothing ahead', async () => {
    const browser = await open(`${fixtures.url}/pages/start.html`);
    await browser.navigate(`${fixtures.url}/pages/next.html`);
    expect((await browser.act({ kind: 'back' })).pageChanged).toBe(true);
    const forward = await browser.act({ kind: 'forward' });
    expect(forward).toEqual({ ok: true, message: `Went forward to ${fixtures.url}/pages/next.html`, pageChanged: true });
    expect(await browser.act({ kind: 'forward' })).toEqual({ ok: false, message: 'There is no next page in this tab', pageChanged: false });
  });

  it('reloads the page: a new document, state on the page is gone', async () => {
    const browser = await open(`${fixtures.url}/pages/start.html`);
    const add = byName(await browser.observe(), 'Add a button');
    await browser.act({ kind: 'click', index: add.index });
    expect((await browser.observe()).elements.some((e) => e.name === 'Fresh button')).toBe(true);
    const result = await browser.act({ kind: 'reload' });
    expect(result).toEqual({ ok: true, message: `Reloaded ${fixtures.url}/pages/start.html`, pageChanged: true });
    expect((await browser.observe()).elements.some((e) => e.name === 'Fresh button')).toBe(false);
  });
});

describe('wait_for', () => {
  it('waits for a text that appears later', async () => {
    const browser = await open(`${pages.url}/late.html?ms=300`);
    const result = await browser.act({ kind: 'wait_for', text: 'results are ready', timeoutMs: 5_000 });
    expect(result).toEqual({ ok: true, message: `'results are ready' is visible on ${pages.url}/late.html?ms=300`, pageChanged: false });
  });

  it('answers ok:false with the waited time when the text does not come', async () => {
    const browser = await open(`${pages.url}/late.html?ms=60000`);
    const result = await browser.act({ kind: 'wait_for', text: 'results are ready', timeoutMs: 200 });
    expect(result).toEqual({ ok: false, message: `'results are ready' not seen within 200 ms on ${pages.url}/late.html?ms=60000`, pageChanged: false });
  });

  it('follows a navigation to the page that shows the text, and reports the page change', async () => {
    // The first page would show the text only after 8 s; it navigates after 1 s (while wait_for
    // watches, even on a busy machine) to a page that shows it at once.
    const browser = await open(`${pages.url}/late.html?ms=8000&goms=1000&go=/late.html%3Fms%3D0%26done%3D1`);
    const result = await browser.act({ kind: 'wait_for', text: 'results are ready', timeoutMs: 5_000 });
    expect(result.ok).toBe(true);
    expect(result.pageChanged).toBe(true);
    expect((await browser.pageInfo()).url).toBe(`${pages.url}/late.html?ms=0&done=1`);
  });

  it('without a text, waits for the page to finish loading', async () => {
    const browser = await open(`${fixtures.url}/torture/`);
    const result = await browser.act({ kind: 'wait_for', timeoutMs: 10_000 });
    expect(result).toEqual({ ok: true, message: `The page has loaded: ${fixtures.url}/torture/`, pageChanged: false });
  });
});

describe('scroll', () => {
  it('scrolls the page when given only a direction (down by default)', async () => {
    const browser = await open(`${fixtures.url}/pages/start.html`);
    const result = await browser.act({ kind: 'scroll' });
    expect(result.ok).toBe(true);
    expect(result.message).toMatch(/^Scrolled down to y=\d+/);
    expect((await browser.observe()).scroll.y).toBeGreaterThan(0);
  });

  it('scrolls to the first visible occurrence of a text', async () => {
    const browser = await open(`${fixtures.url}/long/`);
    const result = await browser.act({ kind: 'scroll', toText: 'THE END OF THE LONG PAGE' });
    expect(result.ok).toBe(true);
    expect(result.message).toMatch(/^Scrolled to 'THE END OF THE LONG PAGE': y=\d+/);
    const { scroll } = await browser.observe();
    expect(scroll.y + scroll.viewportHeight).toBeGreaterThan(scroll.height - scroll.viewportHeight);
    const missing = await browser.act({ kind: 'scroll', toText: 'no such words anywhere' });
    expect(missing).toMatchObject({ ok: false, pageChanged: false });
    expect(missing.message).toMatch(/^No visible text 'no such words anywhere' on this page/);
  });

  it('scrolls an element into view, and inside its scroll area', async () => {
    const browser = await open(`${pages.url}/scroll.html`);
    const observation = await browser.observe();
    const row1 = byName(observation, 'Row 1');
    const intoView = await browser.act({ kind: 'scroll', index: row1.index, direction: 'down' });
    expect(intoView.ok).toBe(true);
    expect(intoView.message).toMatch(/^Scrolled down the scroll area around button 'Row 1' to y=\d+/);
    expect((await browser.observe()).scroll.y).toBe(0);

    const up = await browser.act({ kind: 'scroll', index: row1.index, direction: 'up', amount: 10 });
    expect(up.message).toMatch(/^Scrolled up the scroll area around button 'Row 1' to y=0/);
    const top = await browser.act({ kind: 'scroll', index: row1.index, direction: 'up' });
    expect(top.message).toMatch(/^Already at the top of the scroll area around button 'Row 1'/);
  });

  it('brings a far element into view by index', async () => {
    const browser = await open(`${pages.url}/scroll.html`);
    expect((await browser.act({ kind: 'scroll', toText: 'Far button' })).ok).toBe(true);
    const far = byName(await browser.observe(), 'Far button');
    expect((await browser.act({ kind: 'scroll', direction: 'up', amount: 10 })).ok).toBe(true);
    expect((await browser.observe()).scroll.y).toBe(0);
    const result = await browser.act({ kind: 'scroll', index: far.index });
    expect(result).toEqual({ ok: true, message: "Scrolled button 'Far button' into view", pageChanged: false });
    expect((await browser.observe()).scroll.y).toBeGreaterThan(1_000);
  });

  it('refuses index and to_text together', async () => {
    const browser = await open(`${pages.url}/scroll.html`);
    const result = await browser.act({ kind: 'scroll', index: 1, toText: 'Footer words' });
    expect(result).toEqual({ ok: false, message: 'Give either index or to_text to scroll, not both', pageChanged: false });
  });
});

describe('navigations an action starts a moment later', () => {
  // A fixed grace shorter than these timers would return before the navigation and miss it.
  it('follows a navigation a click handler starts from a short timer', async () => {
    const browser = await open(`${pages.url}/soon.html`);
    const result = await browser.act({ kind: 'click', index: byName(await browser.observe(), 'Go soon').index });
    expect(result).toMatchObject({ ok: true, pageChanged: true });
    expect((await browser.pageInfo()).url).toBe(`${pages.url}/hover.html`);
  });

  it('follows one started by a timer of a timer, by an animation frame, and by pressing Enter', async () => {
    const browser = await open(`${pages.url}/soon.html`);
    const frame = await browser.act({ kind: 'click', index: byName(await browser.observe(), 'Go next frame').index });
    expect(frame).toMatchObject({ ok: true, pageChanged: true });
    expect((await browser.pageInfo()).url).toBe(`${pages.url}/scroll.html`);

    await browser.navigate(`${pages.url}/soon.html`);
    const twoSteps = await browser.act({ kind: 'click', index: byName(await browser.observe(), 'Go in two steps').index });
    expect(twoSteps).toMatchObject({ ok: true, pageChanged: true });
    expect((await browser.pageInfo()).url).toBe(`${pages.url}/radios.html`);

    await browser.navigate(`${pages.url}/soon.html`);
    await browser.act({ kind: 'click', index: byName(await browser.observe(), 'Code').index });
    const pressed = await browser.act({ kind: 'press', key: 'Enter' });
    expect(pressed).toMatchObject({ ok: true, pageChanged: true });
    expect((await browser.pageInfo()).url).toBe(`${pages.url}/radios.html`);
  });

  it('follows a tab a timer opens', async () => {
    const browser = await open(`${pages.url}/soon.html`);
    const result = await browser.act({ kind: 'click', index: byName(await browser.observe(), 'Open soon').index });
    expect(result).toMatchObject({ ok: true, pageChanged: true });
    expect(result.message).toContain('opened a new tab');
    expect((await browser.pageInfo()).url).toBe(`${pages.url}/switches.html`);
  });

  it('returns from a click that changes nothing, and lets a timer that only changes the page finish', async () => {
    const browser = await open(`${pages.url}/soon.html`);
    // The page runs a setTimeout loop all along: that is not the action's doing and must not hold it.
    const nothing = await browser.act({ kind: 'click', index: byName(await browser.observe(), 'Do nothing').index });
    expect(nothing).toEqual({ ok: true, message: "Clicked button 'Do nothing'", pageChanged: false });
    expect((await browser.pageInfo()).url).toBe(`${pages.url}/soon.html`);

    const changed = await browser.act({ kind: 'click', index: byName(await browser.observe(), 'Change soon').index });
    expect(changed).toMatchObject({ ok: true, pageChanged: false });
    // The probe waited for the action's own timer, so its effect is already there.
    expect((await browser.observe()).text).toContain('Done soon');
    expect((await browser.pageInfo()).url).toBe(`${pages.url}/soon.html`);
  });
});
