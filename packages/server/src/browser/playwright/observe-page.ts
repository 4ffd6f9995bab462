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
 *
 * This function walks the trees, keeps the registry and places each element; what an element is
 * and says comes from its helpers, each a page script of its own that `runInPage` passes in
 * (`observeHelpers` in `observe-frames.ts` lists them): `element-roles.ts`, `element-names.ts`,
 * `element-describer.ts` and `text-outline.ts`, sharing `page-dom.ts`.
 */

import type { createElementDescriber, ElementDescription } from './element-describer.ts';
import type { createElementNamer } from './element-names.ts';
import type { createElementRoles } from './element-roles.ts';
import type { PageDom } from './page-dom.ts';
import type { createTextOutline } from './text-outline.ts';
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

/** One listed element: what it is (`element-describer.ts`), its index, and where it is. */
export interface RawElement extends ElementDescription {
  index: number;
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

export function observePage(
  args: ObserveArgs,
  probe: VisibilityProbe,
  dom: PageDom,
  newRoles: typeof createElementRoles,
  newNamer: typeof createElementNamer,
  newDescriber: typeof createElementDescriber,
  newOutline: typeof createTextOutline,
): RawObservation | null {
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

  const roles = newRoles(args.listenerKey);
  const describer = newDescriber(probe, dom, roles, newNamer(probe, dom, roles.roleOf));

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
    const interactive = new Set(Array.from(root.querySelectorAll(describer.interactive)));
    for (const el of Array.from(root.querySelectorAll('*'))) {
      if (describer.isListed(el, interactive.has(el))) candidates.push({ el, order: candidates.length });
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
    const { role, name, tag, ...details } = describer.describe(el, args);
    const item: RawElement = { index, role, name, tag, box: boxOf(el), isNew: !reg.previous.has(index), ...details };
    const described: RegistryDescription = { role, name, tag, disabled: item.states?.includes('disabled') ?? false };
    if (item.input !== undefined) described.inputType = item.input.type;
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

  const outline = newOutline(probe, dom).read(docs, shadowHosts, args.textBudget);

  let maxIndex = reg.next - 1;
  if (maxIndex < args.indexFloor) maxIndex = args.indexFloor;
  return {
    url: location.href,
    title: document.title,
    elements,
    text: outline.text,
    textCut: outline.textCut,
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
