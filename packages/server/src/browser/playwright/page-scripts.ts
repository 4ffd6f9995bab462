/**
 * Small functions that run INSIDE the page (see `run-in-page.ts`): DOM APIs and their
 * argument only.
 */

export interface ScrollArgs {
  direction: 'up' | 'down';
  /** Fraction of the viewport height. */
  amount: number;
}

export interface ScrollResult {
  moved: boolean;
  y: number;
  height: number;
  viewportHeight: number;
}

export function scrollPage(args: ScrollArgs): ScrollResult {
  const delta = Math.round(window.innerHeight * args.amount) * (args.direction === 'down' ? 1 : -1);
  const before = window.scrollY;
  window.scrollBy({ top: delta, behavior: 'instant' });
  let moved = window.scrollY !== before;
  let y = window.scrollY;
  let height = document.documentElement.scrollHeight;
  if (!moved) {
    // Apps that scroll an inner container instead of the window: scroll the nearest scrollable
    // ancestor of whatever sits in the middle of the viewport.
    let el = document.elementFromPoint(window.innerWidth / 2, window.innerHeight / 2);
    while (el !== null && el !== document.documentElement) {
      const style = getComputedStyle(el);
      if (/(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight) {
        const innerBefore = el.scrollTop;
        el.scrollBy({ top: delta, behavior: 'instant' });
        if (el.scrollTop !== innerBefore) {
          moved = true;
          y = Math.round(el.scrollTop);
          height = el.scrollHeight;
        }
        break;
      }
      el = el.parentElement;
    }
  }
  return { moved, y: Math.round(y), height, viewportHeight: window.innerHeight };
}
