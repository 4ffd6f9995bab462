import type { ActionResult } from '../port.ts';
import type { ActionHost } from './action-host.ts';
import { describeElement, failure, missingElement } from './action-results.ts';

/**
 * How long a click waits for something covering its element (an overlay fading out, a list
 * closing) to go before it says what covers it. Playwright itself would retry until the action
 * timeout and then say only "Timeout exceeded".
 */
export const COVER_GRACE_MS = 500;

export interface ClickProbe {
  /** The element is (in) a link that opens another tab. */
  opensTab: boolean;
  /** What covers the element's centre, which stood still under it; absent when nothing does. */
  coveredBy?: string;
  /**
   * Where to press, in the page's viewport, when the element is in the top document, in view,
   * the topmost thing at its centre and still over an animation frame: everything Playwright's
   * own checks would wait for is already known, so the click is the mouse's alone.
   */
  point?: { x: number; y: number };
}

/** Clicks the element with `index`, failing at once with what covers it when something does. */
export async function clickAction(host: ActionHost, index: number, signal: AbortSignal | undefined): Promise<ActionResult> {
  // Found and probed in one call into the page (the probe through the locator cost 13-17 ms more).
  const el = await host.locate(index, { inspect: probeClick, arg: { graceMs: COVER_GRACE_MS } });
  if (el === undefined) return missingElement(index);
  const name = describeElement(el.description);
  if (el.description.disabled) return failure(`Element ${index} (${name}) is disabled`);
  const probe = el.inspected;
  if (probe.coveredBy !== undefined) {
    return failure(
      `Could not click ${name}: ${probe.coveredBy} covers it (an open list, menu or dialog on top of it); press Escape or close it, then try again`,
    );
  }
  const { point } = probe;
  const page = await host.activePage();
  // A known point costs a mouse click (about 6 ms); Playwright's click resolves the locator
  // through every shadow root again and waits two frames for the element to be still (36-48 ms).
  const press = point === undefined ? () => el.locator.click({ timeout: host.actionTimeoutMs }) : () => page.mouse.click(point.x, point.y);
  const outcome = await host.watch(press, signal, probe.opensTab);
  return { ok: true, message: `Clicked ${name}${outcome.note}`, pageChanged: outcome.pageChanged };
}

/**
 * Runs INSIDE the page. The hit test a click makes (Playwright clicks the centre of the
 * element's first box and refuses when another element takes the pointer there), done once
 * with the browser's own `elementFromPoint`: when something that is not the element, inside it
 * or around it sits on that point, it scrolls the element to the middle of its viewport (a sticky
 * header may be what covers it) and looks again until `graceMs` passed. Only an element that stood
 * still and stayed covered the whole time counts as covered; anything else (moving, not laid
 * out, out of view) is left to Playwright's own checks.
 */
