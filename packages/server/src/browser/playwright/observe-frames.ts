import type { Frame, Page } from 'playwright-core';
import type { ObservedElement } from '../port.ts';
import { createElementDescriber } from './element-describer.ts';
import { createElementNamer } from './element-names.ts';
import { createElementRoles } from './element-roles.ts';
import type { FrameIndices } from './frame-indices.ts';
import { frameShownCheck, newFrameMark } from './frame-marks.ts';
import { LISTENER_MARKS_KEY } from './listener-marks.ts';
import { observePage, type ObserveArgs, type RawObservation } from './observe-page.ts';
import { createPageDom } from './page-dom.ts';
import { pageFactoryOf, runInPage } from './run-in-page.ts';
import { createTextOutline } from './text-outline.ts';
import { createVisibilityProbe } from './visibility-probe.ts';

/** The page scripts `observePage` is composed of, in the order it takes them after its argument. */
const observeHelpers = [
  createVisibilityProbe,
  createPageDom,
  pageFactoryOf(createElementRoles),
  pageFactoryOf(createElementNamer),
  pageFactoryOf(createElementDescriber),
  pageFactoryOf(createTextOutline),
] as const;

/** What `observe()` builds its Observation from (tabs and dialogs are the session's part). */
export interface MergedObservation {
  url: string;
  title: string;
  elements: ObservedElement[];
  /** The outline followed by one note per thing left out, so nothing is cut silently. */
  text: string;
  truncated: boolean;
  scroll: RawObservation['scroll'];
  /** Highest index handed out so far (the session's next floor). */
  maxIndex: number;
}

export interface ObserveFramesOptions {
  limits: Omit<ObserveArgs, 'indexFloor' | 'frameRootOnly' | 'frameMark'>;
  indexFloor: number;
  frameIndices: FrameIndices;
  /** Bound on each frame's own run; a frame that does not answer in time is reported, not waited for. */
  frameTimeoutMs: number;
}

/** Room kept in the text budget for the notes about what was left out. */
const NOTES_RESERVE = 300;
/** A frame gets text only when at least this much of the budget is left for it. */
const MIN_FRAME_TEXT = 200;

/**
 * Observes the page's main document (with its shadow roots and same-origin frames) and then,
 * only when it met frames it could not enter, each cross-origin frame on its own. Elements of
 * those frames get session-wide indices from `frameIndices`; their text follows the page's,
 * headed by the frame's title. A cross-origin frame counts only when a person can see it where
 * it stands (`frame-marks.ts`).
 */
