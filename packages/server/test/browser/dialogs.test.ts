import { describe, expect, it } from 'vitest';
import type { Observation, SessionBrowser } from '../../src/browser/port.ts';
import type { PlaywrightSessionBrowser } from '../../src/browser/playwright/playwright-session-browser.ts';
import { DIALOG_PAGES } from './dialog-input-frame-pages.ts';
import { elementNamed, usePagesHarness } from './pages-harness.ts';

const pages = usePagesHarness('dialogs', DIALOG_PAGES);

async function open(): Promise<PlaywrightSessionBrowser> {
  return (await pages.open('/dialogs.html')) as PlaywrightSessionBrowser;
}

async function click(s: SessionBrowser, name: string) {
  return s.act({ kind: 'click', index: elementNamed(await s.observe(), name).index });
}

describe('confirm dialogs wait for the model', () => {
  it('returns from the click at once, observes the open dialog without the page, refuses other actions, and takes the answer', async () => {
    const s = await open();
    const before = await s.observe();
    const clicked = await s.act({ kind: 'click', index: elementNamed(before, 'Delete draft').index });
    expect(clicked).toEqual({
      ok: true,
      message: "Clicked button 'Delete draft'; a confirm dialog opened and waits for an answer: 'Delete the draft?'; answer it with answer_dialog",
      pageChanged: true,
    });

    // The page runs no script now: the observation still comes, from what is known without it.
    const blocked = await s.observe();
    expect(blocked).toMatchObject({
      url: `${pages.url}/dialogs.html`,
      title: 'Dialogs',
      elements: [],
      truncated: false,
      tabs: [{ index: 0, url: `${pages.url}/dialogs.html`, title: 'Dialogs', active: true }],
      dialog: { type: 'confirm', message: 'Delete the draft?', open: true },
    });
    expect(blocked.text).toContain('answer_dialog');
    expect(blocked.text).toContain('dismissed automatically after 60 s');
    expect(await s.pageInfo()).toEqual({ url: `${pages.url}/dialogs.html`, title: 'Dialogs' });
    await expect(s.screenshot()).rejects.toThrow('Screenshot failed: a confirm dialog is open on the page and must be answered first');

    const refused = await s.act({ kind: 'click', index: elementNamed(before, 'Ask name').index });
    expect(refused).toEqual({
      ok: false,
      message: "A confirm dialog is open on this tab ('Delete the draft?'): answer it with answer_dialog (accept true or false) before anything else",
      pageChanged: false,
    });

    const accepted = await s.act({ kind: 'answer_dialog', accept: true });
    expect(accepted).toEqual({ ok: true, message: "Accepted the confirm dialog 'Delete the draft?'", pageChanged: false });
    const after = await s.observe();
    expect(after.text).toContain('deleted');
    expect(after.dialog).toBeUndefined();
    // The document stayed: indices from before the dialog still work.
    expect(elementNamed(after, 'Delete draft').index).toBe(elementNamed(before, 'Delete draft').index);

    await click(s, 'Delete draft');
    expect(await s.act({ kind: 'answer_dialog', accept: false })).toEqual({
      ok: true,
      message: "Dismissed the confirm dialog 'Delete the draft?'",
      pageChanged: false,
    });
    expect((await s.observe()).text).toContain('kept');
  });

  it('answers that there is no dialog when none is open', async () => {
    const s = await open();
    expect(await s.act({ kind: 'answer_dialog', accept: true })).toEqual({
      ok: false,
      message: 'No dialog is open on this tab (alerts are accepted automatically)',
      pageChanged: false,
    });
  });

  it('reports a dialog opened by typing, and one opened later by a timer', async () => {
    const s = await open();
    const typed = await s.act({ kind: 'type', index: elementNamed(await s.observe(), 'Code').index, text: 'abc' });
    expect(typed).toMatchObject({ ok: true, pageChanged: true });
    expect(typed.message).toBe("Typed 3 characters into textbox 'Code'; a confirm dialog opened and waits for an answer: 'Use code abc?'; answer it with answer_dialog");
    await s.act({ kind: 'answer_dialog', accept: true });
    expect((await s.observe()).text).toContain('code used');

    await click(s, 'Confirm later');
    // Whether the dialog opened during the click or after it, observing neither hangs nor misses it.
    expect((await s.observe()).dialog).toEqual({ type: 'confirm', message: 'Later?', open: true });
    await s.act({ kind: 'answer_dialog', accept: false });
    expect((await s.observe()).text).toContain('later no');
  });
});

