import { describe, expect, it } from 'vitest';
import { formatElement } from '../../src/agent/observation-format.ts';
import type { ObservedElement } from '../../src/browser/port.ts';
import { usePagesHarness } from './pages-harness.ts';

const pages = usePagesHarness('field-names', {
  '/unlabelled.html': `<!doctype html><html><head><title>Unlabelled</title></head><body>
    <form aria-label="Sign up">
      <div>E-mail address: <input id="email"></div>
      <div><span>Nickname *</span><span><input id="nick"></span></div>
      <input id="search" placeholder="Search the shop">
      <table><tr><td>Street</td><td><input id="street"></td></tr></table>
      <div><input type="checkbox" id="news"> Send me the newsletter</div>
      <input id="first"><input id="second">
    </form>
    <label>Real label <input id="real"></label>
  </body></html>`,
});

describe('fields with no accessible name', () => {
  it('are named from placeholder, nearby text, the cell before them, their wrapper, then their position, marked as guesses', async () => {
    const s = await pages.open('/unlabelled.html');
    const o = await s.observe();
    const fields = o.elements.map((e: ObservedElement) => ({ name: e.name, nameFrom: e.nameFrom }));
    expect(fields).toEqual([
      { name: 'E-mail address', nameFrom: 'nearby-text' },
      { name: 'Nickname', nameFrom: 'nearby-text' },
      { name: 'Search the shop', nameFrom: undefined },
      { name: 'Street', nameFrom: 'nearby-text' },
      { name: 'Send me the newsletter', nameFrom: 'nearby-text' },
      { name: "text field 5 of 6 of form 'Sign up'", nameFrom: 'position' },
      { name: "text field 6 of 6 of form 'Sign up'", nameFrom: 'position' },
      { name: 'Real label', nameFrom: undefined },
    ]);
    expect(formatElement(o.elements[0]!)).toBe(`[${o.elements[0]!.index}]* textbox "E-mail address" (no label; name from nearby text)`);
    expect(formatElement(o.elements[5]!)).toContain('(no label; name from its position)');
  });
});