export function probeClick(node: Element, arg: { graceMs: number }): Promise<ClickProbe> | ClickProbe {
  const link = node.closest('a[href],area[href]') as HTMLAnchorElement | null;
  const opensTab = link !== null && link.target !== '' && !/^_(self|parent|top)$/i.test(link.target);
  // Playwright aims at the nearest button or link around the element, as a person's click lands.
  const target = node.matches('input,textarea,select') || (node as HTMLElement).isContentEditable
    ? node
    : (node.closest('button,[role=button],a,[role=link]') ?? node);
  const doc = node.ownerDocument;
  const view = doc.defaultView ?? window;
  const composedParent = (el: Element): Element | null => {
    if (el.parentElement !== null) return el.parentElement;
    const root = el.getRootNode();
    return root instanceof ShadowRoot ? root.host : null;
  };
  const contains = (outer: Element, inner: Element): boolean => {
    for (let at: Element | null = inner; at !== null; at = composedParent(at)) if (at === outer) return true;
    return false;
  };
  const box = (): DOMRect | undefined => Array.from(target.getClientRects()).find((r) => r.width * r.height > 1);
  // The topmost element at the point, through open shadow roots.
  const hitAt = (x: number, y: number): Element | null => {
    let hit = doc.elementFromPoint(x, y);
    while (hit?.shadowRoot) {
      const inner = hit.shadowRoot.elementFromPoint(x, y);
      if (inner === null || inner === hit) break;
      hit = inner;
    }
    return hit;
  };
  type Look = { state: 'clear' | 'unknown' } | { state: 'covered'; by: Element; rect: DOMRect };
  const look = (): Look => {
    const rect = box();
    if (rect === undefined) return { state: 'unknown' };
    const x = rect.left + rect.width / 2;
    const y = rect.top + rect.height / 2;
    if (x < 0 || y < 0 || x >= view.innerWidth || y >= view.innerHeight) return { state: 'unknown' };
    const hit = hitAt(x, y);
    if (hit === null) return { state: 'unknown' };
    // Something around the element (it has pointer-events: none) is Playwright's to report.
    if (contains(target, hit) || contains(hit, target)) return { state: 'clear' };
    return { state: 'covered', by: hit, rect };
  };
  const clean = (s: string): string => s.replace(/\s+/g, ' ').trim();
  const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  // The cover as a person would name it: the nearest element around the hit point that says
  // what it is (a role, a label, a dialog or list), else the outermost one not holding the target.
  const describe = (hit: Element): string => {
    let outermost = hit;
    let named: Element | undefined;
    for (let at: Element | null = hit; at !== null && at !== doc.body && at !== doc.documentElement; at = composedParent(at)) {
      if (contains(at, target)) break;
      outermost = at;
      if (named === undefined && (at.hasAttribute('role') || at.hasAttribute('aria-label') || /^(DIALOG|UL|OL|MENU|NAV|ASIDE|FORM|TABLE)$/.test(at.tagName))) named = at;
    }
    const cover = named ?? outermost;
    const role = cover.getAttribute('role');
    const label = clean(cover.getAttribute('aria-label') ?? '');
    const text = clean((cover as HTMLElement).innerText ?? cover.textContent ?? '');
    const tag = `<${cover.tagName.toLowerCase()}${role ? ` role=${role}` : ''}>`;
    const said = label !== '' ? ` '${cut(label, 60)}'` : text !== '' ? ` showing '${cut(text, 60)}'` : '';
    return `${tag}${said}`;
  };

  // The fast path: the top document, the element itself (or something inside it) topmost at its
  // centre, fully in view, and the same box an animation frame later. Anything else is left to
  // Playwright's checks, which wait for what is moving and scroll what is out of view.
  const inView = (r: DOMRect): boolean => r.left >= 0 && r.top >= 0 && r.right <= view.innerWidth && r.bottom <= view.innerHeight;
  const pointFor = (): Promise<ClickProbe> | ClickProbe => {
    const rect = box();
    if (view !== window.top || rect === undefined || !inView(rect)) return { opensTab };
    const x = rect.left + rect.width / 2;
    const y = rect.top + rect.height / 2;
    const hit = hitAt(x, y);
    if (hit === null || !contains(target, hit)) return { opensTab };
    return new Promise<ClickProbe>((resolve) => {
      // A page may have replaced requestAnimationFrame, or paint nothing: then Playwright decides.
      const fallback = setTimeout(() => resolve({ opensTab }), 100);
      view.requestAnimationFrame(() => {
        clearTimeout(fallback);
        const later = box();
        const still = later !== undefined && later.left === rect.left && later.top === rect.top && later.width === rect.width && later.height === rect.height;
        resolve(still ? { opensTab, point: { x, y } } : { opensTab });
      });
    });
  };

  const first = look();
  // Clear, or nothing Playwright could click yet (not laid out): its own checks take over.
  if (first.state === 'clear') return pointFor();
  if (box() === undefined) return { opensTab };
  return new Promise<ClickProbe>((resolve) => {
    const started = performance.now();
    let coveredSince: number | undefined;
    let coveredRect: DOMRect | undefined;
    const tick = (): void => {
      const now = look();
      const at = performance.now();
      if (now.state === 'clear') return resolve({ opensTab });
      if (now.state === 'covered') {
        const same = coveredRect !== undefined && coveredRect.left === now.rect.left && coveredRect.top === now.rect.top &&
          coveredRect.width === now.rect.width && coveredRect.height === now.rect.height;
        if (!same) coveredSince = at;
        coveredRect = now.rect;
      } else {
        coveredSince = undefined;
        coveredRect = undefined;
      }
      if (at - started >= arg.graceMs) {
        // Covered where it stood still for half the grace at least: not a cover sliding past.
        const stood = coveredSince !== undefined && at - coveredSince >= arg.graceMs / 2;
        return resolve(now.state === 'covered' && stood ? { opensTab, coveredBy: describe(now.by) } : { opensTab });
      }
      setTimeout(tick, 50);
    };
    target.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
    tick();
  });
}
