import type { Page } from 'playwright-core';
import { MAX_CLICKS, MAX_WHEEL_DELTA, type ActionResult, type DragEnd, type MouseButton, type ViewportPoint } from '../port.ts';
import type { ActionHost } from './action-host.ts';
import { describeElement, failure, missingElement, withTimeout } from './action-results.ts';
import { runInPage } from './run-in-page.ts';

/** Mouse moves between a drag's ends: enough for sortables that follow every move and for drag thresholds. */
const DRAG_STEPS = 12;

/**
 * Actions at a point of the viewport, in CSS pixels from its top-left corner (the screenshot's
 * pixels): for what has no element to name — SVG shapes, a canvas, a map — and for drags. Each
 * result says what is at the point, by its index when it is an observed element or inside one.
 */
export async function clickAtAction(
  host: ActionHost,
  action: { x: number; y: number; button?: MouseButton | undefined; clicks?: number | undefined },
  signal: AbortSignal | undefined,
): Promise<ActionResult> {
  const page = await host.activePage();
  const point = wholePixels(action);
  const clicks = action.clicks ?? 1;
  if (!Number.isInteger(clicks) || clicks < 1 || clicks > MAX_CLICKS) return failure(`clicks must be 1 to ${MAX_CLICKS}`);
  const problem = await outsideViewport(page, point);
  if (problem !== undefined) return failure(problem);
  const target = await whatIsAt(host, point);
  const button = action.button ?? 'left';
  const outcome = await host.watch(
    () => withTimeout(page.mouse.click(point.x, point.y, { button, clickCount: clicks }), host.actionTimeoutMs, 'The click'),
    signal,
  );
  const how = clicks === 1 ? (button === 'left' ? 'Clicked' : `${capitalised(button)}-clicked`) : `${['', '', 'Double', 'Triple'][clicks]}-clicked${button === 'left' ? '' : ` (${button} button)`}`;
  return { ok: true, message: `${how} at (${point.x}, ${point.y}) ${target}${outcome.note}`, pageChanged: outcome.pageChanged };
}

export async function hoverAtAction(host: ActionHost, at: ViewportPoint, signal: AbortSignal | undefined): Promise<ActionResult> {
  const page = await host.activePage();
  const point = wholePixels(at);
  const problem = await outsideViewport(page, point);
  if (problem !== undefined) return failure(problem);
  const outcome = await host.watch(() => withTimeout(page.mouse.move(point.x, point.y), host.actionTimeoutMs, 'The mouse move'), signal);
  return { ok: true, message: `Moved the mouse to (${point.x}, ${point.y}) ${await whatIsAt(host, point)}${outcome.note}`, pageChanged: outcome.pageChanged };
}

export async function dragAction(host: ActionHost, ends: { from: DragEnd; to: DragEnd }, signal: AbortSignal | undefined): Promise<ActionResult> {
  const page = await host.activePage();
  const from = await resolveEnd(host, ends.from, true);
  if (typeof from === 'string') return failure(from);
  const to = await resolveEnd(host, ends.to, false);
  if (typeof to === 'string') return failure(to);
  for (const [end, point] of [['start', from.point], ['end', to.point]] as const) {
    const problem = await outsideViewport(page, point);
    if (problem !== undefined) return failure(`The drag's ${end}: ${problem}; scroll so both ends are in view`);
  }
  const start = from.label ?? (await whatIsAt(host, from.point));
  const outcome = await host.watch(
    () =>
      withTimeout(
        (async () => {
          await page.mouse.move(from.point.x, from.point.y);
          await page.mouse.down();
          await page.mouse.move(to.point.x, to.point.y, { steps: DRAG_STEPS });
          // Sortables place the item on the latest move; a second one at the end lets them settle.
          await page.mouse.move(to.point.x, to.point.y);
          await page.mouse.up();
        })(),
        host.actionTimeoutMs,
        'The drag',
      ),
    signal,
  );
  const end = to.label ?? (await whatIsAt(host, to.point));
  return {
    ok: true,
    message: `Dragged from (${from.point.x}, ${from.point.y}) ${start} to (${to.point.x}, ${to.point.y}) ${end}${outcome.note}`,
    pageChanged: outcome.pageChanged,
  };
}

export async function mouseWheelAction(
  host: ActionHost,
  action: { x?: number | undefined; y?: number | undefined; deltaX?: number | undefined; deltaY: number },
): Promise<ActionResult> {
  const page = await host.activePage();
  const viewport = await viewportOf(page);
  const point = wholePixels({ x: action.x ?? viewport.width / 2, y: action.y ?? viewport.height / 2 });
  const problem = await outsideViewport(page, point);
  if (problem !== undefined) return failure(problem);
  const deltaX = action.deltaX ?? 0;
  if (Math.abs(deltaX) > MAX_WHEEL_DELTA || Math.abs(action.deltaY) > MAX_WHEEL_DELTA) return failure(`A wheel turn moves at most ${MAX_WHEEL_DELTA} pixels each way`);
  const over = await whatIsAt(host, point);
  await withTimeout(
    (async () => {
      await page.mouse.move(point.x, point.y);
      await page.mouse.wheel(deltaX, action.deltaY);
      // The wheel's scroll happens on the page's next frames; read the page after it.
      await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
    })(),
    host.actionTimeoutMs,
    'The wheel',
  );
  const scrollY = await page.evaluate(() => Math.round(window.scrollY));
  return { ok: true, message: `Turned the wheel by (${deltaX}, ${action.deltaY}) at (${point.x}, ${point.y}) ${over}; the page is scrolled to y=${scrollY}`, pageChanged: false };
}

