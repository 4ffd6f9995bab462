import type { BrowserContext, Page } from 'playwright-core';
import { raceSignal } from '../../util/abort.ts';

export interface ScaledScreenshotOptions {
  /** Widest the image may be, in pixels; a narrower viewport is taken as it is (never scaled up). */
  maxWidth: number;
  /** JPEG quality: a whole number, 1–100. */
  quality: number;
  timeoutMs: number;
}

/**
 * A JPEG of the active tab's viewport, scaled down by Chromium as it encodes it
 * (`Page.captureScreenshot` with a scaled clip). Playwright's `page.screenshot` captures at CSS
 * or device size only, and shrinking its image afterwards would need an image library and a
 * second encode.
 */
export async function scaledScreenshot(context: BrowserContext, page: Page, options: ScaledScreenshotOptions): Promise<Buffer> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const cdp = await raceSignal(context.newCDPSession(page), deadline);
  try {
    const metrics = await raceSignal(cdp.send('Page.getLayoutMetrics'), deadline);
    const view = metrics.cssVisualViewport;
    const fallback = page.viewportSize();
    const width = view.clientWidth > 0 ? view.clientWidth : (fallback?.width ?? 1280);
    const height = view.clientHeight > 0 ? view.clientHeight : (fallback?.height ?? 800);
    // The clip's scale multiplies the device pixel ratio: the image is width × dpr × scale wide.
    const devicePixelRatio = metrics.visualViewport.clientWidth > 0 && view.clientWidth > 0 ? metrics.visualViewport.clientWidth / view.clientWidth : 1;
    const scale = Math.min(1, options.maxWidth / (width * devicePixelRatio));
    const { data } = await raceSignal(
      cdp.send('Page.captureScreenshot', {
        format: 'jpeg',
        quality: options.quality,
        // The visible part of the document: the clip is in page coordinates, so scrolling counts.
        clip: { x: view.pageX, y: view.pageY, width, height, scale },
        captureBeyondViewport: false,
      }),
      deadline,
    );
    return Buffer.from(data, 'base64');
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}
