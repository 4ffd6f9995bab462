import { describe, expect, it } from 'vitest';
import type { SessionBrowser } from '../../src/browser/port.ts';
import { INPUT_PAGES } from './dialog-input-frame-pages.ts';
import { elementNamed, usePagesHarness } from './pages-harness.ts';

const pages = usePagesHarness('inputs', INPUT_PAGES);

const open = (path = '/inputs.html'): Promise<SessionBrowser> => pages.open(path);

describe('typed inputs in the observation', () => {
  it('shows the type, the value, min, max and step, and the format of date-like and color inputs', async () => {
    const o = await (await open()).observe();
    expect(elementNamed(o, 'Departure')).toMatchObject({ role: 'textbox', input: { type: 'date', format: 'yyyy-mm-dd', min: '2025-01-01', max: '2025-12-31' } });
    expect(elementNamed(o, 'Start time').input).toEqual({ type: 'time', format: 'hh:mm (24-hour)' });
    expect(elementNamed(o, 'Meeting').input).toEqual({ type: 'datetime-local', format: 'yyyy-mm-ddThh:mm' });
    expect(elementNamed(o, 'Billing month').input).toEqual({ type: 'month', format: 'yyyy-mm' });
    expect(elementNamed(o, 'Week').input).toEqual({ type: 'week', format: 'yyyy-Www' });
    expect(elementNamed(o, 'Guests')).toMatchObject({ role: 'spinbutton', input: { type: 'number', min: '1', max: '9', step: '1' } });
    expect(elementNamed(o, 'Volume')).toMatchObject({ role: 'slider', value: '4', input: { type: 'range', min: '0', max: '10', step: '2' } });
    expect(elementNamed(o, 'Colour')).toMatchObject({ value: '#112233', input: { type: 'color', format: '#rrggbb' } });
    expect(elementNamed(o, 'Email').input).toEqual({ type: 'email' });
    expect(elementNamed(o, 'Phone').input).toEqual({ type: 'tel' });
    expect(elementNamed(o, 'Site').input).toEqual({ type: 'url' });
    expect(elementNamed(o, 'Plain').input).toBeUndefined();
  });
});

describe('typing into typed inputs', () => {
  it('fills date, time and the other typed inputs in their formats, replacing the value even when asked to append', async () => {
    const s = await open();
    const o = await s.observe();
    const fills: [string, string][] = [
      ['Departure', '2025-03-14'],
      ['Start time', '14:30'],
      ['Meeting', '2025-03-14T09:05'],
      ['Billing month', '2025-03'],
      ['Week', '2025-W11'],
      ['Guests', '3'],
      ['Colour', '#3366cc'],
      ['Email', 'ada@example.com'],
    ];
    for (const [name, text] of fills) {
      const result = await s.act({ kind: 'type', index: elementNamed(o, name).index, text });
      const characters = `${text.length} character${text.length === 1 ? '' : 's'}`;
      expect(result, name).toMatchObject({ ok: true, message: `Typed ${characters} into ${elementNamed(o, name).role} '${name}'` });
    }
    const appended = await s.act({ kind: 'type', index: elementNamed(o, 'Departure').index, text: '2025-04-01', clear: false });
    expect(appended.message).toBe("Typed 10 characters into textbox 'Departure'");
    const after = await s.observe();
    expect(Object.fromEntries(fills.map(([name]) => [name, elementNamed(after, name).value]))).toEqual({
      Departure: '2025-04-01',
      'Start time': '14:30',
      Meeting: '2025-03-14T09:05',
      'Billing month': '2025-03',
      Week: '2025-W11',
      Guests: '3',
      Colour: '#3366cc',
      Email: 'ada@example.com',
    });
  });

  it('says which value a slider took when the text is not on its step', async () => {
    const s = await open();
    const volume = elementNamed(await s.observe(), 'Volume');
    const result = await s.act({ kind: 'type', index: volume.index, text: '7' });
    expect(result).toMatchObject({ ok: true, message: "Typed 1 character into slider 'Volume'; the slider took the nearest allowed value, 8" });
    expect(elementNamed(await s.observe(), 'Volume').value).toBe('8');
  });

  it('refuses text in the wrong format, and a date that does not exist, with a readable error', async () => {
    const s = await open();
    const o = await s.observe();
    const departure = elementNamed(o, 'Departure').index;
    expect(await s.act({ kind: 'type', index: departure, text: '14/03/2025' })).toEqual({
      ok: false,
      message: "Could not type into textbox 'Departure': this date input takes a date written yyyy-mm-dd (e.g. 2025-03-14), and the text is not in that format",
      pageChanged: false,
    });
    expect(await s.act({ kind: 'type', index: elementNamed(o, 'Start time').index, text: '9:30 pm' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('takes a time written hh:mm (24-hour)'),
    });
    expect(await s.act({ kind: 'type', index: elementNamed(o, 'Guests').index, text: 'three' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('takes a number'),
    });
    expect(await s.act({ kind: 'type', index: departure, text: '2025-02-30' })).toEqual({
      ok: false,
      message: "Could not type into textbox 'Departure': the browser did not accept the text as a date (yyyy-mm-dd); check that it exists",
      pageChanged: false,
    });
    expect(elementNamed(await s.observe(), 'Departure').value).toBeUndefined();
  });
});

describe('the controls that have no typed value', () => {
  it('still type into contenteditable and textareas, select, check and choose radios, without input details', async () => {
    const s = await open('/untyped.html');
    const o = await s.observe();
    for (const element of o.elements) expect(element.input, element.name).toBeUndefined();

    expect(await s.act({ kind: 'type', index: elementNamed(o, 'Notes').index, text: ' and more', clear: false })).toMatchObject({
      ok: true,
      message: "Appended 9 characters into textbox 'Notes'",
    });
    expect(await s.act({ kind: 'type', index: elementNamed(o, 'Comment').index, text: 'Leave at the door' })).toMatchObject({ ok: true });
    expect(await s.act({ kind: 'select', index: elementNamed(o, 'Size').index, option: 'Large' })).toMatchObject({ ok: true });
    expect(await s.act({ kind: 'check', index: elementNamed(o, 'Gift wrap').index, checked: true })).toMatchObject({ ok: true });
    expect(await s.act({ kind: 'check', index: elementNamed(o, 'Fast').index, checked: true })).toMatchObject({ ok: true });

    const after = await s.observe();
    expect(elementNamed(after, 'Notes').value).toBe('First words and more');
    expect(elementNamed(after, 'Comment').value).toBe('Leave at the door');
    expect(elementNamed(after, 'Size').value).toBe('Large');
    expect(elementNamed(after, 'Gift wrap').states).toContain('checked');
    expect(elementNamed(after, 'Fast').states).toContain('checked');
    expect(elementNamed(after, 'Slow').states ?? []).not.toContain('checked');
  });
});
