/**
 * Runs INSIDE the page (passed to `runInPage` as a helper of `observePage` and `pageText`): DOM
 * APIs only. Decides what a person can see, so text hidden from people never reaches the model
 * as page text (docs/observation.md, "What counts as visible").
 *
 * One probe serves one run. It computes each element's styles once, walking the flat tree (shadow
 * hosts and slots included) from the root down, and only reads layout (no writes), so it never
 * forces a second layout.
 */

/**
 * How a text node reaches people. `shown`: painted legibly where a person sees it or can scroll
 * to it. `assistive`: rendered legibly but clipped away or placed out of reach (the sr-only
 * pattern): screen readers announce it, sighted people never see it, so it may name a control
 * but is not page text. `hidden`: not rendered, transparent, too small, the colour of its
 * background, or under aria-hidden.
 */
export type TextState = 'shown' | 'assistive' | 'hidden';

export interface VisibilityProbe {
  textState(node: Text): TextState;
  /** A person sees (part of) the element's box: rendered, not transparent, not aria-hidden, not zero-size, not clipped away or out of reach. */
  elementShown(el: Element): boolean;
  /** The element is rendered and not transparent (its size and place aside): an image whose alt may name a control. */
  elementRendered(el: Element): boolean;
  /**
   * `elementShown` for a frame element, recorded on it: a shown frame carries `mark` in
   * `data-steward-shown` (read back by `frame-marks.ts`, since a frame of another origin cannot
   * see its own element), any other loses the attribute.
   */
  markFrame(frame: Element, mark: string | undefined): boolean;
}