export async function observeFrames(page: Page, options: ObserveFramesOptions): Promise<MergedObservation> {
  const { limits, frameIndices } = options;
  const textBudget = Math.max(limits.textBudget - NOTES_RESERVE, 0);
  const frameMark = newFrameMark();
  const main = await runInPage(page, observePage, { ...limits, textBudget, indexFloor: options.indexFloor, frameMark, listenerKey: LISTENER_MARKS_KEY }, ...observeHelpers);
  if (main === null) throw new Error('The page observation returned nothing');

  let next = Math.max(options.indexFloor, main.maxIndex);
  const elements: ObservedElement[] = main.elements;
  const sections = main.text === '' ? [] : [main.text];
  let textCut = main.textCut;
  let omittedAbove = main.omittedAbove;
  let omittedBelow = main.omittedBelow;
  let totalElements = main.totalElements;
  let hiddenFrames = main.hiddenFrames;
  let observedFrames = 0;

  if (main.hiddenFrames > 0) {
    frameIndices.prune();
    const frames = page.frames().filter((frame) => frame !== page.mainFrame() && !frame.isDetached());
    const textLeft = textBudget - main.text.length;
    const frameArgs: ObserveArgs = {
      ...limits,
      indexFloor: 0,
      frameRootOnly: true,
      frameMark,
      listenerKey: LISTENER_MARKS_KEY,
      maxElements: Math.max(limits.maxElements - elements.length, 0),
      textBudget: Math.max(Math.floor(textLeft / Math.max(main.hiddenFrames, 1)), 0),
    };
    const runs = await Promise.all(frames.map((frame) => observeFrame(frame, frameArgs, options.frameTimeoutMs)));
    // Marks are read once every run has written its own (a frame's run marks the frames inside it).
    const shownCheck = frameShownCheck(page, frameMark);
    const shown = await Promise.all(frames.map((frame, i) => (runs[i] === null ? false : shownCheck(frame))));
    const origins = await Promise.all(frames.map((frame, i) => (runs[i] !== null && shown[i] === true ? contentOrigin(frame) : null)));
    for (const [i, run] of runs.entries()) {
      const frame = frames[i];
      if (run === null || frame === undefined || shown[i] !== true) continue;
      const origin = origins[i] ?? { x: 0, y: 0 };
      observedFrames++;
      hiddenFrames += run.hiddenFrames;
      totalElements += run.totalElements;
      omittedAbove += run.omittedAbove;
      omittedBelow += run.omittedBelow;
      for (const element of run.elements) {
        if (elements.length >= limits.maxElements) {
          omittedBelow++;
          continue;
        }
        const index = frameIndices.globalIndex(frame, run.docId, element.index, () => ++next);
        const box = { ...element.box, x: element.box.x + origin.x, y: element.box.y + origin.y };
        elements.push({ ...element, index, box, frameUrl: run.url });
      }
      if (frameArgs.textBudget < MIN_FRAME_TEXT) {
        if (run.text !== '') textCut = true;
      } else {
        textCut ||= run.textCut;
        const heading = `[frame: ${run.title || run.url}]`;
        sections.push(run.text === '' ? heading : `${heading}\n${run.text}`);
      }
    }
  }

  const notes: string[] = [];
  const omitted = omittedAbove + omittedBelow;
  if (omitted > 0) {
    const where = [
      omittedAbove > 0 ? `${omittedAbove} above` : '',
      omittedBelow > 0 ? `${omittedBelow} below or further away` : '',
    ].filter(Boolean);
    notes.push(
      `[${totalElements - omitted} of ${totalElements} interactive elements listed, those nearest the viewport; ` +
        `${where.join(' and ')}: scroll to list them]`,
    );
  }
  if (textCut) notes.push('[text cut to fit: scroll, or use read_page to read all of it]');
  const notShown = Math.max(hiddenFrames - observedFrames, 0);
  if (notShown > 0) notes.push(`[${notShown} frame(s) could not be observed]`);

  return {
    url: main.url,
    title: main.title,
    elements,
    text: [...sections, ...notes].join('\n'),
    truncated: textCut || omitted > 0,
    scroll: main.scroll,
    maxIndex: next,
  };
}

/**
 * Where a frame's viewport starts in the tab's viewport (its element's border box, inside its
 * border and padding), so its elements' boxes are in the tab's coordinates; null when unknown.
 */
async function contentOrigin(frame: Frame): Promise<{ x: number; y: number } | null> {
  const holder = await frame.frameElement().catch(() => null);
  if (holder === null) return null;
  try {
    const [outer, inset] = await Promise.all([
      holder.boundingBox(),
      holder.evaluate((node) => {
        const el = node as Element;
        const style = getComputedStyle(el);
        return { x: el.clientLeft + (parseFloat(style.paddingLeft) || 0), y: el.clientTop + (parseFloat(style.paddingTop) || 0) };
      }),
    ]);
    return outer === null ? null : { x: Math.round(outer.x + inset.x), y: Math.round(outer.y + inset.y) };
  } catch {
    return null;
  } finally {
    await holder.dispose().catch(() => undefined);
  }
}

/** A cross-origin frame's own run, or null when it is covered by another run, hidden or unresponsive. */
async function observeFrame(frame: Frame, args: ObserveArgs, timeoutMs: number): Promise<RawObservation | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    return await Promise.race([runInPage(frame, observePage, args, ...observeHelpers).catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
