/**
 * Runs INSIDE the page (serialized by `runInPage`): DOM APIs and its argument only.
 *
 * The visible text of a document as `read_text` pages through it: the browser's `innerText`
 * for plain subtrees (its line breaks and table layout), and a walk of the rendered tree where
 * `innerText` stops short: into open shadow roots (with their slotted content) and same-origin
 * frames, each frame's text under a `[frame: <title>]` line. Frames of other origins are
 * counted; the Node side reads each of them with its own run (`frameRootOnly`).
 *
 * Only text a person sees counts (`probe`, see `visibility-probe.ts`): a subtree holding text
 * hidden from people is walked node by node instead of read with `innerText`, which keeps
 * transparent, off-screen, clipped and aria-hidden text.
 */

import type { VisibilityProbe } from './visibility-probe.ts';

export interface PageTextArgs {
  maxChars: number;
  /** As in `observe-page.ts`: run only in a frame whose parent is out of reach, else return null. */
  frameRootOnly?: boolean | undefined;
  /** Written on the frame elements a person sees (see `frame-marks.ts`). */
  frameMark?: string | undefined;
}

export interface PageTextRun {
  url: string;
  title: string;
  text: string;
  /** Visible frames this run could not enter (other origins). */
  hiddenFrames: number;
}

export function pageText(args: PageTextArgs, probe: VisibilityProbe): PageTextRun | null {
  if (args.frameRootOnly === true) {
    if (window.parent === window || window.frameElement !== null) return null;
    if (window.innerWidth <= 2 || window.innerHeight <= 2) return null;
  }
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD']);
  // Controls render their own text (options, a textarea's value): innerText reads them when the
  // control itself shows.
  const CONTROLS = new Set(['SELECT', 'OPTION', 'OPTGROUP', 'DATALIST', 'TEXTAREA']);
  const isFrame = (el: Element): boolean => el.tagName === 'IFRAME' || el.tagName === 'FRAME';
  // Nodes of a same-origin frame come from another window: `instanceof` this window's classes fails.
  const isShadowRoot = (node: Node): node is ShadowRoot => node.nodeType === 11 && 'host' in node;
  const hasInnerText = (el: Element): el is HTMLElement => typeof (el as HTMLElement).innerText === 'string';
  // innerText reads every option of a select, also those its list never shows.
  const shownOptions = (select: HTMLSelectElement): HTMLOptionElement[] =>
    Array.from(select.options).filter((o) => !o.hidden && (o.ownerDocument.defaultView ?? window).getComputedStyle(o).display !== 'none');

  // Elements innerText cannot render for us (shadow hosts, slots, frames, anything holding text
  // a person cannot see) and their ancestors.
  const walked = new Set<Element>();
  const markWithAncestors = (el: Element): void => {
    let at: Element | null = el;
    while (at !== null && !walked.has(at)) {
      walked.add(at);
      const root = at.getRootNode();
      at = at.parentElement ?? (isShadowRoot(root) ? root.host : null);
    }
  };
  const hiddenControls = new Set<Element>();
  const scan = (root: Document | ShadowRoot): void => {
    for (const el of Array.from(root.querySelectorAll('*'))) {
      if (el.shadowRoot !== null) {
        markWithAncestors(el);
        scan(el.shadowRoot);
      }
      if (isFrame(el) || (el.tagName === 'SLOT' && isShadowRoot(root))) markWithAncestors(el);
      // A control innerText would read although nobody sees it (transparent, off-screen).
      if ((el.tagName === 'SELECT' || el.tagName === 'TEXTAREA') && !probe.elementShown(el) && el.checkVisibility({ visibilityProperty: true })) {
        hiddenControls.add(el);
        markWithAncestors(el);
      } else if (el.tagName === 'SELECT' && shownOptions(el as HTMLSelectElement).length < (el as HTMLSelectElement).options.length) {
        markWithAncestors(el);
      }
    }
    const doc = root.nodeType === 9 ? (root as Document) : root.ownerDocument!;
    const texts = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = texts.nextNode(); node !== null; node = texts.nextNode()) {
      const parent = node.parentElement;
      if ((node.textContent ?? '').trim() === '' || (parent !== null && (SKIP.has(parent.tagName) || CONTROLS.has(parent.tagName)))) continue;
      // innerText itself leaves out what is not rendered (display: none, visibility: hidden).
      if (parent !== null && !parent.checkVisibility({ visibilityProperty: true }) && getComputedStyle(parent).display !== 'contents') continue;
      if (probe.textState(node as Text) === 'shown') continue;
      const up = node.parentNode;
      const owner = parent ?? (up !== null && isShadowRoot(up) ? up.host : null);
      if (owner !== null) markWithAncestors(owner);
    }
  };

  const parts: string[] = [];
  let length = 0;
  let hiddenFrames = 0;
  const push = (text: string): void => {
    parts.push(text);
    length += text.length;
  };
  // Collapsed like rendered text: a space after a space (or a line break) is dropped, so
  // text left out between two words leaves one space.
  const pushWords = (text: string): void => {
    const words = text.replace(/\s+/g, ' ');
    const last = parts[parts.length - 1] ?? '\n';
    const out = /\s$/.test(last) ? words.replace(/^ /, '') : words;
    if (out !== '') push(out);
  };
  const full = (): boolean => length >= args.maxChars;
  const isBlock = (display: string): boolean => !display.startsWith('inline') && display !== 'contents';

  const render = (node: Node): void => {
    if (full()) return;
    if (node.nodeType === 3) {
      const raw = node.textContent ?? '';
      const parent = node.parentElement;
      const control = parent !== null && CONTROLS.has(parent.tagName);
      if (raw.trim() === '' || control || probe.textState(node as Text) === 'shown') pushWords(raw);
      return;
    }
    if (node.nodeType !== 1) return;
    const el = node as Element;
    if (SKIP.has(el.tagName) || hiddenControls.has(el)) return;
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
    } else if (el.tagName === 'SELECT') {
      for (const option of shownOptions(el as HTMLSelectElement)) push(`${option.label || option.text}\n`);
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
    if (!probe.markFrame(frame, args.frameMark)) return;
    let inner: Document | null = null;
    try {
      inner = frame.contentDocument;
    } catch {
      inner = null;
    }
    if (inner === null || inner.body === null) {
      hiddenFrames++;
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