describe('prompt dialogs', () => {
  it('shows the prefilled value and enters the text given, keeps the prefilled one without text, and dismisses', async () => {
    const s = await open();
    await click(s, 'Ask name');
    const asked = await s.observe();
    expect(asked.dialog).toEqual({ type: 'prompt', message: 'Your name?', open: true, defaultValue: 'Ada' });
    expect(await s.act({ kind: 'answer_dialog', accept: true, text: 'Grace' })).toEqual({
      ok: true,
      message: "Entered 5 characters into the prompt dialog 'Your name?' and accepted it",
      pageChanged: false,
    });
    expect((await s.observe()).text).toContain('name: Grace');

    await click(s, 'Ask name');
    await s.act({ kind: 'answer_dialog', accept: true });
    expect((await s.observe()).text).toContain('name: Ada');

    await click(s, 'Ask name');
    await s.act({ kind: 'answer_dialog', accept: false, text: 'ignored' });
    expect((await s.observe()).text).toContain('no name');
  });
});

describe('dialogs nobody answers', () => {
  it('dismisses an unanswered dialog after the answer timeout and reports it once', async () => {
    const s = await open();
    s.dialogs.answerTimeoutMs = 300;
    await click(s, 'Delete draft');
    let seen: Observation | undefined;
    // Observations show the open dialog until the timeout dismisses it; the first one after says so.
    await expect
      .poll(
        async () => {
          seen = await s.observe();
          return seen.dialog?.open;
        },
        { timeout: 10_000, interval: 50 },
      )
      .toBe(false);
    expect(seen?.dialog).toEqual({ type: 'confirm', message: 'Delete the draft? (no answer within 300 ms: dismissed)', open: false });
    expect(seen?.text).toContain('kept');
    expect((await s.observe()).dialog).toBeUndefined();
  });

  it('keeps accepting alerts at once and reports them', async () => {
    const s = await open();
    const saved = await click(s, 'Save');
    expect(saved).toEqual({ ok: true, message: "Clicked button 'Save'; an alert dialog said 'Saved' and was accepted", pageChanged: false });
    const after = await s.observe();
    expect(after.dialog).toEqual({ type: 'alert', message: 'Saved (answered automatically: accepted)', open: false });
    expect(after.text).toContain('after alert');
  });

  it('lets a person using the live view go on: their input dismisses the dialog, and a click that opens one returns', async () => {
    const s = await open();
    // The Delete draft button sits fixed at the top left of the viewport.
    await s.input({ type: 'click', x: 50, y: 30 });
    expect((await s.observe()).dialog).toEqual({ type: 'confirm', message: 'Delete the draft?', open: true });
    await s.input({ type: 'key', key: 'Tab' });
    const after = await s.observe();
    expect(after.dialog).toEqual({ type: 'confirm', message: 'Delete the draft? (a person used the live view: dismissed)', open: false });
    expect(after.text).toContain('kept');
  });

  it('leaves the dialog behind when the tab is navigated', async () => {
    const s = await open();
    await click(s, 'Delete draft');
    expect(await s.navigate(`${pages.url}/leave.html`)).toEqual({ url: `${pages.url}/leave.html`, title: 'Elsewhere' });
    const after = await s.observe();
    expect(after.title).toBe('Elsewhere');
    expect(after.dialog).toEqual({ type: 'confirm', message: 'Delete the draft? (the tab was navigated: dismissed)', open: false });
  });
});
