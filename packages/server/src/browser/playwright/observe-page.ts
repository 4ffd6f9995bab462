/**
 * Runs INSIDE the page (serialized by `runInPage`): it may use only DOM APIs and its arguments,
 * never anything imported. One pass collects the indexed interactive elements and the text
 * outline, so an observation costs a single round trip.
 *
 * Index registry: a per-document object on `window` under `Symbol.for('steward.registry')`
 * (non-enumerable) maps elements to indices, so an element keeps its index while it lives; the
 * `data-steward-idx` attribute is only how Playwright finds it again (see `find-indexed.ts`).
 * The Node side passes `indexFloor` so indices keep growing across documents of one session
 * and a stale index from an old page never hits an element of the new one.
 *
 * One run covers a document, its open shadow roots and every frame it can reach (same origin).
 * A frame it cannot reach is observed by its own run (`frameRootOnly`), whose indices are local
 * to that frame's registry and mapped to session-wide ones on the Node side (`frame-indices.ts`);
 * `docId` tells the Node side when such a frame has loaded a new document.
 *
 * Only what a person can see counts (`probe`, see `visibility-probe.ts`): text hidden from people
 * is left out of the outline and of element names, and elements nobody can see are not listed.
 */

import type { VisibilityProbe } from './visibility-probe.ts';

export interface ObserveArgs {
  indexFloor: number;
  maxElements: number;
  textBudget: number;
  maxNameLength: number;
  maxOptions: number;
  /**
   * Run only in a frame whose parent this document cannot reach (a cross-origin frame); return
   * null anywhere else, because the run of the frame's nearest reachable ancestor covers it.
   */
  frameRootOnly?: boolean | undefined;
  /** Written on the frame elements a person sees (see `frame-marks.ts`). */
  frameMark?: string | undefined;
  /** Where each document keeps the elements given a pointer listener (`listener-marks.ts`). */
  listenerKey?: string | undefined;
}

export interface RawElement {
  index: number;
  role: string;
  name: string;
  tag: string;
  value?: string;
  valueLength?: number;
  nameFrom?: 'nearby-text' | 'position';
  href?: string;
  states?: string[];
  options?: string[];
  input?: { type: string; min?: string; max?: string; step?: string; format?: string };
  accept?: string;
  sensitive?: true;
  looks?: string;
  /** Border box in CSS pixels of this run's viewport (a cross-origin frame's run: the frame's own). */
  box: { x: number; y: number; width: number; height: number };
  isNew: boolean;
}

export interface RawObservation {
  url: string;
  title: string;
  elements: RawElement[];
  /** The text outline alone, without notes about what was cut or not shown. */
  text: string;
  /** The text outline was cut at the budget. */
  textCut: boolean;
  /** Visible interactive elements found, before the cap. */
  totalElements: number;
  /** Elements left out by the cap, by where they sit relative to the viewport. */
  omittedAbove: number;
  omittedBelow: number;
  /** Visible frames this run could not enter (other origins); each may have a run of its own. */
  hiddenFrames: number;
  scroll: { y: number; height: number; viewportHeight: number };
  maxIndex: number;
  /** Identifies this document's registry: changes when the frame loads a new document. */
  docId: string;
}

/** What `find-indexed.ts` reads back for an index: enough to describe the element in a message. */
export interface RegistryDescription {
  role: string;
  name: string;
  tag: string;
  disabled: boolean;
  /** An input's type when its value has a format (date, time, number, …): `type` checks the text against it. */
  inputType?: string;
  /** A password, one-time code or card field (`ObservedElement.sensitive`): its value is never read. */
  sensitive?: true;
}

