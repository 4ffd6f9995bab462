/**
 * Runs INSIDE the page (serialized by `runInPage`): DOM APIs and its argument only.
 *
 * The visible text of a document as `read_text` pages through it: the browser's `innerText`
 * for plain subtrees (its line breaks and table layout), and a walk of the rendered tree where
 * `innerText` stops short: into open shadow roots (with their slotted content) and same-origin
 * frames, each frame's text under a `[frame: <title>]` line. Frames of other origins are
 * counted; the Node side reads each of them with its own run (`frameRootOnly`).
 */

export interface PageTextArgs {
  maxChars: number;
  /** As in `observe-page.ts`: run only in a frame whose parent is out of reach, else return null. */
  frameRootOnly?: boolean | undefined;
}

export interface PageTextRun {
  url: string;
  title: string;
  text: string;
  /** Visible frames this run could not enter (other origins). */
  hiddenFrames: number;
}

export function pageText(args: PageTextArgs): PageTextRun | null {
  if (args.frameRootOnly === true) {
    if (window.parent === window || window.frameElement !== null) return null;
    if (window.innerWidth <= 2 || window.innerHeight <= 2) return null;
  }
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD']);
  const isFrame = (el: Element): boolean => el.tagName === 'IFRAME' || el.tagName === 'FRAME';
  // Nodes of a same-origin frame come from another window: `instanceof` this window's classes fails.
  const isShadowRoot = (node: Node): node is ShadowRoot => node.nodeType === 11 && 'host' in node;
  const hasInnerText = (el: Element): el is HTMLElement => typeof (el as HTMLElement).innerText === 'string';

  // Elements innerText cannot render for us (shadow hosts, slots, frames) and their ancestors.
  const walked = new Set<Element>();
  const markWithAncestors = (el: Element): void => {
    let at: Element | null = el;
    while (at !== null && !walked.has(at)) {
      walked.add(at);
      const root = at.getRootNode();
      at = at.parentElement ?? (isShadowRoot(root) ? root.host : null);
    }
  };
  const scan = (root: Document | ShadowRoot): void => {
    for (const el of Array.from(root.querySelectorAll('*'))) {
      if (el.shadowRoot !== null) {
        markWithAncestors(el);
        scan(el.shadowRoot);
      }
      if (isFrame(el) || (el.tagName === 'SLOT' && isShadowRoot(root))) markWithAncestors(el);
    }
  };

  const parts: string[] = [];
  let length = 0;
  let hiddenFrames = 0;
  const push = (text: string): void => {
    parts.push(text);
    length += text.length;
  };
  const full = (): boolean => length >= args.maxChars;
  const isBlock = (display: string): boolean => !display.startsWith('inline') && display !== 'contents';

  const render = (node: Node): void => {
    if (full()) return;
    if (node.nodeType === 3) {
      const parent = node.parentElement;
      if (parent === null || getComputedStyle(parent).visibility !== 'hidden') push((node.textContent ?? '').replace(/\s+/g, ' '));
      return;
    }
    if (node.nodeType !== 1) return;
    const el = node as Element;
    if (SKIP.has(el.tagName)) return;
    if (el.tagName === 'BR') {
      push('\n');
      return;
    }
    const style = getComputedStyle(el);
    if (style.display === 'none') return;
    const block = isBlock(style.display);
    if (block) push('\n');
    renderContent(el, style);
    if (block) push('\n');
  };
  const renderContent = (el: Element, style: CSSStyleDeclaration): void => {
    if (!walked.has(el)) {
      // innerText of an element that is not rendered is its raw textContent: never use it there.
      if (hasInnerText(el)) push(el.innerText);
      else if (style.visibility !== 'hidden') push((el.textContent ?? '').replace(/\s+/g, ' '));
    } else if (isFrame(el)) {
      renderFrame(el as HTMLIFrameElement);
    } else if (el.shadowRoot !== null) {
      for (const child of Array.from(el.shadowRoot.childNodes)) render(child);
    } else if (el.tagName === 'SLOT') {
      const assigned = (el as HTMLSlotElement).assignedNodes();
      for (const child of assigned.length > 0 ? assigned : Array.from(el.childNodes)) render(child);
    } else {
      for (const child of Array.from(el.childNodes)) render(child);
    }
  };
  const renderFrame = (frame: HTMLIFrameElement): void => {
    let inner: Document | null = null;
    try {
      inner = frame.contentDocument;
    } catch {
      inner = null;
    }
    if (inner === null || inner.body === null) {
      const rect = frame.getBoundingClientRect();
      if (rect.width > 2 && rect.height > 2) hiddenFrames++;
      return;
    }
    scan(inner);
    push(`\n[frame: ${inner.title || inner.URL}]\n`);
    renderContent(inner.body, getComputedStyle(inner.body));
    push('\n');
  };

  scan(document);
  if (document.body !== null) renderContent(document.body, getComputedStyle(document.body));
  const text = parts
    .join('')
    .slice(0, args.maxChars)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n[ \t]+/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { url: location.href, title: document.title, text, hiddenFrames };
}
