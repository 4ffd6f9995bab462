import type { Frame, Locator, Page } from 'playwright-core';

/** What `wait_for` may wait to see: a text, or an element by role and/or accessible name. */
export type VisibleTarget = { text: string } | { role?: string | undefined; name?: string | undefined };

/**
 * Resolves true once `text` is visible anywhere on `page`: its document and open shadow roots
 * (Playwright's text locators pierce them) and every frame, same- or cross-origin, including
 * frames that attach meanwhile; a frame's locator follows that frame's navigations. Resolves
 * false after `timeoutMs`. Rejects only when the main frame fails for another reason than time
 * (the page closed), so the caller can tell a missing text from a dead page.
 */
export function waitForVisibleText(page: Page, text: string, timeoutMs: number): Promise<boolean> {
  return waitForVisible(page, { text }, timeoutMs);
}

/** The locator for `target` in one frame (role and text locators pierce open shadow roots). */
function locatorIn(frame: Frame, target: VisibleTarget): Locator {
  if ('text' in target) return frame.getByText(target.text);
  const name = target.name;
  if (target.role !== undefined) {
    return frame.getByRole(target.role as Parameters<Frame['getByRole']>[0], name === undefined ? {} : { name });
  }
  // A name alone: whatever a person would call by that name.
  const named = name ?? '';
  return frame
    .getByRole('button', { name: named })
    .or(frame.getByRole('link', { name: named }))
    .or(frame.getByLabel(named))
    .or(frame.getByPlaceholder(named));
}

/** `waitForVisibleText` for any `VisibleTarget`. */
export function waitForVisible(page: Page, target: VisibleTarget, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const watched = new Set<Frame>();
    let settled = false;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      page.off('frameattached', watch);
      finish();
    };
    function watch(frame: Frame): void {
      if (settled || watched.has(frame)) return;
      watched.add(frame);
      const left = deadline - Date.now();
      if (left <= 0) return;
      locatorIn(frame, target)
        .filter({ visible: true })
        .first()
        .waitFor({ state: 'visible', timeout: left })
        .then(
          () => settle(() => resolve(true)),
          (error: unknown) => {
            // A child frame that detaches or times out simply did not show the text.
            const timedOut = error instanceof Error && error.name === 'TimeoutError';
            if (frame === page.mainFrame() && !timedOut) settle(() => reject(error));
          },
        );
    }
    const timer = setTimeout(() => settle(() => resolve(false)), timeoutMs);
    page.on('frameattached', watch);
    for (const frame of page.frames()) watch(frame);
  });
}
