import { z } from 'zod';
import { Timestamp } from './wire-time.ts';

/**
 * Session replay (Steward extension): a small JPEG of the page at each agent step of a session,
 * with the page's URL and title, for stepping through what the agent saw beside its messages.
 */

/** `{step}` of `GET /v1/sessions/{session_id}/replay/{step}`: a frame's number, 1 or more, in decimal digits. */
export const ReplayStepNumber = z
  .string()
  .regex(/^[0-9]+$/, 'step is a whole number: decimal digits only')
  .transform(Number)
  .pipe(z.int().min(1));

/** One kept step: its picture is `GET …/replay/{step}` (image/jpeg). */
export const ReplayStepResponse = z.object({
  /** The frame's number in the session: 1, 2, 3, … across all its tasks, never reused. */
  step: z.int().min(1),
  /** The id of the USER message that started the step's task. */
  task_id: z.int().min(0),
  /** The step's number in its task: `metadata.step` of its THOUGHT and step LOG messages. */
  task_step: z.int().min(0),
  url: z.string(),
  title: z.string(),
  taken_at: Timestamp,
  /** Size of the JPEG. */
  bytes: z.int().min(0),
});
export type ReplayStepResponse = z.infer<typeof ReplayStepResponse>;

/** `GET /v1/sessions/{session_id}/replay`: the kept steps, oldest first, and the caps per session (0: replay is off). */
export const ReplayResponse = z.object({
  steps: z.array(ReplayStepResponse),
  max_steps: z.int().min(0),
  max_bytes: z.int().min(0),
});
export type ReplayResponse = z.infer<typeof ReplayResponse>;
