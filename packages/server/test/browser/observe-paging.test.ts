import { describe, expect, it } from 'vitest';
import type { SessionBrowser } from '../../src/browser/port.ts';
import { usePagesHarness } from './pages-harness.ts';

const BUTTONS = 400;
const manyButtons = Array.from({ length: BUTTONS }, (_, i) => `<p><button type="button">B${i + 1}</button></p>`).join('\n');

const pages = usePagesHarness('paging', {
  '/many.html': `<!doctype html><html><head><title>Many</title></head><body><h1>Many buttons</h1>${manyButtons}</body></html>`,
  '/prose.html': `<!doctype html><html><head><title>Prose</title></head><body><h1>Prose</h1>${Array.from({ length: 300 }, (_, i) => `<p>Paragraph ${i + 1} of a long article about nothing in particular.</p>`).join('')}<p>LAST PARAGRAPH</p></body></html>`,
  '/few.html': `<!doctype html><html><head><title>Few</title></head><body><h1>Few</h1><button>One</button></body></html>`,
});
const open = (path: string): Promise<SessionBrowser> => pages.open(path);

const numbers = (names: string[]): number[] => names.map((n) => Number(n.slice(1)));

describe('paging long pages', () => {
  it('lists the elements nearest the viewport and says how many more there are and where', async () => {
    const s = await open('/many.html');
    const top = await s.observe();
    expect(top.truncated).toBe(true);
    expect(top.elements).toHaveLength(150);
    expect(numbers(top.elements.map((e) => e.name))).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(top.text).toContain('[150 of 400 interactive elements listed, those nearest the viewport; 250 below or further away: scroll to list them]');

    // scrolled to the middle, the list follows the viewport and counts both sides
    await s.act({ kind: 'scroll', direction: 'down', amount: 5 });
    const middle = await s.observe();
    const shown = numbers(middle.elements.map((e) => e.name));
    expect(shown).toHaveLength(150);
    const first = shown[0]!;
    expect(first).toBeGreaterThan(1);
    expect(shown).toEqual(Array.from({ length: 150 }, (_, i) => first + i));
    const above = first - 1;
    const below = BUTTONS - 150 - above;
    expect(middle.text).toContain(`[150 of 400 interactive elements listed, those nearest the viewport; ${above} above and ${below} below or further away`);
    // an element keeps its index when it is listed again after scrolling
    expect(first).toBeLessThan(150);
    const b150 = top.elements.find((e) => e.name === 'B150');
    expect(middle.elements.find((e) => e.name === 'B150')?.index).toBe(b150?.index);
    expect(middle.elements.filter((e) => e.isNew).map((e) => e.name)[0]).toBe('B151');

    // what was listed can be clicked
    const target = middle.elements.at(-1)!;
    expect(await s.act({ kind: 'click', index: target.index })).toMatchObject({ ok: true, message: `Clicked button '${target.name}'` });
  });

  it('says when the text outline was cut, within the text budget', async () => {
    const s = await open('/prose.html');
    const o = await s.observe();
    expect(o.truncated).toBe(true);
    expect(o.text.length).toBeLessThanOrEqual(6_000);
    expect(o.text).toContain('# Prose\nParagraph 1 of');
    expect(o.text).not.toContain('LAST PARAGRAPH');
    expect(o.text.endsWith('[text cut to fit: scroll, or use read_page to read all of it]')).toBe(true);
    expect(o.text).not.toContain('interactive elements listed');
  });

  it('adds no notes and no truncation when everything fits', async () => {
    const s = await open('/few.html');
    const o = await s.observe();
    expect(o.truncated).toBe(false);
    expect(o.text).toBe('# Few');
  });
});