export function createVisibilityProbe(): VisibilityProbe {
  type Box = { left: number; top: number; right: number; bottom: number };
  type Rgba = [number, number, number, number];
  interface Paint {
    el: Element;
    parent: Paint | null;
    /** aria-hidden, or faded below MIN_OPACITY: nothing inside shows. */
    hidden: boolean;
    opacity: number;
    /** The opaque colour behind the element's content; null when unknown (an image, a gradient, a colour we cannot read). */
    backdrop: Rgba | null;
    /** The element's text is painted by its background (`background-clip: text`). */
    textClip: boolean;
    /** What a person can reach, in viewport coordinates: for the element's own box, its in-flow content, and positioned descendants whose containing block is it or above. */
    box: Box;
    clip: Box;
    abs: Box;
    position: string;
    style: CSSStyleDeclaration;
  }

  // Below these a person reads nothing: a fading that leaves 5% of the ink, a contrast ratio of
  // 1.1 (WCAG's 1.0 is identical colours; body text needs 4.5), text under 4 px tall.
  const MIN_OPACITY = 0.05;
  const MIN_CONTRAST = 1.1;
  const MIN_TEXT_HEIGHT = 4;
  const WHITE: Rgba = [255, 255, 255, 1];
  const EVERYWHERE: Box = { left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity };
  const REPLACED = new Set(['IMG', 'VIDEO', 'CANVAS', 'svg', 'OBJECT', 'EMBED', 'IFRAME']);
  const NO_OVERFLOW_CLIP = /^(inline|contents|table|inline-table|table-row|table-row-group|table-header-group|table-footer-group|table-column|table-column-group)$/;
  const FIXED_CONTAINER_CONTAIN = /paint|layout|strict|content/;

  // Frames' nodes belong to other windows: `instanceof` this window's classes fails on them.
  const isShadowRoot = (node: Node | null): node is ShadowRoot => node !== null && node.nodeType === 11 && 'host' in node;
  const styleOf = (el: Element): CSSStyleDeclaration => (el.ownerDocument.defaultView ?? window).getComputedStyle(el);
  const intersect = (a: Box, b: Box): Box => ({
    left: Math.max(a.left, b.left),
    top: Math.max(a.top, b.top),
    right: Math.min(a.right, b.right),
    bottom: Math.min(a.bottom, b.bottom),
  });
  const toBox = (r: DOMRect): Box => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });

  const parseColor = (value: string): Rgba | null => {
    const m = /^rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)$/.exec(value);
    return m === null ? null : [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  };
  const over = (top: Rgba, under: Rgba): Rgba => {
    const a = top[3];
    return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
  };
  const luminance = (c: Rgba): number => {
    const channel = (v: number): number => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  };
  const contrast = (a: Rgba, b: Rgba): number => {
    const la = luminance(a);
    const lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  };

  // The flat tree: where an element renders (its slot, its host), not where it is written.
  const flatParent = (node: Element | Text): Element | null => {
    if (node.assignedSlot !== null) return node.assignedSlot;
    if (node.parentElement !== null) return node.parentElement;
    const root = node.parentNode;
    return isShadowRoot(root) ? root.host : null;
  };

  // The page a person can reach by scrolling, and the viewport (what fixed boxes are placed in).
  const roots = new Map<Document, { page: Box; viewport: Box; base: Rgba | null }>();
  const rootOf = (doc: Document): { page: Box; viewport: Box; base: Rgba | null } => {
    const known = roots.get(doc);
    if (known !== undefined) return known;
    const html = doc.documentElement;
    const scroller = doc.scrollingElement ?? html;
    const win = doc.defaultView ?? window;
    const standards = doc.compatMode === 'CSS1Compat';
    const htmlStyle = styleOf(html);
    const bodyStyle = doc.body === null ? null : styleOf(doc.body);
    const overflowX = htmlStyle.overflowX !== 'visible' ? htmlStyle.overflowX : (bodyStyle?.overflowX ?? 'visible');
    // The viewport without its scrollbars (in quirks mode the root's client size is the page's).
    const width = standards ? html.clientWidth : win.innerWidth;
    const height = standards ? html.clientHeight : win.innerHeight;
    const scrollWidth = scroller.scrollWidth;
    let page: Box;
    if (overflowX === 'hidden' || overflowX === 'clip') {
      page = { left: 0, top: -win.scrollY, right: width, bottom: Infinity };
    } else {
      // Nothing scrolls to the left of the start edge (or right of it, right to left); below
      // the fold is always within reach.
      const start = (htmlStyle.direction === 'rtl' ? width - scrollWidth : 0) - win.scrollX;
      page = { left: start, top: -win.scrollY, right: start + Math.max(scrollWidth, width), bottom: Infinity };
    }
    // A frame's canvas shows its parent through it, and a dark-only page paints a dark canvas:
    // what is behind their text is unknown unless they paint it themselves.
    const base = win.parent === win && !/^(only )?dark$/.test(htmlStyle.colorScheme) ? WHITE : null;
    const root = { page, viewport: { left: 0, top: 0, right: width, bottom: height }, base };
    roots.set(doc, root);
    return root;
  };

  const overflowBox = (el: Element, style: CSSStyleDeclaration): Box | null => {
    const x = style.overflowX;
    const y = style.overflowY;
    if (x === 'visible' && y === 'visible') return null;
    if (NO_OVERFLOW_CLIP.test(style.display)) return null;
    const doc = el.ownerDocument;
    // The viewport scrolls the root (and the body, when the root leaves overflow alone): see rootOf.
    if (el === doc.documentElement) return null;
    if (el === doc.body && styleOf(doc.documentElement).overflowX === 'visible' && styleOf(doc.documentElement).overflowY === 'visible') return null;
    const r = el.getBoundingClientRect();
    const left = r.left + el.clientLeft;
    const top = r.top + el.clientTop;
    const out = { ...EVERYWHERE };
    if (x === 'hidden' || x === 'clip') {
      out.left = left;
      out.right = left + el.clientWidth;
    } else if (x !== 'visible') {
      // Scrollable: what scrolls into view is within reach.
      const start = style.direction === 'rtl' ? left + el.clientWidth - el.scrollWidth - el.scrollLeft : left - el.scrollLeft;
      out.left = start;
      out.right = start + el.scrollWidth;
    }
    if (y === 'hidden' || y === 'clip') {
      out.top = top;
      out.bottom = top + el.clientHeight;
    } else if (y !== 'visible') {
      out.top = top - el.scrollTop;
      out.bottom = out.top + el.scrollHeight;
    }
    return out;
  };

  const length = (value: string | undefined, whole: number): number | null => {
    if (value === undefined) return null;
    const n = Number.parseFloat(value);
    if (Number.isNaN(n)) return null;
    return value.endsWith('%') ? (n / 100) * whole : n;
  };
  // `clip` (on absolutely positioned boxes) and the clip-path shapes that hide by size; any
  // other shape counts as no clip.
  const clipBox = (el: Element, style: CSSStyleDeclaration, position: string): Box | null => {
    let out: Box | null = null;
    const clip = position === 'absolute' || position === 'fixed' ? /^rect\((.*)\)$/.exec(style.clip) : null;
    const path = style.clipPath;
    if (clip === null && path === 'none') return null;
    const r = el.getBoundingClientRect();
    if (clip !== null) {
      const [top, right, bottom, left] = (clip[1] ?? '').split(/[\s,]+/).map((v) => (v === 'auto' ? null : Number.parseFloat(v)));
      out = {
        left: r.left + (left ?? 0),
        top: r.top + (top ?? 0),
        right: r.left + (right ?? r.width),
        bottom: r.top + (bottom ?? r.height),
      };
    }
    let shape: Box | null = null;
    const inset = /^inset\(([^)]*)\)/.exec(path);
    if (inset !== null) {
      const values = (inset[1] ?? '').split(' round ')[0]!.trim().split(/\s+/);
      const [t, rr = t, b = t, l = rr] = values;
      shape = {
        left: r.left + (length(l, r.width) ?? 0),
        top: r.top + (length(t, r.height) ?? 0),
        right: r.right - (length(rr, r.width) ?? 0),
        bottom: r.bottom - (length(b, r.height) ?? 0),
      };
    } else if (/^(circle|ellipse)\(\s*0(px|%)?[\s)]/.test(path) || /^ellipse\(\s*[\d.]+(px|%)?\s+0(px|%)?[\s)]/.test(path)) {
      shape = { left: r.left, top: r.top, right: r.left, bottom: r.top };
    } else if (path.startsWith('polygon(')) {
      const points = path.slice(path.indexOf('(') + 1, -1).split(',').map((p) => p.trim().split(/\s+/).slice(-2));
      const xs = points.map(([x]) => length(x, r.width));
      const ys = points.map(([, y]) => length(y, r.height));
      if (xs.every((v) => v !== null) && ys.every((v) => v !== null)) {
        shape = {
          left: r.left + Math.min(...(xs as number[])),
          top: r.top + Math.min(...(ys as number[])),
          right: r.left + Math.max(...(xs as number[])),
          bottom: r.top + Math.max(...(ys as number[])),
        };
      }
    }
    if (shape !== null) out = out === null ? shape : intersect(out, shape);
    return out;
  };

  // A fixed box is placed in the viewport unless an ancestor transforms, filters or contains
  // it; then it is clipped like an absolutely positioned box of that ancestor.
  const fixedBase = (paint: Paint): Box => {
    for (let at = paint.parent; at !== null; at = at.parent) {
      const s = at.style;
      if (s.transform !== 'none' || s.filter !== 'none' || s.perspective !== 'none' || FIXED_CONTAINER_CONTAIN.test(s.contain) || /transform|filter|perspective/.test(s.willChange)) {
        return at.clip;
      }
    }
    return rootOf(paint.el.ownerDocument).viewport;
  };

  const paints = new Map<Element, Paint>();
  const paintOf = (el: Element): Paint => {
    const known = paints.get(el);
    if (known !== undefined) return known;
    const up = flatParent(el);
    const parent = up === null ? null : paintOf(up);
    const style = styleOf(el);
    const root = parent === null ? rootOf(el.ownerDocument) : null;
    const opacity = (parent?.opacity ?? 1) * Number.parseFloat(style.opacity || '1');
    const hidden = (parent?.hidden ?? false) || opacity < MIN_OPACITY || el.getAttribute('aria-hidden') === 'true';

    let backdrop = parent === null ? root!.base : parent.backdrop;
    let textClip = parent?.textClip ?? false;
    const image = style.backgroundImage !== 'none';
    const color = parseColor(style.backgroundColor);
    if (image || color === null || color[3] > 0) {
      if (image || color === null) backdrop = null;
      else if (color[3] >= 0.999) backdrop = color;
      else backdrop = backdrop === null ? null : over(color, backdrop);
      if (style.backgroundClip === 'text' || style.getPropertyValue('-webkit-background-clip') === 'text') textClip = true;
    }

    const position = style.position;
    let box: Box;
    if (parent === null) box = root!.page;
    else if (position === 'fixed') box = EVERYWHERE; // set below, once this paint exists for fixedBase
    else box = position === 'absolute' ? parent.abs : parent.clip;
    const paint: Paint = { el, parent, hidden, opacity, backdrop, textClip, box, clip: box, abs: box, position, style };
    if (parent !== null && position === 'fixed') paint.box = fixedBase(paint);
    const clipped = clipBox(el, style, position);
    if (clipped !== null) paint.box = intersect(paint.box, clipped);
    const overflow = overflowBox(el, style);
    paint.clip = overflow === null ? paint.box : intersect(paint.box, overflow);
    if (position !== 'static' || parent === null) paint.abs = paint.clip;
    else paint.abs = clipped === null ? parent.abs : intersect(parent.abs, clipped);
    paints.set(el, paint);
    return paint;
  };

  // Rendered at all: display, visibility, content-visibility, opacity 0 (on it or an ancestor).
  const rendered = new Map<Element, boolean>();
  const cssVisible = (el: Element): boolean => {
    const known = rendered.get(el);
    if (known !== undefined) return known;
    let visible = el.checkVisibility({ visibilityProperty: true, opacityProperty: true });
    if (!visible) {
      // display: contents has no box of its own, yet its content renders (a slot, a wrapper).
      const style = styleOf(el);
      const up = flatParent(el);
      visible = style.display === 'contents' && style.visibility === 'visible' && up !== null && cssVisible(up);
    }
    rendered.set(el, visible);
    return visible;
  };

  const painted = new Map<Element, boolean>();
  const elementPainted = (el: Element): boolean => {
    const known = painted.get(el);
    if (known !== undefined) return known;
    let result = cssVisible(el) && paintOf(el).opacity >= MIN_OPACITY;
    if (result) {
      const rect = el.getBoundingClientRect();
      const seen = intersect(toBox(rect), paintOf(el).box);
      const width = seen.right - seen.left;
      const height = seen.bottom - seen.top;
      // An axis the box has must keep some of it; a box of one pixel or less shows nothing.
      const keeps = (whole: number, part: number): boolean => part >= 0 && (whole <= 0 || part > 0);
      result = keeps(rect.width, width) && keeps(rect.height, height) && (width > 1 || height > 1);
    }
    painted.set(el, result);
    return result;
  };
  const elementShown = (el: Element): boolean => elementPainted(el) && !paintOf(el).hidden;

  // Boxes that paint something under text of a colour too close to its backdrop (a picture
  // behind a white heading): such text is kept, since its real background is not the colour.
  type Painting = { el: Element; box: Box; color: Rgba | null };
  const paintings = new Map<Document, Painting[]>();
  const paintingsOf = (doc: Document): Painting[] => {
    const known = paintings.get(doc);
    if (known !== undefined) return known;
    const found: Painting[] = [];
    const visit = (root: Document | ShadowRoot): void => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        if (el.shadowRoot !== null) visit(el.shadowRoot);
        const style = styleOf(el);
        const color = parseColor(style.backgroundColor);
        const replaced = REPLACED.has(el.tagName) || style.backgroundImage !== 'none';
        if (!replaced && (color === null || color[3] === 0)) continue;
        if (!elementPainted(el)) continue;
        found.push({ el, box: toBox(el.getBoundingClientRect()), color: replaced ? null : color });
      }
    };
    visit(doc);
    paintings.set(doc, found);
    return found;
  };
  const paintedUnder = (parent: Element, text: Box, ink: Rgba): boolean => {
    const ancestors = new Set<Element>();
    for (let at: Element | null = parent; at !== null; at = flatParent(at)) ancestors.add(at);
    const area = (text.right - text.left) * (text.bottom - text.top);
    return paintingsOf(parent.ownerDocument).some((p) => {
      if (ancestors.has(p.el)) return false;
      const both = intersect(p.box, text);
      const shared = Math.max(0, both.right - both.left) * Math.max(0, both.bottom - both.top);
      return shared >= area / 2 && (p.color === null || contrast(over(ink, p.color), p.color) >= MIN_CONTRAST);
    });
  };

  const inkShows = (parent: Element, paint: Paint, text: Box): boolean => {
    const style = paint.style;
    // SVG text is painted by `fill` and `stroke`, which may be anything but a colour.
    if (parent.namespaceURI === 'http://www.w3.org/2000/svg') return true;
    if (style.textShadow !== 'none') return true;
    if (Number.parseFloat(style.getPropertyValue('-webkit-text-stroke-width')) > 0) {
      const stroke = parseColor(style.getPropertyValue('-webkit-text-stroke-color'));
      if (stroke === null || stroke[3] > 0) return true;
    }
    // The fill colour paints the glyphs (it is `color` unless a page sets it apart).
    const fill = parseColor(style.getPropertyValue('-webkit-text-fill-color') || style.color);
    if (fill === null) return true;
    const alpha = fill[3] * paint.opacity;
    if (alpha === 0) return paint.textClip;
    if (paint.backdrop === null) return true;
    const ink = over([fill[0], fill[1], fill[2], alpha], paint.backdrop);
    return contrast(ink, paint.backdrop) >= MIN_CONTRAST || paintedUnder(parent, text, [fill[0], fill[1], fill[2], alpha]);
  };

  const ranges = new Map<Document, Range>();
  const states = new Map<Text, TextState>();
  const textState = (node: Text): TextState => {
    const known = states.get(node);
    if (known !== undefined) return known;
    const state = measureText(node);
    states.set(node, state);
    return state;
  };
  const measureText = (node: Text): TextState => {
    const parent = flatParent(node);
    if (parent === null || !cssVisible(parent)) return 'hidden';
    const paint = paintOf(parent);
    // checkVisibility sees content-visibility: hidden on the parent's ancestors, not the parent's own.
    if (paint.hidden || paint.style.contentVisibility === 'hidden') return 'hidden';
    const doc = node.ownerDocument;
    let range = ranges.get(doc);
    if (range === undefined) {
      range = doc.createRange();
      ranges.set(doc, range);
    }
    range.selectNodeContents(node);
    const rect = toBox(range.getBoundingClientRect());
    if (rect.right - rect.left < 1 || rect.bottom - rect.top < MIN_TEXT_HEIGHT) return 'hidden';
    if (!inkShows(parent, paint, rect)) return 'hidden';
    const seen = intersect(rect, paint.clip);
    return seen.right - seen.left < 2 || seen.bottom - seen.top < 2 ? 'assistive' : 'shown';
  };

  return {
    textState,
    elementShown,
    elementRendered: (el) => cssVisible(el) && !paintOf(el).hidden,
    markFrame(frame, mark) {
      const shown = elementShown(frame);
      if (shown && mark !== undefined) {
        if (frame.getAttribute('data-steward-shown') !== mark) frame.setAttribute('data-steward-shown', mark);
      } else if (frame.hasAttribute('data-steward-shown')) {
        frame.removeAttribute('data-steward-shown');
      }
      return shown;
    },
  };
}
