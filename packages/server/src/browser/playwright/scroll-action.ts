import type { ActionResult, BrowserAction } from '../port.ts';
import { describeElement, failure, missingElement } from './action-results.ts';
import type { ActionHost } from './action-host.ts';
import { runInPage } from './run-in-page.ts';
import { scrollPage } from './page-scripts.ts';

const DEFAULT_SCROLL_VIEWPORTS = 0.8;

type ScrollAction = Extract<BrowserAction, { kind: 'scroll' }>;

interface ScrollPosition {
  y: number;
  height: number;
  viewportHeight: number;
}

/** Scrolls the page, an element into view, inside an element's scroll area, or to a text. Never changes the page. */
export async function scrollAction(host: ActionHost, action: ScrollAction): Promise<ActionResult> {
  const amount = Math.min(Math.max(action.amount ?? DEFAULT_SCROLL_VIEWPORTS, 0.1), 10);
  if (action.toText !== undefined) {
    if (action.index !== undefined) return failure('Give either index or to_text to scroll, not both');
    return scrollToText(host, action.toText);
  }
  if (action.index !== undefined) {
    return action.direction === undefined
      ? scrollIntoView(host, action.index)
      : scrollInside(host, action.index, action.direction, amount);
  }
  const direction = action.direction ?? 'down';
  const page = await host.activePage();
  const result = await runInPage(page, scrollPage, { direction, amount });
  if (!result.moved) {
    return { ok: true, message: `Already at the ${direction === 'down' ? 'bottom' : 'top'}: ${where(result)}`, pageChanged: false };
  }
  return { ok: true, message: `Scrolled ${direction} to ${where(result)}`, pageChanged: false };
}

async function scrollToText(host: ActionHost, wanted: string): Promise<ActionResult> {
  const text = wanted.trim();
  if (text === '') return failure('to_text is empty');
  const page = await host.activePage();
  // getByText matches the innermost element holding the text and pierces open shadow roots.
  const target = page.getByText(text).filter({ visible: true }).first();
  if ((await target.count()) === 0) {
    return failure(`No visible text '${text}' on this page (it may load later: scroll down, or wait_for it)`);
  }
  await target.scrollIntoViewIfNeeded({ timeout: host.actionTimeoutMs });
  const position = await page.evaluate(
    (): ScrollPosition => ({
      y: Math.round(window.scrollY),
      height: document.documentElement.scrollHeight,
      viewportHeight: window.innerHeight,
    }),
  );
  return { ok: true, message: `Scrolled to '${text}': ${where(position)}`, pageChanged: false };
}

async function scrollIntoView(host: ActionHost, index: number): Promise<ActionResult> {
  const el = await host.locate(index);
  if (el === undefined) return missingElement(index);
  await el.locator.scrollIntoViewIfNeeded({ timeout: host.actionTimeoutMs });
  return { ok: true, message: `Scrolled ${describeElement(el.description)} into view`, pageChanged: false };
}

async function scrollInside(host: ActionHost, index: number, direction: 'up' | 'down', amount: number): Promise<ActionResult> {
  const el = await host.locate(index);
  if (el === undefined) return missingElement(index);
  const result = await el.locator.evaluate(
    (node, args) => {
      const doc = node.ownerDocument;
      const view = doc.defaultView ?? window;
      let box: Element | null = node;
      // The element itself or its nearest ancestor with its own scrollbar; else the document.
      while (box !== null && box !== doc.documentElement && box !== doc.body) {
        const overflow = view.getComputedStyle(box).overflowY;
        if (/(auto|scroll|overlay)/.test(overflow) && box.scrollHeight > box.clientHeight) break;
        box = box.parentElement;
      }
      const sign = args.down ? 1 : -1;
      if (box === null || box === doc.documentElement || box === doc.body) {
        const before = view.scrollY;
        view.scrollBy({ top: Math.round(view.innerHeight * args.amount) * sign, behavior: 'instant' });
        return {
          container: 'page' as const,
          moved: view.scrollY !== before,
          y: Math.round(view.scrollY),
          height: doc.documentElement.scrollHeight,
          viewportHeight: view.innerHeight,
        };
      }
      const before = box.scrollTop;
      box.scrollBy({ top: Math.round(box.clientHeight * args.amount) * sign, behavior: 'instant' });
      return {
        container: box === node ? ('element' as const) : ('ancestor' as const),
        moved: box.scrollTop !== before,
        y: Math.round(box.scrollTop),
        height: box.scrollHeight,
        viewportHeight: box.clientHeight,
      };
    },
    { down: direction === 'down', amount },
    { timeout: host.actionTimeoutMs },
  );
  const name = describeElement(el.description);
  const area =
    result.container === 'element'
      ? `inside ${name}`
      : result.container === 'ancestor'
        ? `the scroll area around ${name}`
        : `the page (${name} has no scroll area of its own)`;
  if (!result.moved) {
    return { ok: true, message: `Already at the ${direction === 'down' ? 'bottom' : 'top'} of ${area.replace(/^inside /, '')}: ${where(result)}`, pageChanged: false };
  }
  return { ok: true, message: `Scrolled ${direction} ${area} to ${where(result)}`, pageChanged: false };
}

function where(position: ScrollPosition): string {
  return `y=${position.y} of ${position.height} (viewport ${position.viewportHeight})`;
}
