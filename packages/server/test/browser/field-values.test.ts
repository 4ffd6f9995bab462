import { describe, expect, it } from 'vitest';
import { formatElement } from '../../src/agent/observation-format.ts';
import { READ_VALUE_MAX_CHARS } from '../../src/browser/playwright/read-value-action.ts';
import { elementNamed, usePagesHarness } from './pages-harness.ts';

// 1,234 characters whose end is recognisable.
const LONG = `${'lorem ipsum '.repeat(110)}THE END`.slice(-1_234);

const pages = usePagesHarness('field-values', {
  '/long.html': `<!doctype html><html><head><title>Long</title></head><body>
    <label>Notes <textarea id="notes"></textarea></label>
    <label>Short <input id="short" value="just this"></label>
    <label>Pass <input id="pass" type="password"></label>
    <label>Code <input id="code" autocomplete="one-time-code" value="482913"></label>
    <label>Huge <textarea id="huge"></textarea></label>
    <script>
      document.getElementById('notes').value = ${JSON.stringify(LONG)};
      document.getElementById('pass').value = 'x'.repeat(300);
      document.getElementById('huge').value = 'h'.repeat(${READ_VALUE_MAX_CHARS + 5_000});
    </script></body></html>`,
});

describe('long field values', () => {
  it('are cut in the observation, which says how long they are and how to read them', async () => {
    const s = await pages.open('/long.html');
    const o = await s.observe();
    const notes = elementNamed(o, 'Notes');
    expect(notes.value).toHaveLength(200);
    expect(notes.value?.endsWith('…')).toBe(true);
    expect(notes.valueLength).toBe(1_234);
    expect(formatElement(notes)).toContain(`(value cut: 1,234 chars; read_page with index ${notes.index} shows it all)`);
    // a short value says nothing more
    const short = elementNamed(o, 'Short');
    expect(short.value).toBe('just this');
    expect(short.valueLength).toBeUndefined();
    expect(elementNamed(o, 'Pass')).toMatchObject({ value: '••••' });
    expect(elementNamed(o, 'Pass').valueLength).toBeUndefined();
  });

  it('are read whole by read_text with the element index, in pages, up to the bound', async () => {
    const s = await pages.open('/long.html');
    const o = await s.observe();
    const notes = await s.act({ kind: 'read_text', index: elementNamed(o, 'Notes').index });
    expect(notes).toEqual({
      ok: true,
      message: "Read page 1 of 1 of the value of textbox 'Notes' (1,234 characters)",
      pageChanged: false,
      text: LONG,
      textPages: 1,
    });

    const huge = elementNamed(o, 'Huge').index;
    const first = await s.act({ kind: 'read_text', index: huge });
    expect(first.message).toBe(
      "Read page 1 of 13 of the value of textbox 'Huge' (105,000 characters); read page 2 for more; only its first 100,000 characters can be read",
    );
    expect(first.text).toHaveLength(8_000);
    const last = await s.act({ kind: 'read_text', index: huge, page: 13 });
    expect(last.text).toHaveLength(4_000);
    expect((await s.act({ kind: 'read_text', index: huge, page: 14 })).ok).toBe(false);
  });

  it('never reads a secret field: a password, or a one-time code by its autocomplete token', async () => {
    const s = await pages.open('/long.html');
    const o = await s.observe();
    for (const name of ['Pass', 'Code']) {
      expect(await s.act({ kind: 'read_text', index: elementNamed(o, name).index })).toEqual({
        ok: false,
        message: `The value of textbox '${name}' is secret; it is never read`,
        pageChanged: false,
      });
    }
  });
});
