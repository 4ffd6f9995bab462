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
 */

export interface ObserveArgs {
  indexFloor: number;
  maxElements: number;
  textBudget: number;
  maxNameLength: number;
  maxOptions: number;
}

export interface RawElement {
  index: number;
  role: string;
  name: string;
  tag: string;
  value?: string;
  href?: string;
  states?: string[];
  options?: string[];
  isNew: boolean;
}

export interface RawObservation {
  url: string;
  title: string;
  elements: RawElement[];
  text: string;
  truncated: boolean;
  scroll: { y: number; height: number; viewportHeight: number };
  maxIndex: number;
}

/** What `find-indexed.ts` reads back for an index: enough to describe the element in a message. */
export interface RegistryDescription {
  role: string;
  name: string;
  tag: string;
  disabled: boolean;
}

export function observePage(args: ObserveArgs): RawObservation {
  type Registry = {
    next: number;
    byElement: WeakMap<Element, number>;
    byIndex: Map<number, WeakRef<Element>>;
    described: Map<number, RegistryDescription>;
    previous: Set<number>;
    nextFrame: number;
  };
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

  const clean = (s: string): string => s.replace(/\s+/g, ' ').trim();
  const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

  const visibility = new Map<Element, boolean>();
  const isVisible = (el: Element): boolean => {
    const known = visibility.get(el);
    if (known !== undefined) return known;
    const rect = el.getBoundingClientRect();
    let visible = rect.width > 1 || rect.height > 1;
    if (visible && typeof el.checkVisibility === 'function') {
      visible = el.checkVisibility({ visibilityProperty: true });
    }
    visibility.set(el, visible);
    return visible;
  };

  // Text of an element without the text of nested form controls (a <label> around a <select>
  // would otherwise be named after every option).
  const ownText = (el: Element): string => {
    let out = '';
    const walk = (node: Node): void => {
      for (const child of Array.from(node.childNodes)) {
        if (child.nodeType === 3) out += child.textContent ?? '';
        else if (child.nodeType === 1) {
          const tag = (child as Element).tagName;
          if (tag === 'SELECT' || tag === 'TEXTAREA' || tag === 'OPTION' || SKIP_TEXT_PARENTS.has(tag)) continue;
          if (tag === 'INPUT') {
            const input = child as HTMLInputElement;
            if (input.type === 'submit' || input.type === 'button') out += ` ${input.value} `;
            continue;
          }
          if (tag === 'IMG') {
            out += ` ${(child as HTMLImageElement).alt} `;
            continue;
          }
          walk(child);
        }
      }
    };
    walk(el);
    return clean(out);
  };

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
    return 'clickable';
  };

  const isFormControl = (el: Element): boolean =>
    el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA';

  const nameOf = (el: Element, role: string): string => {
    const doc = el.ownerDocument;
    const labelledBy = el.getAttribute('aria-labelledby');
    if (labelledBy) {
      const text = clean(
        labelledBy
          .split(/\s+/)
          .map((id) => doc.getElementById(id)?.textContent ?? '')
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
      return clean(el.getAttribute('title') ?? '') || clean(el.getAttribute('name') ?? '');
    }
    if (role === 'textbox' || role === 'searchbox' || role === 'combobox') {
      return clean(el.getAttribute('aria-placeholder') ?? '') || clean(el.getAttribute('title') ?? '');
    }
    return ownText(el) || clean(el.getAttribute('title') ?? '');
  };

  const valueOf = (el: Element): string | undefined => {
    const tag = el.tagName;
    if (tag === 'INPUT') {
      const input = el as HTMLInputElement;
      if (['checkbox', 'radio', 'submit', 'button', 'reset', 'image'].includes(input.type)) return undefined;
      if (input.type === 'password') return input.value === '' ? undefined : '••••';
      return input.value === '' ? undefined : cut(input.value, 200);
    }
    if (tag === 'TEXTAREA') {
      const value = (el as HTMLTextAreaElement).value;
      return value === '' ? undefined : cut(value, 200);
    }
    if (tag === 'SELECT') {
      const selected = Array.from((el as HTMLSelectElement).selectedOptions).map((o) => clean(o.label || o.text));
      return selected.length === 0 ? undefined : cut(selected.join(', '), 200);
    }
    if ((el as HTMLElement).isContentEditable) {
      const text = clean(el.textContent ?? '');
      return text === '' ? undefined : cut(text, 200);
    }
    const now = el.getAttribute('aria-valuenow');
    return now === null ? undefined : now;
  };

  const statesOf = (el: Element, doc: Document): string[] => {
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
    if (doc.activeElement === el) states.push('focused');
    return states;
  };

  // Documents to walk: this one and same-origin frames (their elements get indices from the
  // same registry; each frame element is tagged so Playwright can enter it).
  const docs: Document[] = [document];
  let hiddenFrames = 0;
  for (let i = 0; i < docs.length && i < 20; i++) {
    for (const frame of Array.from(docs[i]!.querySelectorAll('iframe,frame'))) {
      if (!isVisible(frame)) continue;
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
      docs.push(inner);
    }
  }

  // Interactive elements.
  const candidates: { el: Element; doc: Document; order: number }[] = [];
  for (const doc of docs) {
    for (const el of Array.from(doc.querySelectorAll(INTERACTIVE))) {
      if (el.tagName === 'INPUT' && (el as HTMLInputElement).type === 'hidden') continue;
      if (!isVisible(el)) continue;
      candidates.push({ el, doc, order: candidates.length });
    }
  }
  let truncated = false;
  let chosen = candidates;
  if (candidates.length > args.maxElements) {
    truncated = true;
    // Keep what is nearest the viewport; the model can scroll for the rest.
    const viewportHeight = window.innerHeight;
    const distance = (el: Element): number => {
      const rect = el.getBoundingClientRect();
      if (rect.bottom >= 0 && rect.top <= viewportHeight) return 0;
      return rect.top > viewportHeight ? rect.top - viewportHeight : -rect.bottom;
    };
    chosen = candidates
      .map((c) => ({ c, d: distance(c.el) }))
      .sort((a, b) => a.d - b.d || a.c.order - b.c.order)
      .slice(0, args.maxElements)
      .map((x) => x.c)
      .sort((a, b) => a.order - b.order);
  }

  const elements: RawElement[] = [];
  const seen = new Set<number>();
  for (const { el, doc } of chosen) {
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
    const states = statesOf(el, doc);
    const item: RawElement = { index, role, name, tag, isNew: !reg.previous.has(index) };
    const value = valueOf(el);
    if (value !== undefined) item.value = value;
    if (tag === 'a') {
      const href = (el as HTMLAnchorElement).href;
      if (href) item.href = href.startsWith('javascript:') ? 'javascript:…' : cut(href, 300);
    }
    if (states.length > 0) item.states = states;
    if (tag === 'select') {
      const options = Array.from((el as HTMLSelectElement).options).map((o) => cut(clean(o.label || o.text), 60));
      item.options = options.length > args.maxOptions
        ? [...options.slice(0, args.maxOptions), `…(${options.length - args.maxOptions} more)`]
        : options;
    }
    reg.described.set(index, { role, name, tag, disabled: states.includes('disabled') });
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

  // Text outline: every visible text node is attributed to its nearest block (heading,
  // paragraph, list item, table row) or, outside blocks, to its nearest container; text that
  // only labels a link or button is left to the element list.
  type Line = { el: Element; kind: string; parts: string[]; cell: Element | null };
  const lines = new Map<Element, Line>();
  let collected = 0;
  const collectLimit = args.textBudget * 2;
  for (const doc of docs) {
    if (doc.body === null || collected > collectLimit) continue;
    const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (parent === null || SKIP_TEXT_PARENTS.has(parent.tagName)) continue;
      const raw = node.textContent ?? '';
      const blank = raw.trim() === '';
      if (!blank && !isVisible(parent)) continue;
      const block = parent.closest(BLOCKS);
      if (block === null && parent.closest(INLINE_INTERACTIVE) !== null) continue;
      const owner = block ?? parent.closest(CONTAINERS);
      if (owner === null) continue;
      let line = lines.get(owner);
      if (line === undefined) {
        if (blank) continue;
        line = { el: owner, kind: block === null ? 'text' : owner.tagName, parts: [], cell: null };
        lines.set(owner, line);
      }
      if (line.kind === 'TR') {
        const cell = parent.closest('td,th');
        if (cell !== line.cell && line.parts.length > 0 && !blank) line.parts.push(' | ');
        if (!blank) line.cell = cell;
      }
      line.parts.push(blank ? ' ' : raw);
      collected += raw.length;
      if (collected > collectLimit) {
        truncated = true;
        break;
      }
    }
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
      truncated = true;
      break;
    }
    out.push(text);
    used += text.length + 1;
  }
  if (hiddenFrames > 0) out.push(`[${hiddenFrames} cross-origin frame(s) not shown]`);

  let maxIndex = reg.next - 1;
  if (maxIndex < args.indexFloor) maxIndex = args.indexFloor;
  return {
    url: location.href,
    title: document.title,
    elements,
    text: out.join('\n'),
    truncated,
    scroll: {
      y: Math.round(window.scrollY),
      height: Math.round(document.documentElement.scrollHeight),
      viewportHeight: window.innerHeight,
    },
    maxIndex,
  };
}
