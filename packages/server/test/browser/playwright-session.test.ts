import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { NavigationError, type Observation, type ObservedElement, type SessionBrowser } from '../../src/browser/port.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';

let server: FixtureServer;
let pool: PlaywrightBrowserPool;
let session: SessionBrowser;
let sessionCount = 0;

beforeAll(async () => {
  server = await startFixtureServer();
  pool = createPlaywrightBrowserPool({ warmContexts: 1, actionTimeoutMs: 5_000, navigationTimeoutMs: 10_000 });
  await pool.start();
});

afterAll(async () => {
  await pool.close();
  await server.close();
});

async function fresh(path?: string): Promise<SessionBrowser> {
  session = await pool.acquire({ sessionId: `s-${++sessionCount}` });
  if (path !== undefined) await session.navigate(`${server.url}${path}`);
  return session;
}

afterEach(async () => {
  await session?.close();
});

function byName(observation: Observation, name: string): ObservedElement {
  const found = observation.elements.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no element named '${name}' in ${JSON.stringify(observation.elements)}`);
  return found;
}

async function closedLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('navigate and screenshot', () => {
  it('opens a page and returns its final url and title', async () => {
    await fresh();
    const info = await session.navigate(`${server.url}/form/`);
    expect(info).toEqual({ url: `${server.url}/form/`, title: 'Register' });
    expect(await session.pageInfo()).toEqual(info);
  });

  it('takes a JPEG of the viewport', async () => {
    await fresh('/shop/');
    const shot = await session.screenshot();
    expect([...shot.jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect(shot.title).toBe('Tiny Shop');
  });

  it('refuses schemes other than http and https', async () => {
    await fresh();
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,hi', 'chrome://version', 'not a url']) {
      await expect(session.navigate(url)).rejects.toBeInstanceOf(NavigationError);
    }
    expect((await session.pageInfo()).url).toBe('about:blank');
  });

  it('turns an unreachable address into a readable NavigationError', async () => {
    await fresh();
    const port = await closedLoopbackPort();
    const error = await session.navigate(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NavigationError);
    const message = (error as Error).message;
    expect(message).toContain('ERR_CONNECTION_REFUSED');
    expect(message).not.toContain('\n');
    const result = await session.act({ kind: 'navigate', url: `http://127.0.0.1:${port}/x` });
    expect(result.ok).toBe(false);
    expect(result.message).toContain('ERR_CONNECTION_REFUSED');
  });

  it('stops waiting for a slow page when the signal aborts, and stays usable', async () => {
    await fresh();
    const controller = new AbortController();
    const pending = session.navigate(`${server.url}/slow?ms=20000`, { signal: controller.signal });
    controller.abort(new Error('user cancelled'));
    await expect(pending).rejects.toThrow('user cancelled');
    const info = await session.navigate(`${server.url}/pages/next.html`);
    expect(info.title).toBe('Next page');
  });

  it('waits for a slow page that answers within the timeout', async () => {
    await fresh();
    const info = await session.navigate(`${server.url}/slow?ms=300`);
    expect(info.title).toBe('Slow page');
  });
});

