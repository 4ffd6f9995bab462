import type { SessionBrowser } from '../browser/port.ts';
import { anySignal, raceSignal } from '../util/abort.ts';

/**
 * The longest a step waits for its picture: the step acts only after it (the picture must show
 * the page before the action), so a screenshot that never answers must not hold the task.
 */
const FRAME_DEADLINE_MS = 10_000;

/** One step's picture: the page the agent decided on, as a small JPEG. */
export interface StepFrame {
  /** The step's number in its task (`metadata.step` of its THOUGHT and step LOG messages). */
  taskStep: number;
  jpeg: Buffer;
  url: string;
  title: string;
}

/**
 * Where a task keeps a picture of each step (the session's replay). The sessions layer provides
 * it; a task without one keeps none.
 */
export interface StepFrames {
  /** How the pictures are taken: at most `maxWidth` pixels wide, at this JPEG quality. */
  readonly size: { maxWidth: number; quality: number };
  /** Keeps a picture. Never rejects: what cannot be kept is the keeper's to log. */
  keep(frame: StepFrame): Promise<void>;
  /** A picture that could not be taken (a dialog in the way, a page that would not paint): logged, the step goes on. */
  missed(taskStep: number, error: unknown): void;
}

/**
 * Takes the step's picture and hands it to `frames`. Never rejects, so a step never fails for its
 * picture; `redact` hides what the agent typed into secret fields from the URL and title.
 */
export async function captureStepFrame(
  browser: SessionBrowser,
  frames: StepFrames,
  taskStep: number,
  redact: (text: string) => string,
  signal: AbortSignal,
  deadlineMs = FRAME_DEADLINE_MS,
): Promise<void> {
  let shot;
  const bounded = anySignal(signal, AbortSignal.timeout(deadlineMs));
  try {
    shot = await raceSignal(browser.screenshot({ signal: bounded, maxWidth: frames.size.maxWidth, quality: frames.size.quality }), bounded);
  } catch (error) {
    // Cancelled or deleted: the task is over, and so is its replay.
    if (!signal.aborted) frames.missed(taskStep, error);
    return;
  }
  // A client's screen answers with its own image, which may be a PNG; a replay serves JPEGs only.
  if (shot.mediaType !== undefined) {
    frames.missed(taskStep, new Error(`The screenshot is ${shot.mediaType}, not a JPEG`));
    return;
  }
  await frames.keep({ taskStep, jpeg: shot.jpeg, url: redact(shot.url), title: redact(shot.title) });
}
