import type { ActionResult } from '../port.ts';
import type { ActionHost } from './action-host.ts';
import { describeElement, failure, missingElement } from './action-results.ts';
import { READ_TEXT_PAGE_CHARS } from './read-text-action.ts';

/**
 * The most of one element's value `read_text` with an index gives: a value past it (a pasted log
 * in a textarea) is cut there, and the result says so. 100,000 characters is 13 pages of 8,000.
 */
export const READ_VALUE_MAX_CHARS = 100_000;

type ValueRead = { secret: true } | { secret: false; value: string };

/**
 * One page of the whole value of the element with `index`: an input's or textarea's value, a
 * select's chosen options, any other element's visible text. The observation shows 200
 * characters of it. Secret fields (passwords, one-time codes, card fields, and fields a secret
 * was typed or filled into, which are masked) are refused, as the observation shows them as discs.
 */
export async function readValueAction(host: ActionHost, index: number, pageNumber: number): Promise<ActionResult> {
  const el = await host.locate(index);
  if (el === undefined) return missingElement(index);
  const name = describeElement(el.description);
  // Sensitive as the observation judged it (one list of what is secret, in observe-page.ts), or
  // masked since: a secret was typed or a card filled into it.
  if (el.description.sensitive === true) return failure(`The value of ${name} is secret; it is never read`);
  const read = await el.locator.evaluate(
    (node): ValueRead => {
      if ((node as unknown as Record<symbol, unknown>)[Symbol.for('steward.masked')] !== undefined) return { secret: true };
      const tag = node.tagName;
      if (tag === 'INPUT' || tag === 'TEXTAREA') return { secret: false, value: (node as HTMLInputElement).value };
      if (tag === 'SELECT') {
        return { secret: false, value: Array.from((node as HTMLSelectElement).selectedOptions, (o) => (o.label || o.text).trim()).join(', ') };
      }
      return { secret: false, value: (node as HTMLElement).innerText ?? node.textContent ?? '' };
    },
    undefined,
    { timeout: host.actionTimeoutMs },
  );
  if (read.secret) return failure(`The value of ${name} is secret; it is never read`);
  const whole = read.value;
  const value = whole.slice(0, READ_VALUE_MAX_CHARS);
  const pages = Math.max(1, Math.ceil(value.length / READ_TEXT_PAGE_CHARS));
  if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > pages) {
    return failure(`Page ${pageNumber} does not exist; the value of ${name} has ${pages} page(s)`);
  }
  const chunk = value.slice((pageNumber - 1) * READ_TEXT_PAGE_CHARS, pageNumber * READ_TEXT_PAGE_CHARS);
  const length = whole.length.toLocaleString('en-US');
  const more = pageNumber < pages ? `; read page ${pageNumber + 1} for more` : '';
  const cut = whole.length > READ_VALUE_MAX_CHARS ? `; only its first ${READ_VALUE_MAX_CHARS.toLocaleString('en-US')} characters can be read` : '';
  return {
    ok: true,
    message: `Read page ${pageNumber} of ${pages} of the value of ${name} (${length} characters)${more}${cut}`,
    pageChanged: false,
    text: chunk,
    textPages: pages,
  };
}
