import type { Frame, Page } from 'playwright-core';

/**
 * Resolves true once `text` is visible anywhere on `page`: its document and open shadow roots
 * (Playwright's text locators pierce them) and every frame, same- or cross-origin, including
 * frames that attach meanwhile; a frame's locator follows that frame's navigations. Resolves
 * false after `timeoutMs`. Rejects only when the main frame fails for another reason than time
 * (the page closed), so the caller can tell a missing text from a dead page.
 */
export function waitForVisibleText(page: Page, text: string, timeoutMs: number): Promise<boolean> {
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
      frame
        .getByText(text)
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
