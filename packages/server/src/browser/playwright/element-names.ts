/**
 * Runs INSIDE the page (passed to `observePage` through `pageFactoryOf`): DOM APIs only.
 * What an element is called: its accessible name from text a person sees, and for a field with
 * none, the name a person would use — the label-like text beside it, else its place.
 */

import type { PageDom } from './page-dom.ts';
import type { VisibilityProbe } from './visibility-probe.ts';

/** Where a guessed name came from: the text beside a field, or its place among the fields. */
export type NameFrom = 'nearby-text' | 'position';

export interface ElementNamer {
  /** `from` is set when the name is a guess rather than a label. */
  nameOf(el: Element, role: string): { name: string; from?: NameFrom };
  /** Text of an element without the text of nested form controls, and only text a person sees. */
  ownText(el: Element): string;
  /** It shows no name at all: no label or title, and only text hidden from people (there for the model alone). */
  showsNothing(el: Element): boolean;
}

export function createElementNamer(probe: VisibilityProbe, dom: PageDom, roleOf: (el: Element) => string): ElementNamer {
  const { clean } = dom;
  const SEPARATE_TEXT = new Set(['TD', 'TH', 'TR', 'LI', 'DIV', 'P', 'BR', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'DT', 'DD']);

  // Text of an element without the text of nested form controls (a <label> around a <select>
  // would otherwise be named after every option), and only text a person sees: text that only
  // screen readers get (an icon button's sr-only label) names an element that shows no text.
  // `hiddenOnly`: it has text, and none of it reaches anyone but the model.
  type ContentText = { text: string; hiddenOnly: boolean };
  const contentTexts = new Map<Element, ContentText>();
  const contentText = (el: Element): ContentText => {
    const known = contentTexts.get(el);
    if (known !== undefined) return known;
    let shown = '';
    let assistive = '';
    let hiddenText = false;
    const walk = (node: Node): void => {
      for (const child of Array.from(node.childNodes)) {
        if (child.nodeType === 3) {
          const raw = child.textContent ?? '';
          if (raw.trim() === '') {
            shown += raw;
            assistive += raw;
            continue;
          }
          const state = probe.textState(child as Text);
          if (state === 'shown') shown += raw;
          else if (state === 'assistive') assistive += ` ${raw} `;
          else hiddenText = true;
        } else if (child.nodeType === 1) {
          const tag = (child as Element).tagName;
          if (tag === 'SELECT' || tag === 'TEXTAREA' || tag === 'OPTION' || dom.holdsNoText(tag)) continue;
          if (tag === 'INPUT') {
            const input = child as HTMLInputElement;
            if ((input.type === 'submit' || input.type === 'button') && probe.elementRendered(input)) shown += ` ${input.value} `;
            continue;
          }
          if (tag === 'IMG') {
            if (probe.elementRendered(child as Element)) shown += ` ${(child as HTMLImageElement).alt} `;
            continue;
          }
          // Cells, rows and blocks read apart ("Alice Lunch on Friday?", not "AliceLunch…").
          const apart = SEPARATE_TEXT.has(tag);
          if (apart) shown += ' ';
          walk(child);
          if (apart) shown += ' ';
        }
      }
    };
    walk(el);
    const text = clean(shown) || clean(assistive);
    const result = { text, hiddenOnly: text === '' && hiddenText };
    contentTexts.set(el, result);
    return result;
  };
  const ownText = (el: Element): string => contentText(el).text;

  // A field with no accessible name gets one a person would use: the label-like text beside it
  // (the text before it, the cell before it in a table row, its wrapper's text), else its place
  // ("text field 3 of form 'Sign up'"). `nameFrom` marks such names: they are guesses, not labels.
  const FIELDS = 'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]),select,textarea,[contenteditable=""],[contenteditable=true],[role=textbox],[role=searchbox],[role=combobox]';
  const LABEL_CHARS = 80;
  let nameFrom: NameFrom | undefined;
  const labelLike = (text: string): string => {
    const label = clean(text).replace(/[\s:*]+$/, '');
    return label.length > LABEL_CHARS ? '' : label;
  };
  const holdsField = (el: Element): boolean => el.matches(FIELDS) || el.querySelector(FIELDS) !== null;
  const nearbyText = (el: Element): string => {
    const cell = el.closest('td,th');
    if (cell !== null && cell.querySelectorAll(FIELDS).length === 1) {
      for (let before = cell.previousElementSibling; before !== null; before = before.previousElementSibling) {
        if (holdsField(before)) break;
        const text = labelLike(ownText(before));
        if (text !== '') return text;
      }
    }
    // The text just before the field, at its level and at each wrapper around it alone.
    let node: Element = el;
    for (let depth = 0; depth < 4; depth++) {
      for (let before = node.previousSibling; before !== null; before = before.previousSibling) {
        if (before.nodeType === 3) {
          if ((before.textContent ?? '').trim() === '' || probe.textState(before as Text) !== 'shown') continue;
          const text = labelLike(before.textContent ?? '');
          if (text !== '') return text;
          break;
        }
        if (before.nodeType !== 1) continue;
        if (holdsField(before as Element)) return '';
        const text = ownText(before as Element);
        if (text === '') continue;
        return labelLike(text);
      }
      const parent = node.parentElement;
      if (parent === null || parent === el.ownerDocument.body || parent.tagName === 'FORM' || parent.querySelectorAll(FIELDS).length > 1) break;
      // A wrapper holding only this field: its text (after the field, too) labels it.
      const text = labelLike(ownText(parent));
      if (text !== '') return text;
      node = parent;
    }
    return '';
  };
  const KINDS: Record<string, string> = { textbox: 'text field', searchbox: 'search field', combobox: 'select', listbox: 'list', spinbutton: 'number field', slider: 'slider', file: 'file field', checkbox: 'checkbox', radio: 'radio button' };
  const positionName = (el: Element, role: string): string => {
    const form = el.closest('form');
    const scope: ParentNode = form ?? el.ownerDocument;
    const same = Array.from(scope.querySelectorAll(FIELDS)).filter((other) => roleOf(other) === role);
    const place = `${KINDS[role] ?? role} ${same.indexOf(el) + 1} of ${same.length}`;
    if (form === null) return `${place} on the page`;
    const formName = labelLike(form.getAttribute('aria-label') ?? '') ||
      labelLike(ownText(form.querySelector('h1,h2,h3,h4,h5,h6,legend') ?? form.ownerDocument.createElement('i'))) ||
      labelLike(form.getAttribute('name') ?? form.id);
    return formName === '' ? `${place} of a form` : `${place} of form '${formName}'`;
  };
  const fallbackName = (el: Element, role: string): string => {
    const near = nearbyText(el);
    if (near !== '') {
      nameFrom = 'nearby-text';
      return near;
    }
    const attribute = clean(el.getAttribute('name') ?? '');
    if (attribute !== '') return attribute;
    nameFrom = 'position';
    return positionName(el, role);
  };

  const nameText = (el: Element, role: string): string => {
    // ids resolve within the element's own tree (a shadow root has its own id scope)
    const scope = el.getRootNode() as Document | ShadowRoot;
    const labelledBy = el.getAttribute('aria-labelledby');
    if (labelledBy) {
      const text = clean(
        labelledBy
          .split(/\s+/)
          .map((id) => scope.getElementById(id)?.textContent ?? '')
          .join(' '),
      );
      if (text) return text;
    }
    const ariaLabel = clean(el.getAttribute('aria-label') ?? '');
    if (ariaLabel) return ariaLabel;
    if (dom.isFormControl(el)) {
      const input = el as HTMLInputElement;
      if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(input.type)) {
        return clean(input.value) || (input.type === 'reset' ? 'Reset' : 'Submit');
      }
      if (el.tagName === 'INPUT' && input.type === 'image') return clean(input.alt) || 'Submit';
      const labels = input.labels ? Array.from(input.labels).map(ownText).filter(Boolean) : [];
      if (labels.length > 0) return labels.join(' ');
      const placeholder = clean(el.getAttribute('placeholder') ?? '');
      if (placeholder) return placeholder;
      return clean(el.getAttribute('title') ?? '') || fallbackName(el, role);
    }
    if (role === 'textbox' || role === 'searchbox' || role === 'combobox') {
      return clean(el.getAttribute('aria-placeholder') ?? '') || clean(el.getAttribute('title') ?? '') || fallbackName(el, role);
    }
    // An icon's glyph (☆, ✕, …) says less than its title.
    const text = ownText(el);
    const title = clean(el.getAttribute('title') ?? '');
    return title !== '' && !/[\p{L}\p{N}]/u.test(text) ? title : text || title;
  };

  return {
    nameOf: (el, role) => {
      nameFrom = undefined;
      const name = nameText(el, role);
      return nameFrom === undefined ? { name } : { name, from: nameFrom };
    },
    ownText,
    // A link or button whose only text is hidden from people (transparent, the colour of the page,
    // zero-size) shows nothing to click: it is there for the model alone.
    showsNothing: (el) =>
      !dom.isFormControl(el) &&
      ['aria-label', 'aria-labelledby', 'title'].every((attribute) => clean(el.getAttribute(attribute) ?? '') === '') &&
      contentText(el).hiddenOnly,
  };
}
