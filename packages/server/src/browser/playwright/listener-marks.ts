import type { BrowserContext } from 'playwright-core';

/** Where each document keeps the elements given a pointer listener (a symbol the observation reads too). */
export const LISTENER_MARKS_KEY = 'steward.pointer-listeners';

/**
 * In every document, before the page's own scripts: remembers the elements that get a click-like
 * listener through `addEventListener` (plain script, jQuery, d3 all end there), so an observation
 * can list a `<span>` link or an SVG shape that has no role, `href` or `onclick`. The method is
 * wrapped in a Proxy, which keeps its behaviour and a native-looking `toString`.
 *
 * Chromium's DevTools protocol can tell the same (`DOMDebugger.getEventListeners`), but mapping
 * its nodes back into the page costs milliseconds per node; this costs a WeakSet insertion per
 * listener (see docs/decisions/0014-listener-clickables-and-pointer-tools.md).
 */
function installListenerMarks(key: string): void {
  const symbol = Symbol.for(key);
  const holder = window as unknown as Record<symbol, WeakSet<Element> | undefined>;
  if (holder[symbol] !== undefined) return;
  const marked = new WeakSet<Element>();
  Object.defineProperty(window, symbol, { value: marked, enumerable: false });
  const pointerEvents = new Set(['click', 'dblclick', 'auxclick', 'mousedown', 'mouseup', 'pointerdown', 'pointerup', 'touchstart']);
  const original = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = new Proxy(original, {
    apply(target, self: unknown, args: Parameters<EventTarget['addEventListener']>) {
      if (self !== null && typeof self === 'object' && (self as Node).nodeType === 1 && pointerEvents.has(String(args[0]))) marked.add(self as Element);
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
