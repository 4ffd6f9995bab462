/**
 * Runs INSIDE the page (passed to `runInPage` as a helper of `observePage`): DOM APIs only.
 * The small text and tree helpers the observation's parts share, so element names and the text
 * outline read whitespace and page structure the same way.
 */

export interface PageDom {
  /** Whitespace runs as one space, trimmed. */
  clean(s: string): string;
  /** `s` cut to `n` characters, ending with an ellipsis when cut. */
  cut(s: string, n: number): string;
  /** `closest` across shadow roots: page structure (a paragraph around a widget) does not stop at one. */
  closestComposed(el: Element, selector: string): Element | null;
  /** An input, select or textarea. */
  isFormControl(el: Element): boolean;
  /** A script, style, template or title element: what it holds is never shown as text. */
  holdsNoText(tagName: string): boolean;
}

export function createPageDom(): PageDom {
  const NO_TEXT = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TITLE']);
  return {
    clean: (s) => s.replace(/\s+/g, ' ').trim(),
    cut: (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s),
    closestComposed: (el, selector) => {
      let from: Element | null = el;
      while (from !== null) {
        const hit = from.closest(selector);
        if (hit !== null) return hit;
        const root = from.getRootNode();
        from = root instanceof ShadowRoot ? root.host : null;
      }
      return null;
    },
    isFormControl: (el) => el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA',
    holdsNoText: (tagName) => NO_TEXT.has(tagName),
  };
}
