import { describe, expect, it } from 'vitest';
import { elementNamed, usePagesHarness } from './pages-harness.ts';

// select_text selects a phrase the way a person does, by dragging over it, so a page that acts on
// mouseup (a highlighter) sees the selection; in text fields and links it is set directly.

const pages = usePagesHarness('select-text', {
  '/article.html': `<!doctype html><html><head><title>Article</title></head><body>
    <article aria-label="Story">
      <p id="p1">The   quick brown
        fox <em>jumps over</em> the lazy dog.</p>
      <p id="p2">A second paragraph mentions the quick brown fox again.</p>
      <p style="display:none">hidden phrase nobody sees</p>
      <p><a href="/elsewhere.html">a linked phrase here</a></p>
    </article>
    <label>Notes <textarea>first line, then the part to mark, then more</textarea></label>
    <p>Highlights: <span id="highlights"></span></p>
    <p>Selection: [<span id="selection"></span>] in <span id="anchor"></span></p>
    <p>Field selection: [<span id="field"></span>]</p>
    <script>
      // What is selected now, where, as the page reads it (the test reads it from the observation).
      document.addEventListener('selectionchange', () => {
        const s = document.getSelection();
        document.getElementById('selection').textContent = s.toString().replace(/\\s+/g, ' ');
        document.getElementById('anchor').textContent = s.anchorNode?.parentElement?.id || '-';
      });
      const area = document.querySelector('textarea');
      area.addEventListener('select', () => { document.getElementById('field').textContent = area.value.slice(area.selectionStart, area.selectionEnd); });
      // A highlighter: what is selected when the mouse is released, and whether a person did it.
      document.addEventListener('mouseup', (e) => {
        const text = document.getSelection().toString();
        if (text) document.getElementById('highlights').textContent += '[' + text.replace(/\\s+/g, ' ') + '|' + (e.isTrusted ? 'person' : 'script') + ']';
      });
    </script></body></html>`,
  '/elsewhere.html': '<!doctype html><title>Elsewhere</title><p>moved</p>',
});

type Session = Awaited<ReturnType<typeof pages.open>>;
/** A line of the page's text as the observation gives it, e.g. "Selection: [...] in p1". */
// The page writes these lines on selectionchange and select, which fire a task after the selection
// changes, so a test reads them with expect.poll.
async function line(s: Session, label: string): Promise<string> {
  const text = (await s.observe()).text;
  const found = text.split('\n').find((l) => l.includes(`${label}:`));
  if (found === undefined) throw new Error(`no '${label}' line in ${text}`);
  return found.slice(found.indexOf(`${label}:`) + label.length + 1).trim();
}

describe('select_text', () => {
  it('drags over a phrase across elements and spacing, so a mouseup highlighter sees it from a person', async () => {
    const s = await pages.open('/article.html');
    const result = await s.act({ kind: 'select_text', text: 'quick brown fox jumps over the lazy' });
    expect(result).toMatchObject({ ok: true, pageChanged: false });
    expect(result.message).toMatch(/^Selected 'quick brown\s+fox jumps over the lazy' on the page$/);
    await expect.poll(() => line(s, 'Selection')).toBe('[quick brown fox jumps over the lazy] in p1');
    await expect.poll(() => line(s, 'Highlights')).toBe('[quick brown fox jumps over the lazy|person]');
  });

  it('falls back to a case-insensitive match, and selects the first occurrence as the page spells it', async () => {
    const s = await pages.open('/article.html');
    expect(await s.act({ kind: 'select_text', text: 'QUICK BROWN FOX' })).toMatchObject({ ok: true });
    await expect.poll(() => line(s, 'Selection')).toBe('[quick brown fox] in p1');
  });

  it('selects inside a text field without the mouse', async () => {
    const s = await pages.open('/article.html');
    const notes = elementNamed(await s.observe(), 'Notes');
    const result = await s.act({ kind: 'select_text', text: 'the part to mark', index: notes.index });
    expect(result).toMatchObject({ ok: true, message: "Selected 'the part to mark' in textbox 'Notes'" });
    await expect.poll(() => line(s, 'Field selection')).toBe('[the part to mark]');
  });

  it('selects text in a link without clicking it, and refuses hidden or absent text', async () => {
    const s = await pages.open('/article.html');
    const link = elementNamed(await s.observe(), 'a linked phrase here');
    expect(await s.act({ kind: 'select_text', text: 'linked phrase', index: link.index })).toMatchObject({ ok: true, pageChanged: false, message: "Selected 'linked phrase' in link 'a linked phrase here'" });
    await expect.poll(() => line(s, 'Selection')).toMatch(/^\[linked phrase\] in /);
    expect(new URL((await s.observe()).url).pathname).toBe('/article.html');
    const hidden = await s.act({ kind: 'select_text', text: 'hidden phrase' });
    expect(hidden).toMatchObject({ ok: false, message: "No visible text 'hidden phrase' on the page; read_page shows the page's text as it is" });
    expect((await s.act({ kind: 'select_text', text: 'not on this page at all' })).ok).toBe(false);
    expect(await s.act({ kind: 'select_text', text: 'x', index: 999 })).toMatchObject({ ok: false });
  });
});
