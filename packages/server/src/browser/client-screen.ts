import type { DesktopAction } from '@steward/protocol';
import type { SessionBrowser } from './port.ts';

/** One screenshot from the client, checked: its bytes, their type and size in pixels. */
export interface ScreenImage {
  data: Buffer;
  mediaType: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
}

/** What one step of a desktop session answers (the wire's `StepDesktopResponse`, camelCased). */
export interface ScreenStep {
  actions: DesktopAction[];
  thinking?: string;
  finished: boolean;
  askUser?: string;
  step: number;
}

/**
 * A desktop session's screen: the client's own, seen only through the screenshots it sends and
 * acted on only through the actions it is answered with. To the agent it is a `SessionBrowser`
 * like any other (observe gives the screenshot's size, the screenshot is the client's, pointer and
 * keyboard actions are collected for the client); the session core drives the other side.
 *
 * One step at a time: `step` hands the agent a screenshot and resolves when the agent has decided
 * (its next observation, a question, or the end of the task).
 */
export interface ClientScreen extends SessionBrowser {
  readonly clientScreen: true;
  /** A step is waiting for the agent's decision. */
  readonly stepWaiting: boolean;
  /**
   * The client's screenshot for the agent's next observation; resolves with the actions decided
   * on it. Rejects with `StepInProgressError` while another step waits, and with the signal's
   * reason when the client goes away (what was decided then is dropped: the next screenshot shows
   * the screen as it is). While the agent waits for an answer, a step that does not bring one
   * (`answering` false) is answered at once with the question again.
   */
  step(image: ScreenImage, signal: AbortSignal, options?: { answering?: boolean }): Promise<ScreenStep>;
  /** A task end no step was waiting for (a cancel between steps), once; the next step reports it. */
  takeUnreportedEnd(): ScreenStep | undefined;
  /** The agent's thought in the current step, for the step's `thinking`. */
  think(text: string): void;
  /** The agent asked the user: the waiting step answers with the question. */
  asked(question: string): void;
  /** The task ended: the waiting step answers `finished`, ending with `finish` or `fail`. */
  ended(outcome: { success: boolean; text: string }): void;
  /** The session was paused: the waiting step answers with what was decided so far. */
  interrupt(): void;
}

export function isClientScreen(browser: SessionBrowser | undefined): browser is ClientScreen {
  return browser !== undefined && (browser as Partial<ClientScreen>).clientScreen === true;
}

export class StepInProgressError extends Error {
  constructor() {
    super('A step of this desktop session is still being decided.');
    this.name = 'StepInProgressError';
  }
}
