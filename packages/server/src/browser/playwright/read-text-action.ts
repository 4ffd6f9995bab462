import type { Frame, Page } from 'playwright-core';
import type { ActionResult } from '../port.ts';
import { failure } from './action-results.ts';
import type { ActionHost } from './action-host.ts';
import { frameShownCheck, newFrameMark } from './frame-marks.ts';
import { awaitLoadBriefly } from './page-load.ts';
import { pageText, type PageTextArgs, type PageTextRun } from './page-text.ts';
import { runInPage } from './run-in-page.ts';
import { createVisibilityProbe } from './visibility-probe.ts';

export const READ_TEXT_PAGE_CHARS = 8_000;
const READ_TEXT_MAX_CHARS = 2_000_000;

/** One page of the active tab's visible text (see `readPageText`); `textPages` says how many there are. */
export async function readTextAction(host: ActionHost, pageNumber: number, signal: AbortSignal | undefined): Promise<ActionResult> {
  const page = await host.activePage();
  await awaitLoadBriefly(page, signal);
  const text = await readPageText(page, host.actionTimeoutMs);
  const pages = Math.max(1, Math.ceil(text.length / READ_TEXT_PAGE_CHARS));
  if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > pages) {
    return failure(`Page ${pageNumber} does not exist; the text of this page has ${pages} page(s)`);
  }
  const chunk = text.slice((pageNumber - 1) * READ_TEXT_PAGE_CHARS, pageNumber * READ_TEXT_PAGE_CHARS);
  const more = pageNumber < pages ? `; read page ${pageNumber + 1} for more` : '';
  return {
    ok: true,
    message: `Read page ${pageNumber} of ${pages} of the visible text of ${page.url()}${more}`,
    pageChanged: false,
    text: chunk,
    textPages: pages,
  };
}

/**
 * The visible text of the page: its documents, open shadow roots and same-origin frames in
 * reading order, then each cross-origin frame a person can see under a `[frame: <title>]` line
 * (`frame-marks.ts`). A frame that does not answer within `frameTimeoutMs` is noted, not waited for.
 */
export async function readPageText(page: Page, frameTimeoutMs: number): Promise<string> {
  const frameMark = newFrameMark();
  const main = await runInPage(page, pageText, { maxChars: READ_TEXT_MAX_CHARS, frameMark }, createVisibilityProbe);
  if (main === null) throw new Error('Reading the page text returned nothing');
  const sections = [main.text];
  let length = main.text.length;
  let unread = main.hiddenFrames;
  if (main.hiddenFrames > 0) {
    const frames = page.frames().filter((frame) => frame !== page.mainFrame() && !frame.isDetached());
    const args: PageTextArgs = { maxChars: READ_TEXT_MAX_CHARS, frameRootOnly: true, frameMark };
    const runs = await Promise.all(frames.map((frame) => readFrame(frame, args, frameTimeoutMs)));
    // Marks are read once every run has written its own (a frame's run marks the frames inside it).
    const shownCheck = frameShownCheck(page, frameMark);
    const shown = await Promise.all(frames.map((frame, i) => (runs[i] === null ? false : shownCheck(frame))));
    for (const [i, run] of runs.entries()) {
      if (run === null || shown[i] !== true) continue;
      unread += run.hiddenFrames - 1;
      if (length >= READ_TEXT_MAX_CHARS) continue;
      const section = `[frame: ${run.title || run.url}]\n${run.text}`;
      sections.push(section);
      length += section.length;
    }
  }
  // Each run is one frame read; the runs also count the frames they could not enter.
  if (unread > 0) sections.push(`[${unread} frame(s) could not be read]`);
  return sections
    .filter((section) => section !== '')
    .join('\n\n')
    .slice(0, READ_TEXT_MAX_CHARS);
}

/** A cross-origin frame's own run, or null when another run covers it, it is hidden, or it does not answer. */
async function readFrame(frame: Frame, args: PageTextArgs, timeoutMs: number): Promise<PageTextRun | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    return await Promise.race([runInPage(frame, pageText, args, createVisibilityProbe).catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
