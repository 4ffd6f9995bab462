import type { BrowserContext } from 'playwright-core';

/**
 * Where each document keeps the elements given a pointer or drag listener (a symbol the observation
 * reads too): a WeakMap from the element to the kinds of listener it has.
 */
export const LISTENER_MARKS_KEY = 'steward.pointer-listeners';

/** What a marked element's listeners let a person do with it. */
export type ListenerKind = 'click' | 'drag' | 'drop';

/**
 * In every document, before the page's own scripts: remembers the elements that get a click-like
 * or drag-and-drop listener through `addEventListener` (plain script, jQuery, d3 all end there), so
 * an observation can list a `<span>` link, an SVG shape, a card to drag or a zone to drop it on
 * that has no role, `href` or `onclick`. The method is
 * wrapped in a Proxy, which keeps its behaviour and a native-looking `toString`.
 *
 * Chromium's DevTools protocol can tell the same (`DOMDebugger.getEventListeners`), but mapping
 * its nodes back into the page costs milliseconds per node; this costs a WeakSet insertion per
 * listener (see docs/decisions/0014-listener-clickables-and-pointer-tools.md).
 */
function installListenerMarks(key: string): void {
  const symbol = Symbol.for(key);
  const holder = window as unknown as Record<symbol, WeakMap<Element, Set<ListenerKind>> | undefined>;
  if (holder[symbol] !== undefined) return;
  const marked = new WeakMap<Element, Set<ListenerKind>>();
  Object.defineProperty(window, symbol, { value: marked, enumerable: false });
  const kinds = new Map<string, ListenerKind>([
    ...['click', 'dblclick', 'auxclick', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'touchstart'].map((type) => [type, 'click'] as const),
    // HTML5 drag and drop: what can be picked up, and where it can be dropped.
    ['dragstart', 'drag'],
    ['dragover', 'drop'],
    ['drop', 'drop'],
  ]);
  const original = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = new Proxy(original, {
    apply(target, self: unknown, args: Parameters<EventTarget['addEventListener']>) {
      const kind = kinds.get(String(args[0]));
      if (kind !== undefined && self !== null && typeof self === 'object' && (self as Node).nodeType === 1) {
        const element = self as Element;
        const known = marked.get(element);
        if (known === undefined) marked.set(element, new Set([kind]));
        else known.add(kind);
      }
      return Reflect.apply(target, self, args);
    },
  });
}

// The `__name` shim: tsx keeps function names with a helper the page does not have.
const SCRIPT = `(() => { const __name = (f) => f; (${installListenerMarks.toString()})(${JSON.stringify(LISTENER_MARKS_KEY)}); })();`;

/** Installs the marks in every document the context loads from now on. */
export async function markPointerListeners(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: SCRIPT });
}
