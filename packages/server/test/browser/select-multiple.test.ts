import { describe, expect, it } from 'vitest';
import type { SessionBrowser } from '../../src/browser/port.ts';
import { elementNamed, usePagesHarness } from './pages-harness.ts';

const pages = usePagesHarness('select-multiple', {
  '/toppings.html': `<!doctype html><html><head><title>Toppings</title></head><body>
    <label>Toppings <select id="toppings" multiple size="4">
      <option value="ham">Ham</option><option value="olives" selected>Olives</option><option value="egg">Egg</option><option value="basil">Basil</option>
    </select></label>
    <label>Size <select id="size"><option>Small</option><option>Large</option></select></label>
    <p id="out"></p>
    <script>
      const show = () => { document.getElementById('out').textContent = 'chosen: ' + Array.from(document.getElementById('toppings').selectedOptions, (o) => o.value).join('+'); };
      document.getElementById('toppings').addEventListener('change', show); show();
    </script></body></html>`,
});

const chosen = async (s: SessionBrowser): Promise<string> => (await s.observe()).text.match(/chosen: [\w+]*/)?.[0] ?? '';

describe('select on a multi-select', () => {
  it('chooses exactly the listed options, by label or value, and the observation says it is multiple', async () => {
    const s = await pages.open('/toppings.html');
    const toppings = elementNamed(await s.observe(), 'Toppings');
    expect(toppings).toMatchObject({ role: 'listbox', states: ['multiple'] });

    const result = await s.act({ kind: 'select', index: toppings.index, option: ['Ham', 'egg', 'Basil'] });
    expect(result).toEqual({ ok: true, message: "Selected 'Ham', 'Egg', 'Basil' in listbox 'Toppings'", pageChanged: false });
    expect(await chosen(s)).toBe('chosen: ham+egg+basil');
    expect(elementNamed(await s.observe(), 'Toppings').value).toBe('Ham, Egg, Basil');

    // one option replaces the choice
    expect(await s.act({ kind: 'select', index: toppings.index, option: 'Olives' })).toMatchObject({ ok: true });
    expect(await chosen(s)).toBe('chosen: olives');
  });

  it('chooses nothing when one of the list is not an option, and says which', async () => {
    const s = await pages.open('/toppings.html');
    const toppings = elementNamed(await s.observe(), 'Toppings');
    const result = await s.act({ kind: 'select', index: toppings.index, option: ['Ham', 'Pineapple'] });
    expect(result).toEqual({
      ok: false,
      message: "No option 'Pineapple' in listbox 'Toppings'; nothing was chosen; options are: Ham, Olives, Egg, Basil",
      pageChanged: false,
    });
    expect(await chosen(s)).toBe('chosen: olives');
  });

  it('refuses a list for a single select', async () => {
    const s = await pages.open('/toppings.html');
    const size = elementNamed(await s.observe(), 'Size');
    expect(await s.act({ kind: 'select', index: size.index, option: ['Small', 'Large'] })).toEqual({
      ok: false,
      message: "Combobox 'Size' takes one option, not a list: it is not a multi-select; give one option",
      pageChanged: false,
    });
    expect(await s.act({ kind: 'select', index: size.index, option: ['Large'] })).toMatchObject({ ok: true, message: "Selected 'Large' in combobox 'Size'" });
  });
});
