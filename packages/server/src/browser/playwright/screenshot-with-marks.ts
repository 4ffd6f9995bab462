import type { Frame, Page } from 'playwright-core';
import { clearMarks, drawMarks } from './draw-marks.ts';
import type { FrameIndices } from './frame-indices.ts';
import { runInPage } from './run-in-page.ts';

/**
 * A JPEG of the viewport with every element of the latest observation boxed and labelled with its
 * index, for vision models. The marks live in the page only for the screenshot.
 */
export async function screenshotWithMarks(
  page: Page,
  frameIndices: FrameIndices,
  timeoutMs: number,
): Promise<{ jpeg: Buffer; marks: number }> {
  const targets: { frame: Page | Frame; labels: Record<string, number> | null }[] = [{ frame: page, labels: null }];
  for (const { frame, toGlobal } of frameIndices.frames()) {
    if (frame.isDetached() || frame.page() !== page) continue;
    targets.push({ frame, labels: Object.fromEntries([...toGlobal].map(([local, global]) => [String(local), global])) });
  }
  try {
    const counts = await Promise.all(targets.map((t) => runInPage(t.frame, drawMarks, t.labels).catch(() => 0)));
    const jpeg = await page.screenshot({ type: 'jpeg', quality: 70, timeout: timeoutMs });
    return { jpeg, marks: counts.reduce((a, b) => a + b, 0) };
  } finally {
    await Promise.all(targets.map((t) => runInPage(t.frame, clearMarks, null).catch(() => undefined)));
  }
}
