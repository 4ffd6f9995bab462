import { randomBytes } from 'node:crypto';
import type { Frame, Page } from 'playwright-core';

/**
 * A frame of another origin cannot tell whether its own element is transparent, off-screen or
 * aria-hidden in the page around it; the run of the page around it can. That run writes the
 * observation's mark into `data-steward-shown` on each frame element a person sees
 * (`VisibilityProbe.markFrame`), and a frame's own run counts only when its element, and the
 * element of every frame around it, carries this observation's mark. A fresh mark per
 * observation keeps a mark left from an earlier one from counting.
 */
export function newFrameMark(): string {
  return randomBytes(8).toString('hex');
}

/** Whether `frame` (and every frame it sits in) was marked shown with `mark`; call after the runs that mark. */
export function frameShownCheck(page: Page, mark: string): (frame: Frame) => Promise<boolean> {
  const known = new Map<Frame, Promise<boolean>>();
  const check = (frame: Frame): Promise<boolean> => {
    if (frame === page.mainFrame()) return Promise.resolve(true);
    const cached = known.get(frame);
    if (cached !== undefined) return cached;
    const parent = frame.parentFrame();
    const result =
      parent === null
        ? Promise.resolve(false)
        : Promise.all([ownMark(frame).then((value) => value === mark), check(parent)]).then(([own, around]) => own && around);
    known.set(frame, result);
    return result;
  };
  return check;
}

async function ownMark(frame: Frame): Promise<string | null> {
  try {
    const element = await frame.frameElement();
    try {
      return await element.getAttribute('data-steward-shown');
    } finally {
      await element.dispose();
    }
  } catch {
    // A frame that detached meanwhile shows nothing.
    return null;
  }
}
