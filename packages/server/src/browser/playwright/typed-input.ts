import type { Locator } from 'playwright-core';

interface ValueFormat {
  /** As the observation shows it (`observe-page.ts` keeps the same table). */
  format: string;
  pattern: RegExp;
  example: string;
  noun: string;
}

const TIME = String.raw`\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?`;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * What `type` accepts for inputs whose value has a format. Chromium silently drops a value it
 * cannot parse (and Playwright's fill does not complain), so the text is checked here first.
 */
const VALUE_FORMATS: Readonly<Record<string, ValueFormat>> = {
  date: { format: 'yyyy-mm-dd', pattern: /^\d{4}-\d{2}-\d{2}$/, example: '2025-03-14', noun: 'a date' },
  time: { format: 'hh:mm (24-hour)', pattern: new RegExp(`^${TIME}$`), example: '14:30', noun: 'a time' },
  'datetime-local': {
    format: 'yyyy-mm-ddThh:mm',
    pattern: new RegExp(`^\\d{4}-\\d{2}-\\d{2}[T ]${TIME}$`),
    example: '2025-03-14T14:30',
    noun: 'a date and time',
  },
  month: { format: 'yyyy-mm', pattern: /^\d{4}-\d{2}$/, example: '2025-03', noun: 'a month' },
  week: { format: 'yyyy-Www', pattern: /^\d{4}-W\d{2}$/, example: '2025-W11', noun: 'a week' },
  color: { format: '#rrggbb', pattern: /^#[0-9a-fA-F]{6}$/, example: '#3366cc', noun: 'a color' },
  number: { format: 'a number', pattern: NUMBER, example: '42', noun: 'a number' },
  range: { format: 'a number', pattern: NUMBER, example: '42', noun: 'a number' },
};

/** Why `text` cannot go into an input of `inputType`, or undefined when it can (an empty text clears it). */
export function typedTextProblem(inputType: string | undefined, text: string): string | undefined {
  const spec = inputType === undefined ? undefined : VALUE_FORMATS[inputType];
  if (spec === undefined || text.trim() === '' || spec.pattern.test(text.trim())) return undefined;
  return `this ${inputType} input takes ${spec.noun} written ${spec.format} (e.g. ${spec.example}), and the text is not in that format`;
}

/**
 * After the fill: why the input did not take the text, or a note on the value it took instead.
 * A well-formed but impossible date (2025-02-30, 25:00) leaves the field empty; a slider moves
 * the value into its min, max and step.
 */
export async function typedValueOutcome(
  locator: Locator,
  inputType: string | undefined,
  text: string,
  timeoutMs: number,
): Promise<{ problem?: string; note?: string }> {
  const spec = inputType === undefined ? undefined : VALUE_FORMATS[inputType];
  if (spec === undefined || text.trim() === '') return {};
  const value = await locator.inputValue({ timeout: timeoutMs });
  if (value === '') return { problem: `the browser did not accept the text as ${spec.noun} (${spec.format}); check that it exists` };
  if (inputType === 'range' && Number(value) !== Number(text.trim())) return { note: `; the slider took the nearest allowed value, ${value}` };
  return {};
}
