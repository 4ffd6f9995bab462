import type { Page } from 'playwright-core';

/** How long a page's main thread may take to answer a trivial script before it counts as hung. */
export const HUNG_PROBE_MS = 2_000;

/**
 * True when the page's renderer does not run a trivial script within `probeMs`: its main
 * thread is stuck (an endless loop, a runaway computation). Only a page whose observation
 * already timed out is probed, so a busy but live page is not mistaken for a hung one.
 */
export async function isHung(page: Page, probeMs = HUNG_PROBE_MS): Promise<boolean> {
  if (page.isClosed()) return false;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), probeMs);
  });
  try {
    const answer = await Promise.race([page.evaluate('1').then(() => 'alive' as const, () => 'alive' as const), timedOut]);
    return answer === 'hung';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes a hung tab without waiting for it: a stuck renderer would never run beforeunload, and
 * Chromium ends the renderer process when its last tab goes. Other sessions' pages live in
 * other renderer processes and never notice.
 */
export function abandonHungPage(page: Page): void {
  void page.close({ runBeforeUnload: false }).catch(() => undefined);
}
