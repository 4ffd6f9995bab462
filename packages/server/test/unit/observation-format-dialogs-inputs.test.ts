import { describe, expect, it } from 'vitest';
import { formatElement, formatObservation } from '../../src/agent/observation-format.ts';
import type { Observation } from '../../src/browser/port.ts';

const base: Observation = {
  url: 'http://127.0.0.1:4000/',
  title: 'Form',
  elements: [],
  text: '',
  truncated: false,
  scroll: { y: 0, height: 800, viewportHeight: 800 },
  tabs: [{ index: 0, url: 'http://127.0.0.1:4000/', title: 'Form', active: true }],
};

describe('formatting typed inputs and dialogs for a language model', () => {
  it('shows an input type with its format and limits', () => {
    expect(
      formatElement({ index: 4, role: 'textbox', name: 'Departure', tag: 'input', value: '2025-03-14', input: { type: 'date', format: 'yyyy-mm-dd', min: '2025-01-01' }, isNew: false }),
    ).toBe('[4] textbox "Departure" value="2025-03-14" type=date format=yyyy-mm-dd min=2025-01-01');
    expect(formatElement({ index: 5, role: 'slider', name: 'Volume', tag: 'input', value: '4', input: { type: 'range', min: '0', max: '10', step: '2' }, isNew: true })).toBe(
      '[5]* slider "Volume" value="4" type=range min=0 max=10 step=2',
    );
  });

  it('says when a dialog waits for answer_dialog, with a prompt\'s prefilled text', () => {
    expect(formatObservation({ ...base, dialog: { type: 'prompt', message: 'Your name?', open: true, defaultValue: 'Ada' } })).toContain(
      'Dialog (prompt, open, waiting for answer_dialog): Your name? (prefilled: "Ada")',
    );
    expect(formatObservation({ ...base, dialog: { type: 'alert', message: 'Saved (answered automatically: accepted)', open: false } })).toContain(
      'Dialog (alert): Saved (answered automatically: accepted)',
    );
  });
});
