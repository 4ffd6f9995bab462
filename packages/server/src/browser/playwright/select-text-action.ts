import type { Locator, Page } from 'playwright-core';
import type { ActionResult } from '../port.ts';
import type { ActionHost } from './action-host.ts';
import { describeElement, failure, missingElement } from './action-results.ts';
import { runOnElement } from './run-in-page.ts';

interface Found {
  found: boolean;
  /** The selection as the page now has it. */
  selected: string;
  /** In a text field (set with setSelectionRange, no mouse needed). */
  field: boolean;
  /** The phrase starts or ends in a link or control, where a mouse drag would click or drag it. */
  interactive: boolean;
  /** Where a person would press and release the mouse to select it, in the frame's CSS pixels. */
  from?: { x: number; y: number };
  to?: { x: number; y: number };
}

/**
 * Selects the first visible occurrence of `text` (whitespace as a reader sees it, case-insensitive
 * when no exact match), in the whole page or inside one element. The selection is made the way a
 * person makes it, a mouse drag over the words, so pages that act on mouseup (highlighters, "quote
 * this" buttons) see it; inside a link or control, where a drag would click or drag it, and in
 * text fields, it is set directly.
 */
export async function selectTextAction(host: ActionHost, text: string, index: number | undefined, signal: AbortSignal | undefined): Promise<ActionResult> {
  const page = await host.activePage();
  const located = index === undefined ? undefined : await host.locate(index);
  if (index !== undefined && located === undefined) return missingElement(index);
  const where = located === undefined ? 'on the page' : `in ${describeElement(located.description)}`;
  // The whole page is its body; an element is looked in within its own frame.
  const root = located?.locator ?? page.locator('body');
  const select = (): Promise<Found> => runOnElement(root, findAndSelect, text, host.actionTimeoutMs);
  const found = await select();
  if (!found.found) return failure(`No visible text '${text}' ${where}; read_page shows the page's text as it is`);
  if (found.field || found.interactive || found.from === undefined || found.to === undefined) {
    return { ok: true, message: `Selected '${found.selected}' ${where}`, pageChanged: false };
  }

  // Frame coordinates to the page's: the element's box there minus its box in its own frame.
  const offset = located === undefined ? { x: 0, y: 0 } : await frameOffset(located.locator);
  const from = { x: found.from.x + offset.x, y: found.from.y + offset.y };
  const to = { x: found.to.x + offset.x, y: found.to.y + offset.y };
  // A press on selected text would drag the selection away (drag and drop) instead of selecting.
  await runOnElement(root, clearSelection, undefined, host.actionTimeoutMs);
  const outcome = await host.watch(() => drag(page, from, to), signal);
  const selected = await runOnElement(root, currentSelection, undefined, host.actionTimeoutMs);
  if (normalize(selected).toLowerCase() !== normalize(found.selected).toLowerCase()) {
    // The drag selected something else (a page that moves text under the mouse): set it directly.
    const again = await select();
    return { ok: again.found, message: again.found ? `Selected '${again.selected}' ${where}${outcome.note}` : `Could not keep a selection of '${text}' ${where}${outcome.note}`, pageChanged: outcome.pageChanged };
  }
  return { ok: true, message: `Selected '${selected.trim()}' ${where}${outcome.note}`, pageChanged: outcome.pageChanged };
}

async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 4 });
  await page.mouse.up();
}

async function frameOffset(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  const own = await locator.evaluate((node) => {
    const r = node.getBoundingClientRect();
    return { x: r.left, y: r.top };
  });
  return box === null ? { x: 0, y: 0 } : { x: box.x - own.x, y: box.y - own.y };
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** In the page: no selection in the element's document. */
function clearSelection(node: Element): void {
  node.ownerDocument.getSelection()?.removeAllRanges();
}

/** In the page: the selection of the element's document, as text. */
function currentSelection(node: Element): string {
  return node.ownerDocument.getSelection()?.toString() ?? '';
}

/**
 * In the page (self-contained: it travels as source): finds the phrase among the visible text
 * nodes under `base`, selects it, scrolls it into view and says where a drag over it would start
 * and end.
 */
function findAndSelect(base: Element, text: string): Found {
  const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();
  const needle = squash(text);
  const none: Found = { found: false, selected: '', field: false, interactive: false };
  if (needle === '') return none;
  const document = base.ownerDocument;

  if (base.tagName === 'INPUT' || base.tagName === 'TEXTAREA') {
    const field = base as HTMLInputElement | HTMLTextAreaElement;
    let at = field.value.indexOf(needle);
    if (at < 0) at = field.value.toLowerCase().indexOf(needle.toLowerCase());
    if (at < 0) return none;
    field.focus();
    field.setSelectionRange(at, at + needle.length);
    return { found: true, selected: field.value.slice(at, at + needle.length), field: true, interactive: false };
  }

  // The visible text, whitespace collapsed as a reader sees it, with each character's node and offset.
  const chars: Array<{ node: Text; offset: number }> = [];
  let flat = '';
  const walker = document.createTreeWalker(base, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      const parent = node.parentElement;
      if (parent === null || parent.closest('script, style, noscript, template') !== null) return NodeFilter.FILTER_REJECT;
      return parent.checkVisibility({ opacityProperty: true, visibilityProperty: true }) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
    },
  });
  for (let node = walker.nextNode() as Text | null; node !== null; node = walker.nextNode() as Text | null) {
    for (let i = 0; i < node.data.length; i++) {
      const c = node.data[i]!;
      const space = /\s/.test(c);
      if (space && (flat === '' || flat.endsWith(' '))) continue;
      flat += space ? ' ' : c;
      chars.push({ node, offset: i });
    }
  }
  let at = flat.indexOf(needle);
  if (at < 0) at = flat.toLowerCase().indexOf(needle.toLowerCase());
  if (at < 0) return none;
  const first = chars[at]!;
  const last = chars[at + needle.length - 1]!;
  const range = document.createRange();
  range.setStart(first.node, first.offset);
  range.setEnd(last.node, last.offset + 1);
  first.node.parentElement?.scrollIntoView({ block: 'center', inline: 'nearest' });

  const selection = document.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
  const control = 'a[href], button, input, textarea, select, label, summary, [role=button], [role=link], [draggable=true], [contenteditable=""], [contenteditable=true]';
  const interactive = first.node.parentElement?.closest(control) != null || last.node.parentElement?.closest(control) != null;
  // Press just inside the first character and release just inside the last: the selection snaps to
  // whole characters, so both ends are included.
  const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
  const start = rects[0];
  const end = rects[rects.length - 1];
  const found: Found = { found: true, selected: range.toString(), field: false, interactive };
  if (start !== undefined && end !== undefined) {
    found.from = { x: start.left + 1, y: start.top + start.height / 2 };
    found.to = { x: end.right - 1, y: end.top + end.height / 2 };
  }
  return found;
}