export function observePage(args: ObserveArgs, probe: VisibilityProbe): RawObservation | null {
  type Registry = {
    next: number;
    byElement: WeakMap<Element, number>;
    byIndex: Map<number, WeakRef<Element>>;
    described: Map<number, RegistryDescription>;
    previous: Set<number>;
    nextFrame: number;
    docId: string;
  };
  if (args.frameRootOnly === true) {
    // `frameElement` is null exactly when the parent is out of reach (or there is no parent).
    if (window.parent === window || window.frameElement !== null) return null;
    // A frame that is not rendered (display: none) or is a pixel in size shows the model nothing.
    if (window.innerWidth <= 2 || window.innerHeight <= 2) return null;
  }
  const KEY = Symbol.for('steward.registry');
  const holder = window as unknown as Record<symbol, Registry | undefined>;
  let registry = holder[KEY];
  if (registry === undefined) {
    registry = {
      next: 1,
      byElement: new WeakMap(),
      byIndex: new Map(),
      described: new Map(),
      previous: new Set(),
      nextFrame: 1,
      docId: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
    };
    Object.defineProperty(window, KEY, { value: registry, enumerable: false, configurable: true });
  }
  const reg = registry;
  if (reg.next <= args.indexFloor) reg.next = args.indexFloor + 1;

  const INTERACTIVE = [
    'a[href]', 'button', 'input:not([type=hidden])', 'select', 'textarea', 'summary',
    '[role=button]', '[role=link]', '[role=checkbox]', '[role=radio]', '[role=tab]', '[role=menuitem]',
    '[role=menuitemcheckbox]', '[role=menuitemradio]', '[role=option]', '[role=switch]', '[role=combobox]',
    '[role=textbox]', '[role=searchbox]', '[role=slider]', '[role=spinbutton]',
    '[contenteditable=""]', '[contenteditable=true]', '[onclick]',
  ].join(',');
  const BLOCKS = 'h1,h2,h3,h4,h5,h6,p,li,tr,pre,blockquote,dt,dd,figcaption,caption,legend';
  const CONTAINERS = 'div,section,article,main,aside,header,footer,nav,form,td,th,label,fieldset,details,body';
  const INLINE_INTERACTIVE = 'a,button,select,option,textarea,summary,[role=button],[role=link],[role=option],[role=menuitem],[role=tab]';
  const SKIP_TEXT_PARENTS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TITLE']);
  const SEPARATE_TEXT = new Set(['TD', 'TH', 'TR', 'LI', 'DIV', 'P', 'BR', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'DT', 'DD']);

  const clean = (s: string): string => s.replace(/\s+/g, ' ').trim();
  // `closest` stops at a shadow root; page structure (a paragraph around a widget) does not.
  const closestComposed = (el: Element, selector: string): Element | null => {
    let from: Element | null = el;
    while (from !== null) {
      const hit = from.closest(selector);
      if (hit !== null) return hit;
      const root = from.getRootNode();
      from = root instanceof ShadowRoot ? root.host : null;
    }
    return null;
  };
  const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

  // A file input, checkbox or radio button is often hidden behind a styled label: people click
  // the label and the input takes the click, so the input is listed (named by its label).
  const HIDDEN_BEHIND_LABEL = new Set(['file', 'checkbox', 'radio']);
  const isLabelledHiddenInput = (el: Element): boolean =>
    el.tagName === 'INPUT' &&
    HIDDEN_BEHIND_LABEL.has((el as HTMLInputElement).type) &&
    Array.from((el as HTMLInputElement).labels ?? []).some(probe.elementShown);

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
          if (tag === 'SELECT' || tag === 'TEXTAREA' || tag === 'OPTION' || SKIP_TEXT_PARENTS.has(tag)) continue;
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

  const roleOf = (el: Element): string => {
    const explicit = el.getAttribute('role');
    if (explicit) return explicit.split(/\s+/)[0] ?? explicit;
    const tag = el.tagName;
    if (tag === 'A') return 'link';
    if (tag === 'BUTTON' || tag === 'SUMMARY') return 'button';
    if (tag === 'TEXTAREA') return 'textbox';
    if (tag === 'SELECT') {
      const select = el as HTMLSelectElement;
      return select.multiple || select.size > 1 ? 'listbox' : 'combobox';
    }
    if (tag === 'INPUT') {
      const type = (el as HTMLInputElement).type;
      if (type === 'checkbox' || type === 'radio') return type;
      if (type === 'submit' || type === 'button' || type === 'reset' || type === 'image') return 'button';
      if (type === 'search') return 'searchbox';
      if (type === 'number') return 'spinbutton';
      if (type === 'range') return 'slider';
      if (type === 'file') return 'file';
      return 'textbox';
    }
    if ((el as HTMLElement).isContentEditable) return 'textbox';
    // What only drag and drop uses: a person picks it up, or drops something on it.
    const kinds = listenerKinds(el);
    if (!kinds.has('click')) {
      if (kinds.has('drag') || el.getAttribute('draggable') === 'true' || grabCursorStartsHere(el)) return 'draggable';
      if (kinds.has('drop')) return 'drop target';
    }
    return 'clickable';
  };

  const isFormControl = (el: Element): boolean =>
    el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA';
  // A link or button whose only text is hidden from people (transparent, the colour of the page,
  // zero-size) shows nothing to click: it is there for the model alone.
  // Elements a script made clickable without saying so (no role, href or onclick attribute): a
  // listener added through addEventListener, or an onclick/onmousedown property.
  const listenerSymbol = args.listenerKey === undefined ? undefined : Symbol.for(args.listenerKey);
  const NO_KINDS: ReadonlySet<string> = new Set();
  /** The kinds of listener `listener-marks.ts` saw added to `el`: click, drag, drop. */
  const listenerKinds = (el: Element): ReadonlySet<string> => {
    if (listenerSymbol === undefined) return NO_KINDS;
    const marks = (el.ownerDocument.defaultView as unknown as Record<symbol, WeakMap<Element, Set<string>> | undefined> | null)?.[listenerSymbol];
    return marks?.get(el) ?? NO_KINDS;
  };
  const listensForPointer = (el: Element): boolean => {
    const html = el as HTMLElement;
    if (html.onclick != null || html.onmousedown != null || html.onpointerdown != null || html.ondragstart != null || html.ondrop != null) return true;
    // draggable="true" on an element that is not draggable by default: its page handles the drag.
    if (el.getAttribute('draggable') === 'true') return true;
    return listenerKinds(el).size > 0;
  };
  /**
   * The cheap hint for what frameworks make clickable or draggable through one listener on a root
   * (React, jQuery delegation, pointer-event drags): a cursor from `cursors` set on this element
   * itself, not inherited from its parent. Read only for elements with few children (a control,
   * not a layout box), to keep the walk cheap.
   */
  const cursorStartsHere = (el: Element, cursors: readonly string[]): boolean => {
    if (el.childElementCount > 8) return false;
    const view = el.ownerDocument.defaultView ?? window;
    const cursor = view.getComputedStyle(el).cursor;
    if (!cursors.includes(cursor)) return false;
    const parent = el.parentElement;
    return parent === null || view.getComputedStyle(parent).cursor !== cursor;
  };
  const POINTER_CURSORS = ['pointer', 'grab', 'move'];
  const pointerCursorStartsHere = (el: Element): boolean => cursorStartsHere(el, POINTER_CURSORS);
  /** A grab or move cursor of its own: what a page shows on a thing to drag (pointer-event drags too). */
  const grabCursorStartsHere = (el: Element): boolean => cursorStartsHere(el, ['grab', 'move']);
  /**
   * A listener element is listed when a person sees it as one thing to click: shown, not inside a
   * listed control (a span in a button), not the page's body or a container covering half the
   * viewport (delegated listeners of frameworks sit there), and showing text, a label or a graphic.
   */
  const clickableOnItsOwn = (el: Element): boolean => {
    if (el.tagName === 'BODY' || el.tagName === 'HTML' || !probe.elementShown(el)) return false;
    // A label clicks its control, which is listed (or stands for it, when hidden behind it).
    if (el.tagName === 'LABEL' && (el as HTMLLabelElement).control !== null) return false;
    const parent = el.parentElement;
    if (parent !== null && closestComposed(parent, INTERACTIVE) !== null) return false;
    const rect = el.getBoundingClientRect();
    if (rect.width * rect.height > (window.innerWidth * window.innerHeight) / 2) return false;
    return !showsNothing(el) || isGraphic(el);
  };
  /** `#rrggbb` and the nearest plain colour word, for a computed colour; undefined when transparent. */
  const colourOf = (value: string): string | undefined => {
    const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)$/.exec(value);
    if (rgb === null || (rgb[4] !== undefined && Number(rgb[4]) === 0)) return undefined;
    const [r, g, b] = [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
    const hex = `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    let word: string;
    if (max - min < 24) word = max < 60 ? 'black' : max > 200 ? 'white' : 'grey';
    else {
      const d = max - min;
      const degrees = 60 * (max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4);
      const hues: [number, string][] = [[15, 'red'], [45, 'orange'], [70, 'yellow'], [160, 'green'], [200, 'cyan'], [260, 'blue'], [300, 'purple'], [345, 'pink'], [360, 'red']];
      word = hues.find(([below]) => degrees < below)?.[1] ?? 'red';
      if (word === 'orange' && max < 160) word = 'brown';
    }
    return `${hex} ${word}`;
  };
  const ICON_CLASS = /^(?:fa[srlbd]?-|bi-|icon-|glyphicon-|ti-|ri-|mdi-|octicon-|lucide-)([a-z][a-z0-9-]*)$|^([a-z][a-z0-9-]*?)[-_]icon$/;
  /**
   * What tells a nameless element apart to the eye: an SVG shape's kind and fill, a swatch's
   * colour, an icon's name from its class, a picture's file name. Undefined when none applies.
   */
  const looksOf = (el: Element): string | undefined => {
    const style = (el.ownerDocument.defaultView ?? window).getComputedStyle(el);
    if (el.namespaceURI === 'http://www.w3.org/2000/svg') {
      const shape = el.tagName.toLowerCase() === 'svg' ? el.querySelector('circle,rect,ellipse,path,polygon,polyline,line') : el;
      if (shape === null) return 'svg';
      const fill = colourOf((shape.ownerDocument.defaultView ?? window).getComputedStyle(shape).fill);
      return fill === undefined ? shape.tagName.toLowerCase() : `${shape.tagName.toLowerCase()}, fill ${fill}`;
    }
    for (const token of Array.from(el.classList).concat(Array.from(el.firstElementChild?.classList ?? []))) {
      const icon = ICON_CLASS.exec(token.toLowerCase());
      const label = icon?.[1] ?? icon?.[2];
      if (label !== undefined) return `icon ${cut(label.replace(/[-_]+/g, ' '), 30)}`;
    }
    if (el.tagName === 'IMG') {
      const file = ((el as HTMLImageElement).currentSrc || (el as HTMLImageElement).src).split(/[?#]/)[0]?.split('/').pop() ?? '';
      return file === '' || file.startsWith('data:') ? 'image' : `image ${cut(file, 40)}`;
    }
    const background = colourOf(style.backgroundColor);
    if (background !== undefined) return `colour ${background}`;
    return style.backgroundImage !== 'none' ? 'picture' : undefined;
  };

  /** Drawn rather than written: an SVG shape, a picture, or a box with a colour of its own (a swatch, an icon). */
  const isGraphic = (el: Element): boolean => {
    if (el.namespaceURI === 'http://www.w3.org/2000/svg' || el.tagName === 'IMG' || el.tagName === 'CANVAS') return true;
    const style = (el.ownerDocument.defaultView ?? window).getComputedStyle(el);
    return style.backgroundImage !== 'none' || !/^(transparent|rgba\(0, 0, 0, 0\))$/.test(style.backgroundColor);
  };

  const showsNothing = (el: Element): boolean =>
    !isFormControl(el) &&
    ['aria-label', 'aria-labelledby', 'title'].every((attribute) => clean(el.getAttribute(attribute) ?? '') === '') &&
    contentText(el).hiddenOnly;

  // Inputs whose value has a type, with the format `type` must write for the date-like ones
  // (the same table as typed-input.ts, which checks the text; this script cannot import it).
  const VALUE_FORMATS: Record<string, string> = {
    date: 'yyyy-mm-dd', time: 'hh:mm (24-hour)', 'datetime-local': 'yyyy-mm-ddThh:mm', month: 'yyyy-mm', week: 'yyyy-Www',
    color: '#rrggbb', number: '', range: '', email: '', tel: '', url: '',
  };
  const inputDetails = (el: Element): RawElement['input'] => {
    if (el.tagName !== 'INPUT') return undefined;
    const type = (el as HTMLInputElement).type;
    const format = VALUE_FORMATS[type];
    if (format === undefined) return undefined;
    const details: NonNullable<RawElement['input']> = { type };
    for (const attribute of ['min', 'max', 'step'] as const) {
      const value = el.getAttribute(attribute);
      if (value !== null && value !== '') details[attribute] = cut(value, 40);
    }
    if (format !== '') details.format = format;
    return details;
  };

  // A field with no accessible name gets one a person would use: the label-like text beside it
  // (the text before it, the cell before it in a table row, its wrapper's text), else its place
  // ("text field 3 of form 'Sign up'"). `nameFrom` marks such names: they are guesses, not labels.
  const FIELDS = 'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]),select,textarea,[contenteditable=""],[contenteditable=true],[role=textbox],[role=searchbox],[role=combobox]';
  const LABEL_CHARS = 80;
  let nameFrom: RawElement['nameFrom'];
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

  const nameOf = (el: Element, role: string): string => {
    nameFrom = undefined;
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
    if (isFormControl(el)) {
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

  // Fields whose value is a secret: passwords, and what autocomplete names as one (one-time
  // codes, card numbers and security codes). Their value is never shown, and the agent loop masks
  // what it types into them.
  const SECRET_AUTOCOMPLETE = ['current-password', 'new-password', 'one-time-code', 'cc-number', 'cc-csc'];
  const isSensitive = (el: Element): boolean => {
    if (el.tagName !== 'INPUT' && el.tagName !== 'TEXTAREA') return false;
    if (el.tagName === 'INPUT' && (el as HTMLInputElement).type === 'password') return true;
    const tokens = (el.getAttribute('autocomplete') ?? '').toLowerCase().split(/\s+/);
    return tokens.some((token) => SECRET_AUTOCOMPLETE.includes(token));
  };

  // A field's value past this many characters is cut; `valueLength` then says how long it is.
  const VALUE_CHARS = 200;
  let valueLength: number | undefined;
  const cutValue = (value: string): string => {
    if (value.length > VALUE_CHARS) valueLength = value.length;
    return cut(value, VALUE_CHARS);
  };
  const valueOf = (el: Element): string | undefined => {
    valueLength = undefined;
    const tag = el.tagName;
    if (isSensitive(el)) return (el as HTMLInputElement).value === '' ? undefined : '••••';
    if (tag === 'INPUT') {
      const input = el as HTMLInputElement;
      if (['checkbox', 'radio', 'submit', 'button', 'reset', 'image'].includes(input.type)) return undefined;
      // The chosen files' names (`value` would be C:\fakepath\…).
      if (input.type === 'file') return input.files === null || input.files.length === 0 ? undefined : cut(Array.from(input.files, (f) => f.name).join(', '), 200);
      return input.value === '' ? undefined : cutValue(input.value);
    }
    if (tag === 'TEXTAREA') {
      const value = (el as HTMLTextAreaElement).value;
      return value === '' ? undefined : cutValue(value);
    }
    if (tag === 'SELECT') {
      const selected = Array.from((el as HTMLSelectElement).selectedOptions).map((o) => clean(o.label || o.text));
      return selected.length === 0 ? undefined : cut(selected.join(', '), 200);
    }
    if ((el as HTMLElement).isContentEditable) {
      const text = ownText(el);
      return text === '' ? undefined : cutValue(text);
    }
    const now = el.getAttribute('aria-valuenow');
    return now === null ? undefined : now;
  };

  const statesOf = (el: Element): string[] => {
    const states: string[] = [];
    const input = el as HTMLInputElement;
    const checkedAttr = el.getAttribute('aria-checked');
    if ((el.tagName === 'INPUT' && (input.type === 'checkbox' || input.type === 'radio') && input.checked) || checkedAttr === 'true') {
      states.push('checked');
    } else if (checkedAttr === 'mixed') states.push('mixed');
    if ((isFormControl(el) || el.tagName === 'BUTTON') && el.matches(':disabled')) states.push('disabled');
    else if (el.getAttribute('aria-disabled') === 'true') states.push('disabled');
    if ((isFormControl(el) && input.required) || el.getAttribute('aria-required') === 'true') states.push('required');
    if ((el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') && input.readOnly) states.push('readonly');
    const expanded = el.getAttribute('aria-expanded');
    if (expanded === 'true') states.push('expanded');
    else if (expanded === 'false') states.push('collapsed');
    else if (el.tagName === 'SUMMARY' && el.parentElement?.tagName === 'DETAILS') {
      states.push((el.parentElement as HTMLDetailsElement).open ? 'expanded' : 'collapsed');
    }
    if (el.getAttribute('aria-selected') === 'true') states.push('selected');
    // a shadow root reports its own focused element; the document reports only the host
    if ((el.getRootNode() as Document | ShadowRoot).activeElement === el) states.push('focused');
    return states;
  };

  // One pass per tree (a document or an open shadow root) in document order: interactive
  // elements, shadow roots (walked where their host sits, so their elements keep page order) and
  // frames. Same-origin frames are walked after their document with the same registry; each frame
  // element is tagged so Playwright can enter it.
  const candidates: { el: Element; order: number }[] = [];
  const docs: Document[] = [];
  let hiddenFrames = 0;
  const shadowHosts = new Set<Element>();
  const frameQueue: Document[] = [document];
  const walkTree = (root: Document | ShadowRoot, frames: Element[]): void => {
    const interactive = new Set(Array.from(root.querySelectorAll(INTERACTIVE)));
    for (const el of Array.from(root.querySelectorAll('*'))) {
      if (interactive.has(el)) {
        if (
          !(el.tagName === 'INPUT' && (el as HTMLInputElement).type === 'hidden') &&
          (probe.elementShown(el) || isLabelledHiddenInput(el)) &&
          !showsNothing(el)
        ) {
          candidates.push({ el, order: candidates.length });
        }
      } else if ((listensForPointer(el) || pointerCursorStartsHere(el)) && clickableOnItsOwn(el)) {
        candidates.push({ el, order: candidates.length });
      }
      if (el.shadowRoot !== null) {
        shadowHosts.add(el);
        walkTree(el.shadowRoot, frames);
      }
      if (el.tagName === 'IFRAME' || el.tagName === 'FRAME') frames.push(el);
    }
  };
  for (let i = 0; i < frameQueue.length && i < 20; i++) {
    const doc = frameQueue[i]!;
    docs.push(doc);
    const frames: Element[] = [];
    walkTree(doc, frames);
    for (const frame of frames) {
      if (!probe.markFrame(frame, args.frameMark)) continue;
      let inner: Document | null = null;
      try {
        inner = (frame as HTMLIFrameElement).contentDocument;
      } catch {
        inner = null;
      }
      if (inner === null || inner.body === null) {
        hiddenFrames++;
        continue;
      }
      if (!frame.hasAttribute('data-steward-frame')) frame.setAttribute('data-steward-frame', String(reg.nextFrame++));
      frameQueue.push(inner);
    }
  }

  let chosen = candidates;
  let omittedAbove = 0;
  let omittedBelow = 0;
  if (candidates.length > args.maxElements) {
    // Keep what is nearest the viewport; the model can scroll for the rest. (Elements of a
    // frame are measured in the frame's viewport, which is close enough to rank them.)
    const viewportHeight = window.innerHeight;
    const distance = (el: Element): number => {
      const rect = el.getBoundingClientRect();
      if (rect.bottom >= 0 && rect.top <= viewportHeight) return 0;
      return rect.top > viewportHeight ? rect.top - viewportHeight : rect.bottom;
    };
    const ranked = candidates
      .map((c) => ({ c, d: distance(c.el) }))
      .sort((a, b) => Math.abs(a.d) - Math.abs(b.d) || a.c.order - b.c.order);
    for (const left of ranked.slice(args.maxElements)) {
      if (left.d < 0) omittedAbove++;
      else omittedBelow++;
    }
    chosen = ranked
      .slice(0, args.maxElements)
      .map((x) => x.c)
      .sort((a, b) => a.order - b.order);
  }

  /** The border box in this run's viewport: same-origin frames add where they stand in their parent. */
  const boxOf = (el: Element): RawElement['box'] => {
    const rect = el.getBoundingClientRect();
    let x = rect.left;
    let y = rect.top;
    let view = el.ownerDocument.defaultView;
    while (view !== null && view !== window) {
      let holder: Element | null = null;
      try {
        holder = view.frameElement;
      } catch {
        holder = null;
      }
      if (holder === null) break;
      const outer = holder.getBoundingClientRect();
      const style = (holder.ownerDocument.defaultView ?? window).getComputedStyle(holder);
      x += outer.left + holder.clientLeft + (parseFloat(style.paddingLeft) || 0);
      y += outer.top + holder.clientTop + (parseFloat(style.paddingTop) || 0);
      view = holder.ownerDocument.defaultView;
    }
    return { x: Math.round(x), y: Math.round(y), width: Math.round(rect.width), height: Math.round(rect.height) };
  };

  const elements: RawElement[] = [];
  const seen = new Set<number>();
  for (const { el } of chosen) {
    let index = reg.byElement.get(el);
    if (index === undefined) {
      index = reg.next++;
      reg.byElement.set(el, index);
      reg.byIndex.set(index, new WeakRef(el));
    }
    if (el.getAttribute('data-steward-idx') !== String(index)) el.setAttribute('data-steward-idx', String(index));
    const role = roleOf(el);
    const tag = el.tagName.toLowerCase();
    const name = cut(nameOf(el, role), args.maxNameLength);
    const states = statesOf(el);
    const item: RawElement = { index, role, name, tag, box: boxOf(el), isNew: !reg.previous.has(index) };
    if (nameFrom !== undefined) item.nameFrom = nameFrom;
    if (name === '') {
      const looks = looksOf(el);
      if (looks !== undefined) item.looks = looks;
    }
    const value = valueOf(el);
    if (value !== undefined) item.value = value;
    if (valueLength !== undefined) item.valueLength = valueLength;
    if (tag === 'a') {
      const href = (el as HTMLAnchorElement).href;
      if (href) item.href = href.startsWith('javascript:') ? 'javascript:…' : cut(href, 300);
    }
    if (states.length > 0) item.states = states;
    if (isSensitive(el)) item.sensitive = true;
    if (tag === 'input' && (el as HTMLInputElement).type === 'file') {
      const file = el as HTMLInputElement;
      if (file.accept !== '') item.accept = cut(file.accept, 200);
      if (file.multiple) item.states = [...(item.states ?? []), 'multiple'];
    }
    const input = inputDetails(el);
    if (input !== undefined) item.input = input;
    if (tag === 'select') {
      // `select` takes a list of options for these.
      if ((el as HTMLSelectElement).multiple) item.states = [...(item.states ?? []), 'multiple'];
      // A hidden option never shows in the list a person opens.
      const options = Array.from((el as HTMLSelectElement).options)
        .filter((o) => !o.hidden && (o.ownerDocument.defaultView ?? window).getComputedStyle(o).display !== 'none')
        .map((o) => cut(clean(o.label || o.text), 60));
      item.options = options.length > args.maxOptions
        ? [...options.slice(0, args.maxOptions), `…(${options.length - args.maxOptions} more)`]
        : options;
    }
    const described: RegistryDescription = { role, name, tag, disabled: states.includes('disabled') };
    if (input !== undefined) described.inputType = input.type;
    if (item.sensitive === true) described.sensitive = true;
    reg.described.set(index, described);
    seen.add(index);
    elements.push(item);
  }
  reg.previous = seen;
  for (const [index, ref] of reg.byIndex) {
    const el = ref.deref();
    if (el === undefined || !el.isConnected) {
      reg.byIndex.delete(index);
      reg.described.delete(index);
    }
  }

  // Text outline: every text node a person sees is attributed to its nearest block (heading,
  // paragraph, list item, table row) or, outside blocks, to its nearest container; text that
  // only labels a link or button is left to the element list.
  type Line = { el: Element; kind: string; parts: string[]; cell: Element | null };
  const lines = new Map<Element, Line>();
  let collected = 0;
  let textCut = false;
  const collectLimit = args.textBudget * 2;
  const addText = (node: Node): boolean => {
    const parent = node.parentElement;
    if (parent === null || SKIP_TEXT_PARENTS.has(parent.tagName)) return true;
    const raw = node.textContent ?? '';
    const blank = raw.trim() === '';
    const block = closestComposed(parent, BLOCKS);
    if (block === null && closestComposed(parent, INLINE_INTERACTIVE) !== null) return true;
    const owner = block ?? closestComposed(parent, CONTAINERS);
    if (owner === null) return true;
    if (!blank && probe.textState(node as Text) !== 'shown') return true;
    let line = lines.get(owner);
    if (line === undefined) {
      if (blank) return true;
      line = { el: owner, kind: block === null ? 'text' : owner.tagName, parts: [], cell: null };
      lines.set(owner, line);
    }
    if (line.kind === 'TR') {
      const cell = closestComposed(parent, 'td,th');
      if (cell !== line.cell && line.parts.length > 0 && !blank) line.parts.push(' | ');
      if (!blank) line.cell = cell;
    }
    line.parts.push(blank ? ' ' : raw);
    collected += raw.length;
    if (collected > collectLimit) {
      textCut = true;
      return false;
    }
    return true;
  };
  // Text nodes in tree order; a shadow root's text is read where its host sits. Pages without
  // shadow roots take the cheaper text-only walk.
  const walkText = (root: Node, doc: Document): boolean => {
    const withHosts = shadowHosts.size > 0;
    const walker = doc.createTreeWalker(root, withHosts ? NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT : NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      if (node.nodeType === 3) {
        if (!addText(node)) return false;
      } else if (shadowHosts.has(node as Element)) {
        if (!walkText((node as Element).shadowRoot!, doc)) return false;
      }
    }
    return true;
  };
  for (const doc of docs) {
    if (doc.body === null) continue;
    if (!walkText(doc.body, doc)) break;
  }
  const out: string[] = [];
  let used = 0;
  for (const line of lines.values()) {
    let text = clean(line.parts.join(''));
    if (text === '') continue;
    const level = /^H([1-6])$/.exec(line.kind);
    if (level) text = `${'#'.repeat(Number(level[1]))} ${text}`;
    else if (line.kind === 'LI') text = `- ${text}`;
    if (used + text.length + 1 > args.textBudget) {
      const room = args.textBudget - used - 1;
      if (room > 40) out.push(cut(text, room));
      textCut = true;
      break;
    }
    out.push(text);
    used += text.length + 1;
  }

  let maxIndex = reg.next - 1;
  if (maxIndex < args.indexFloor) maxIndex = args.indexFloor;
  return {
    url: location.href,
    title: document.title,
    elements,
    text: out.join('\n'),
    textCut,
    totalElements: candidates.length,
    omittedAbove,
    omittedBelow,
    hiddenFrames,
    scroll: {
      y: Math.round(window.scrollY),
      height: Math.round(document.documentElement.scrollHeight),
      viewportHeight: window.innerHeight,
    },
    maxIndex,
    docId: reg.docId,
  };
}