describe('observe', () => {
  it('lists the form controls with roles, names, values, states and options', async () => {
    await fresh('/form/');
    const observation = await session.observe();
    expect(observation.url).toBe(`${server.url}/form/`);
    expect(observation.title).toBe('Register');
    const summary = observation.elements.map((e) => `${e.role}:${e.name}`);
    expect(summary).toEqual([
      'textbox:Full name',
      'textbox:Email',
      'textbox:Password',
      'combobox:Country',
      'checkbox:I accept the terms',
      'button:Register',
    ]);
    expect(byName(observation, 'Full name').states).toEqual(['required']);
    expect(byName(observation, 'Country')).toMatchObject({
      tag: 'select',
      value: 'Choose…',
      options: ['Choose…', 'Canada', 'France', 'Japan'],
    });
    expect(observation.elements.every((e) => e.isNew)).toBe(true);
    expect(observation.text).toContain('# Create an account');
    expect(observation.text).toContain('Fill in the form to register');
    expect(observation.truncated).toBe(false);
    expect(observation.tabs).toEqual([{ index: 0, url: `${server.url}/form/`, title: 'Register', active: true }]);
    expect(observation.scroll.viewportHeight).toBe(800);
  });

  it('keeps indices stable, marks only new elements as new, and masks passwords', async () => {
    await fresh('/pages/start.html');
    const first = await session.observe();
    const second = await session.observe();
    expect(second.elements.map((e) => [e.index, e.name])).toEqual(first.elements.map((e) => [e.index, e.name]));
    expect(second.elements.some((e) => e.isNew)).toBe(false);

    const added = await session.act({ kind: 'click', index: byName(second, 'Add a button').index });
    expect(added).toMatchObject({ ok: true, message: "Clicked button 'Add a button'", pageChanged: false });
    const third = await session.observe();
    const appeared = third.elements.filter((e) => e.isNew);
    expect(appeared.map((e) => e.name)).toEqual(['Fresh button']);
    expect(appeared[0]!.index).toBeGreaterThan(Math.max(...first.elements.map((e) => e.index)));
    expect(byName(third, 'Show alert').index).toBe(byName(first, 'Show alert').index);

    // hidden elements are left out, disabled ones say so, aria states are reported
    expect(third.elements.find((e) => e.name === 'Hidden button')).toBeUndefined();
    expect(byName(third, 'Disabled button').states).toEqual(['disabled']);
    expect(byName(third, 'Menu')).toMatchObject({ role: 'button', tag: 'div', states: ['collapsed'] });
    expect(byName(third, 'Go to the next page').href).toBe(`${server.url}/pages/next.html`);

    await session.navigate(`${server.url}/form/`);
    const form = await session.observe();
    expect(Math.min(...form.elements.map((e) => e.index))).toBeGreaterThan(appeared[0]!.index);
    await session.act({ kind: 'type', index: byName(form, 'Password').index, text: 'hunter2' });
    const typed = await session.observe();
    expect(byName(typed, 'Password').value).toBe('••••');
    expect(JSON.stringify(typed)).not.toContain('hunter2');
  });

  it('renders tables as rows and leaves hidden text out', async () => {
    await fresh('/pages/table.html');
    const { text } = await session.observe();
    expect(text).toBe('## Opening hours\nDay | Hours\nMonday | 9–17\nSaturday | 10–14');
  });

  it('cuts a long page to the text budget and says so', async () => {
    await fresh('/long/');
    const observation = await session.observe();
    expect(observation.truncated).toBe(true);
    expect(observation.text.length).toBeLessThanOrEqual(6_000);
    expect(observation.text).toContain('# A long page');
    expect(observation.text).not.toContain('THE END');
    expect(observation.scroll.height).toBeGreaterThan(observation.scroll.viewportHeight);
  });

  it('includes elements of same-origin frames and can click them', async () => {
    await fresh('/pages/frames.html');
    const observation = await session.observe();
    expect(observation.text).toContain('Inside the frame');
    const inner = byName(observation, 'Inner button');
    const result = await session.act({ kind: 'click', index: inner.index });
    expect(result).toMatchObject({ ok: true, message: "Clicked button 'Inner button'" });
    const after = await session.observe();
    expect(after.elements.find((e) => e.index === inner.index)?.name).toBe('Inner clicked');
  });
});