async function viewportOf(page: Page): Promise<{ width: number; height: number }> {
  return page.viewportSize() ?? (await page.evaluate(() => ({ width: window.innerWidth, height: window.innerHeight })));
}

async function outsideViewport(page: Page, point: ViewportPoint): Promise<string | undefined> {
  const { width, height } = await viewportOf(page);
  if (point.x >= 0 && point.y >= 0 && point.x < width && point.y < height) return undefined;
  return `(${point.x}, ${point.y}) is outside the viewport (${width}×${height} CSS pixels, the screenshot's size, from its top-left corner)`;
}

interface ResolvedEnd {
  point: ViewportPoint;
  /** How the end is named when it is an element. */
  label?: string;
}

/** An end as a point: an element's centre (scrolled into view when it is the drag's start), or the point itself. */
async function resolveEnd(host: ActionHost, end: DragEnd, scroll: boolean): Promise<ResolvedEnd | string> {
  if (!('index' in end)) return { point: wholePixels(end) };
  const located = await host.locate(end.index);
  if (located === undefined) return missingElement(end.index).message;
  if (scroll) await located.locator.scrollIntoViewIfNeeded({ timeout: host.actionTimeoutMs });
  const box = await located.locator.boundingBox({ timeout: host.actionTimeoutMs });
  if (box === null) return `Element ${end.index} (${describeElement(located.description)}) is not shown on the page`;
  return { point: { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) }, label: `on [${end.index}] ${describeElement(located.description)}` };
}

/**
 * What a person sees at a point, for the result: the observed element there ("on [4] link
 * 'Inbox'"), or the element's kind inside the nearest observed one. Nothing of the page's text is
 * quoted but the names the observation already gives (hidden text stays out).
 */
async function whatIsAt(host: ActionHost, point: ViewportPoint): Promise<string> {
  const page = await host.activePage();
  const hit = await runInPage(page, elementAtPoint, point).catch(() => null);
  if (hit === null) return 'on the page';
  const owner = hit.index === undefined ? undefined : await host.locate(hit.index).catch(() => undefined);
  const named = owner === undefined || hit.index === undefined ? undefined : `[${hit.index}] ${describeElement(owner.description)}`;
  const kind = hit.fill === undefined ? hit.kind : `${hit.kind}, fill ${hit.fill}`;
  // A nameless observed element is told by what it is (`[3] clickable circle, fill #ff0000`).
  if (named !== undefined && hit.isIndexed) return owner?.description.name === '' ? `on ${named} ${kind}` : `on ${named}`;
  return named === undefined ? `on ${kind}` : `on ${kind} inside ${named}`;
}

interface PointHit {
  /** The element's tag (an SVG shape's kind), or `frame` for a frame that cannot be entered. */
  kind: string;
  /** An SVG shape's fill, as #rrggbb. */
  fill?: string;
  /** Index of the element or of its nearest observed ancestor. */
  index?: number;
  /** The element itself is the observed one. */
  isIndexed: boolean;
}

/** In the page: the element drawn at a point, through open shadow roots and same-origin frames. */
function elementAtPoint(point: { x: number; y: number }): PointHit | null {
  let doc: Document = document;
  let x = point.x;
  let y = point.y;
  let hit: Element | null = null;
  for (let depth = 0; depth < 10; depth++) {
    let found: Element | null = doc.elementFromPoint(x, y);
    while (found?.shadowRoot) {
      const inner: Element | null = found.shadowRoot.elementFromPoint(x, y);
      if (inner === null || inner === found) break;
      found = inner;
    }
    if (found === null) break;
    hit = found;
    if (found.tagName !== 'IFRAME' && found.tagName !== 'FRAME') break;
    let inner: Document | null = null;
    try {
      inner = (found as HTMLIFrameElement).contentDocument;
    } catch {
      inner = null;
    }
    if (inner === null) return { kind: 'frame', isIndexed: false };
    const rect = found.getBoundingClientRect();
    const style = (found.ownerDocument.defaultView ?? window).getComputedStyle(found);
    x -= rect.left + found.clientLeft + (parseFloat(style.paddingLeft) || 0);
    y -= rect.top + found.clientTop + (parseFloat(style.paddingTop) || 0);
    doc = inner;
  }
  if (hit === null) return null;
  const out: PointHit = { kind: hit.tagName.toLowerCase(), isIndexed: false };
  if (hit.namespaceURI === 'http://www.w3.org/2000/svg') {
    const fill = (hit.ownerDocument.defaultView ?? window).getComputedStyle(hit).fill;
    const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(fill);
    if (rgb !== null) out.fill = `#${rgb.slice(1, 4).map((c) => Number(c).toString(16).padStart(2, '0')).join('')}`;
  }
  for (let node: Element | null = hit; node !== null; ) {
    const index = Number(node.getAttribute('data-steward-idx'));
    if (Number.isInteger(index) && index > 0) {
      out.index = index;
      out.isIndexed = node === hit;
      break;
    }
    const root = node.getRootNode() as Document | ShadowRoot;
    node = node.parentElement ?? ('host' in root ? root.host : null);
  }
  return out;
}

function wholePixels(point: ViewportPoint): ViewportPoint {
  return { x: Math.round(point.x), y: Math.round(point.y) };
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
