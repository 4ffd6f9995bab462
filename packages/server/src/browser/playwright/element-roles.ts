/**
 * Runs INSIDE the page (passed to `observePage` through `pageFactoryOf`): DOM APIs only.
 * An element's role, and what tells that it reacts to the pointer when its markup does not say
 * so: a listener added in script (recorded by `listener-marks.ts`), an `on…` property, or a
 * pointer cursor of its own.
 */

export interface ElementRoles {
  /** The role a person would give it: explicit, implied by its tag, else `clickable`, `draggable` or `drop target`. */
  roleOf(el: Element): string;
  /** It has a click, drag or drop listener, or an `on…` handler property, or `draggable="true"`. */
  listensForPointer(el: Element): boolean;
  /** A pointer, grab or move cursor set on this element itself, not inherited from its parent. */
  pointerCursorStartsHere(el: Element): boolean;
}

/** `listenerKey`: where each document keeps the elements given a pointer listener (`listener-marks.ts`). */
export function createElementRoles(listenerKey: string | undefined): ElementRoles {
  const listenerSymbol = listenerKey === undefined ? undefined : Symbol.for(listenerKey);
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
  /** A grab or move cursor of its own: what a page shows on a thing to drag (pointer-event drags too). */
  const GRAB_CURSORS = ['grab', 'move'];

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
      if (kinds.has('drag') || el.getAttribute('draggable') === 'true' || cursorStartsHere(el, GRAB_CURSORS)) return 'draggable';
      if (kinds.has('drop')) return 'drop target';
    }
    return 'clickable';
  };

  return { roleOf, listensForPointer, pointerCursorStartsHere: (el) => cursorStartsHere(el, POINTER_CURSORS) };
}
