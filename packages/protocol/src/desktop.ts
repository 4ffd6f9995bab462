import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from './requests.ts';

/**
 * Desktop sessions (spec §1.14): the client runs the loop on its own screen. It posts a screenshot
 * to `{agent_url}/step_desktop`; the server's agent looks at it and answers with the actions to
 * perform at screen coordinates (pixels of that screenshot), its thinking, and whether the task
 * is finished or waits for an answer.
 */

/** Largest screenshot accepted, base64 characters (a 4K PNG is 8–20 MB; this is 15 MB of image). */
export const MAX_DESKTOP_SCREENSHOT_CHARS = 20_000_000;

/** `POST {agent_url}/step_desktop`. */
export const StepDesktopRequest = z.object({
  /** The client's screen: PNG or JPEG, base64, optionally as a `data:image/…;base64,` URL. */
  screenshot: z.string().min(1).max(MAX_DESKTOP_SCREENSHOT_CHARS),
  session_id: z.string().max(100),
  /** The task (first step) or a follow-up; while the agent waits for an answer, the answer. */
  message: z.string().min(1).max(MAX_MESSAGE_LENGTH).optional(),
  /** The answer to `ask_user` (the C# SDK's name for it). */
  user_response: z.string().min(1).max(MAX_MESSAGE_LENGTH).optional(),
});
export type StepDesktopRequest = z.infer<typeof StepDesktopRequest>;

const Coordinate = z.number().int().min(0);

/** One action for the client to perform, in the spec's vocabulary. */
export const DesktopAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('click'), x: Coordinate, y: Coordinate, click_type: z.enum(['left', 'middle']).optional() }),
  z.object({ type: z.literal('double_click'), x: Coordinate, y: Coordinate }),
  z.object({ type: z.literal('triple_click'), x: Coordinate, y: Coordinate }),
  z.object({ type: z.literal('right_click'), x: Coordinate, y: Coordinate }),
  z.object({ type: z.literal('hover'), x: Coordinate, y: Coordinate }),
  z.object({ type: z.literal('type'), text: z.string() }),
  /** A key or combination, Playwright-style names: `Enter`, `Control+A`. */
  z.object({ type: z.literal('key'), key: z.string() }),
  /** `amount` in wheel notches (about 100 px each), at the point when given. */
  z.object({ type: z.literal('scroll'), x: Coordinate.optional(), y: Coordinate.optional(), direction: z.enum(['up', 'down', 'left', 'right']), amount: z.number().int().min(1) }),
  z.object({ type: z.literal('drag'), start_x: Coordinate, start_y: Coordinate, end_x: Coordinate, end_y: Coordinate }),
  /** Seconds to wait before the next screenshot. */
  z.object({ type: z.literal('wait'), duration: z.number().min(0) }),
  z.object({ type: z.literal('finish'), summary: z.string() }),
  z.object({ type: z.literal('fail'), reason: z.string() }),
  z.object({ type: z.literal('ask_question'), question: z.string() }),
]);
export type DesktopAction = z.infer<typeof DesktopAction>;

/** What a step answers. */
export const StepDesktopResponse = z.object({
  actions: z.array(DesktopAction),
  thinking: z.string().optional(),
  /** The task ended (DONE or ERROR): `actions` ends with `finish` or `fail`. */
  finished: z.boolean(),
  /** The agent asks the user; the next step's `message` is the answer. */
  ask_user: z.string().optional(),
  /** The agent's step number within the task (1 for the first decision). */
  step: z.number().int().min(0),
});
export type StepDesktopResponse = z.infer<typeof StepDesktopResponse>;
