/**
 * Runs INSIDE the page (passed to `observePage` through `pageFactoryOf`): DOM APIs only.
 * Which elements a person can use, and what the observation says of each: its role and name
 * (`element-roles.ts`, `element-names.ts`), value, states, what it looks like when it has no
 * name, and the details `type` and `select` need.
 */

import type { ElementNamer, NameFrom } from './element-names.ts';
import type { ElementRoles } from './element-roles.ts';
import type { PageDom } from './page-dom.ts';
import type { VisibilityProbe } from './visibility-probe.ts';

/** What the observation lists of one element, apart from where it is (its index and box). */
export interface ElementDescription {
  role: string;
  name: string;
  tag: string;
  value?: string;
  valueLength?: number;
  nameFrom?: NameFrom;
  href?: string;
  states?: string[];
  options?: string[];
  input?: { type: string; min?: string; max?: string; step?: string; format?: string };
  accept?: string;
  sensitive?: true;
  looks?: string;
}

export interface ElementDescriber {
  /** The selector for elements interactive by their markup alone. */
  readonly interactive: string;
  /**
   * Listed as one thing a person can use. `matchesInteractive`: it matches `interactive` (the
   * caller has matched a whole tree at once); anything else is listed only when script made it
   * clickable and it stands on its own.
   */
  isListed(el: Element, matchesInteractive: boolean): boolean;
  describe(el: Element, limits: { maxNameLength: number; maxOptions: number }): ElementDescription;
}

export function createElementDescriber(probe: VisibilityProbe, dom: PageDom, roles: ElementRoles, namer: ElementNamer): ElementDescriber {
  const { clean, cut } = dom;
  const INTERACTIVE = [
    'a[href]', 'button', 'input:not([type=hidden])', 'select', 'textarea', 'summary',
    '[role=button]', '[role=link]', '[role=checkbox]', '[role=radio]', '[role=tab]', '[role=menuitem]',
    '[role=menuitemcheckbox]', '[role=menuitemradio]', '[role=option]', '[role=switch]', '[role=combobox]',
    '[role=textbox]', '[role=searchbox]', '[role=slider]', '[role=spinbutton]',
    '[contenteditable=""]', '[contenteditable=true]', '[onclick]',
  ].join(',');

  // A file input, checkbox or radio button is often hidden behind a styled label: people click
  // the label and the input takes the click, so the input is listed (named by its label).
  const HIDDEN_BEHIND_LABEL = new Set(['file', 'checkbox', 'radio']);
  const isLabelledHiddenInput = (el: Element): boolean =>
    el.tagName === 'INPUT' &&
    HIDDEN_BEHIND_LABEL.has((el as HTMLInputElement).type) &&
    Array.from((el as HTMLInputElement).labels ?? []).some(probe.elementShown);

  /** Drawn rather than written: an SVG shape, a picture, or a box with a colour of its own (a swatch, an icon). */
  const isGraphic = (el: Element): boolean => {
    if (el.namespaceURI === 'http://www.w3.org/2000/svg' || el.tagName === 'IMG' || el.tagName === 'CANVAS') return true;
    const style = (el.ownerDocument.defaultView ?? window).getComputedStyle(el);
    return style.backgroundImage !== 'none' || !/^(transparent|rgba\(0, 0, 0, 0\))$/.test(style.backgroundColor);
  };
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
    if (parent !== null && dom.closestComposed(parent, INTERACTIVE) !== null) return false;
    const rect = el.getBoundingClientRect();
    if (rect.width * rect.height > (window.innerWidth * window.innerHeight) / 2) return false;
    return !namer.showsNothing(el) || isGraphic(el);
  };
  const isListed = (el: Element, matchesInteractive: boolean): boolean => {
    if (matchesInteractive) {
      return !(el.tagName === 'INPUT' && (el as HTMLInputElement).type === 'hidden') &&
        (probe.elementShown(el) || isLabelledHiddenInput(el)) &&
        !namer.showsNothing(el);
    }
    return (roles.listensForPointer(el) || roles.pointerCursorStartsHere(el)) && clickableOnItsOwn(el);
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

  // Inputs whose value has a type, with the format `type` must write for the date-like ones
  // (the same table as typed-input.ts, which checks the text; this script cannot import it).
  const VALUE_FORMATS: Record<string, string> = {
    date: 'yyyy-mm-dd', time: 'hh:mm (24-hour)', 'datetime-local': 'yyyy-mm-ddThh:mm', month: 'yyyy-mm', week: 'yyyy-Www',
    color: '#rrggbb', number: '', range: '', email: '', tel: '', url: '',
  };
  const inputDetails = (el: Element): ElementDescription['input'] => {
    if (el.tagName !== 'INPUT') return undefined;
    const type = (el as HTMLInputElement).type;
    const format = VALUE_FORMATS[type];
    if (format === undefined) return undefined;
    const details: NonNullable<ElementDescription['input']> = { type };
    for (const attribute of ['min', 'max', 'step'] as const) {
      const value = el.getAttribute(attribute);
      if (value !== null && value !== '') details[attribute] = cut(value, 40);
    }
    if (format !== '') details.format = format;
    return details;
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
      const text = namer.ownText(el);
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
    if ((dom.isFormControl(el) || el.tagName === 'BUTTON') && el.matches(':disabled')) states.push('disabled');
    else if (el.getAttribute('aria-disabled') === 'true') states.push('disabled');
    if ((dom.isFormControl(el) && input.required) || el.getAttribute('aria-required') === 'true') states.push('required');
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

  // The keys are set in the order the observation has always shown them.
  const describe: ElementDescriber['describe'] = (el, limits) => {
    const role = roles.roleOf(el);
    const tag = el.tagName.toLowerCase();
    const named = namer.nameOf(el, role);
    const name = cut(named.name, limits.maxNameLength);
    const states = statesOf(el);
    const item: ElementDescription = { role, name, tag };
    if (named.from !== undefined) item.nameFrom = named.from;
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
      item.options = options.length > limits.maxOptions
        ? [...options.slice(0, limits.maxOptions), `…(${options.length - limits.maxOptions} more)`]
        : options;
    }
    return item;
  };

  return { interactive: INTERACTIVE, isListed, describe };
}