describe('act', () => {
  it('fills and submits the registration form; the server records it', async () => {
    await fresh('/form/');
    const o = await session.observe();
    const steps = [
      await session.act({ kind: 'type', index: byName(o, 'Full name').index, text: 'Ada Lovelace' }),
      await session.act({ kind: 'type', index: byName(o, 'Email').index, text: 'ada@example.com' }),
      await session.act({ kind: 'select', index: byName(o, 'Country').index, option: 'France' }),
      await session.act({ kind: 'click', index: byName(o, 'I accept the terms').index }),
    ];
    expect(steps.map((s) => s.message)).toEqual([
      "Typed 12 characters into textbox 'Full name'",
      "Typed 15 characters into textbox 'Email'",
      "Selected 'France' in combobox 'Country'",
      "Clicked checkbox 'I accept the terms'",
    ]);
    expect(steps.every((s) => s.ok && !s.pageChanged)).toBe(true);
    const checked = await session.observe();
    expect(byName(checked, 'I accept the terms').states).toEqual(['checked', 'focused']);
    expect(byName(checked, 'Country').value).toBe('France');
    expect(byName(checked, 'Full name').value).toBe('Ada Lovelace');

    const submit = await session.act({ kind: 'click', index: byName(o, 'Register').index });
    expect(submit).toMatchObject({ ok: true, pageChanged: true });
    expect((await session.observe()).text).toContain('# Thank you, Ada Lovelace');
    expect(server.state.submissions.at(-1)).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      country: 'fr',
      termsAccepted: true,
      accepted: true,
      errors: [],
    });
  });

  it('shows the validation error the server renders', async () => {
    await fresh('/form/');
    const o = await session.observe();
    await session.act({ kind: 'type', index: byName(o, 'Full name').index, text: 'Bob' });
    await session.act({ kind: 'type', index: byName(o, 'Email').index, text: 'not-an-email' });
    const result = await session.act({ kind: 'click', index: byName(o, 'Register').index });
    expect(result.pageChanged).toBe(true);
    const after = await session.observe();
    expect(after.text).toContain('Please enter a valid email address.');
    expect(after.text).toContain('You must accept the terms.');
    expect(byName(after, 'Full name').value).toBe('Bob');
    expect(server.state.submissions.at(-1)).toMatchObject({ name: 'Bob', accepted: false });
  });

  it('types with append and submit, and presses keys', async () => {
    await fresh('/pages/start.html');
    const o = await session.observe();
    const notes = byName(o, 'Notes').index;
    await session.act({ kind: 'type', index: notes, text: 'ab' });
    const appended = await session.act({ kind: 'type', index: notes, text: 'cd', clear: false, submit: true });
    expect(appended).toMatchObject({ ok: true, message: "Appended 2 characters into textbox 'Notes' and pressed Enter" });
    expect((await session.observe()).text).toContain('Notes submitted: abcd');

    await session.act({ kind: 'type', index: notes, text: 'xyz' });
    expect(await session.act({ kind: 'press', key: 'Control+A' })).toMatchObject({ ok: true, message: 'Pressed Control+A' });
    await session.act({ kind: 'press', key: 'Backspace' });
    await session.act({ kind: 'press', key: 'Enter' });
    expect((await session.observe()).text).toMatch(/Notes submitted:\n/);
    expect(byName(await session.observe(), 'Notes').value).toBeUndefined();

    const bad = await session.act({ kind: 'press', key: 'NoSuchKey' });
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/Unknown key/);
  });

  it('follows links, goes back, and reports page changes', async () => {
    await fresh('/pages/start.html');
    const o = await session.observe();
    const click = await session.act({ kind: 'click', index: byName(o, 'Go to the next page').index });
    expect(click).toMatchObject({ ok: true, message: "Clicked link 'Go to the next page'", pageChanged: true });
    expect((await session.pageInfo()).title).toBe('Next page');
    const back = await session.act({ kind: 'back' });
    expect(back).toMatchObject({ ok: true, pageChanged: true, message: `Went back to ${server.url}/pages/start.html` });
    const nav = await session.act({ kind: 'navigate', url: `${server.url}/shop/` });
    expect(nav).toMatchObject({ ok: true, pageChanged: true, message: `Opened ${server.url}/shop/ ('Tiny Shop')` });
  });

  it('says when there is no page to go back to', async () => {
    await fresh();
    expect(await session.act({ kind: 'back' })).toEqual({
      ok: false,
      message: 'There is no previous page in this tab',
      pageChanged: false,
    });
  });

  it('searches the shop and reads a price', async () => {
    await fresh('/shop/');
    const o = await session.observe();
    const search = await session.act({ kind: 'type', index: byName(o, 'Search products').index, text: 'kettle', submit: true });
    expect(search.pageChanged).toBe(true);
    const results = await session.observe();
    const product = await session.act({ kind: 'click', index: byName(results, 'Red Kettle').index });
    expect(product.pageChanged).toBe(true);
    expect((await session.observe()).text).toContain('Price: $39.00');
  });

  it('scrolls the page', async () => {
    await fresh('/pages/start.html');
    const down = await session.act({ kind: 'scroll', direction: 'down' });
    expect(down).toMatchObject({ ok: true, pageChanged: false });
    expect(down.message).toMatch(/^Scrolled down to y=640 of \d+ \(viewport 800\)$/);
    expect((await session.observe()).scroll.y).toBe(640);
    await session.act({ kind: 'scroll', direction: 'up', amount: 2 });
    expect((await session.observe()).scroll.y).toBe(0);
    expect((await session.act({ kind: 'scroll', direction: 'up' })).message).toMatch(/^Already at the top/);
  });

  it('reads visible text page by page', async () => {
    await fresh('/long/');
    const first = await session.act({ kind: 'read_text' });
    expect(first.ok).toBe(true);
    const total = Number(/page 1 of (\d+)/.exec(first.message)?.[1]);
    expect(total).toBeGreaterThanOrEqual(3);
    expect(first.text!.length).toBe(8_000);
    expect(first.text).toContain('A long page');
    const last = await session.act({ kind: 'read_text', page: total });
    expect(last.message).toContain(`page ${total} of ${total}`);
    expect(last.text).toContain('THE END OF THE LONG PAGE');
    const beyond = await session.act({ kind: 'read_text', page: total + 1 });
    expect(beyond).toMatchObject({ ok: false, pageChanged: false });
    expect(beyond.text).toBeUndefined();
  });

  it('accepts alerts and reports them; a confirm waits for answer_dialog (see dialogs.test.ts)', async () => {
    await fresh('/pages/start.html');
    const o = await session.observe();
    const alert = await session.act({ kind: 'click', index: byName(o, 'Show alert').index });
    expect(alert.message).toBe("Clicked button 'Show alert'; an alert dialog said 'Hello from an alert' and was accepted");
    expect((await session.observe()).dialog).toEqual({ type: 'alert', message: 'Hello from an alert (answered automatically: accepted)', open: false });
    const confirm = await session.act({ kind: 'click', index: byName(o, 'Ask confirm').index });
    expect(confirm.message).toContain("a confirm dialog opened and waits for an answer: 'Really?'");
    expect((await session.observe()).dialog).toEqual({ type: 'confirm', message: 'Really?', open: true });
    expect(await session.act({ kind: 'answer_dialog', accept: false })).toMatchObject({ ok: true, message: "Dismissed the confirm dialog 'Really?'" });
    const after = await session.observe();
    expect(after.text).toContain('cancelled');
    expect(after.dialog).toBeUndefined();
  });

  it('switches to a tab opened by a click', async () => {
    await fresh('/pages/start.html');
    const o = await session.observe();
    const result = await session.act({ kind: 'click', index: byName(o, 'Open next page in a new tab').index });
    expect(result).toMatchObject({ ok: true, pageChanged: true });
    expect(result.message).toContain('opened a new tab');
    const after = await session.observe();
    expect(after.title).toBe('Next page');
    expect(after.tabs.map((t) => [t.title, t.active])).toEqual([
      ['Start page', false],
      ['Next page', true],
    ]);
  });

  it('returns readable failures instead of throwing', async () => {
    await fresh('/form/');
    const o = await session.observe();
    expect(await session.act({ kind: 'click', index: 9999 })).toEqual({
      ok: false,
      message: 'No element with index 9999; observe the page again',
      pageChanged: false,
    });
    const notSelect = await session.act({ kind: 'select', index: byName(o, 'Email').index, option: 'x' });
    expect(notSelect).toMatchObject({ ok: false, message: "Element 2 (textbox 'Email') is not a <select>; click it to open its options instead".replace('2', String(byName(o, 'Email').index)) });
    const noOption = await session.act({ kind: 'select', index: byName(o, 'Country').index, option: 'Mars' });
    expect(noOption).toMatchObject({ ok: false, message: "No option 'Mars' in combobox 'Country'; options are: Choose…, Canada, France, Japan" });
    const typeCheckbox = await session.act({ kind: 'type', index: byName(o, 'I accept the terms').index, text: 'x' });
    expect(typeCheckbox.ok).toBe(false);
    expect(typeCheckbox.message).not.toContain('\n');
    expect(typeCheckbox.message).not.toMatch(/at .*\.js/);

    // an index from an old document is not found on the new one
    await session.navigate(`${server.url}/pages/next.html`);
    const stale = await session.act({ kind: 'click', index: byName(o, 'Register').index });
    expect(stale).toMatchObject({ ok: false, message: expect.stringContaining('observe the page again') });
  });

  it('refuses to act on a disabled element without waiting for it', async () => {
    await fresh('/pages/start.html');
    const o = await session.observe();
    const disabled = byName(o, 'Disabled button');
    expect(await session.act({ kind: 'click', index: disabled.index })).toEqual({
      ok: false,
      message: `Element ${disabled.index} (button 'Disabled button') is disabled`,
      pageChanged: false,
    });
  });

  it('honours an abort signal', async () => {
    await fresh('/pages/start.html');
    const aborted = AbortSignal.abort(new Error('stop now'));
    await expect(session.act({ kind: 'scroll', direction: 'down' }, { signal: aborted })).rejects.toThrow('stop now');
    const controller = new AbortController();
    const pending = session.act({ kind: 'navigate', url: `${server.url}/slow?ms=20000` }, { signal: controller.signal });
    controller.abort(new Error('cancelled mid-way'));
    await expect(pending).rejects.toThrow('cancelled mid-way');
    expect(await session.act({ kind: 'navigate', url: `${server.url}/pages/next.html` })).toMatchObject({ ok: true });
  });
});
