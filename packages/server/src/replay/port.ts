/** One kept step of a session's replay. */
export interface ReplayFrame {
  /**
   * The frame's number in its session: 1, 2, 3, … in the order the frames were kept, across all
   * the session's tasks, never reused (so the bytes of a number never change).
   */
  step: number;
  /** The id of the USER message that started the frame's task. */
  taskId: number;
  /** The step's number in its task: `metadata.step` of its THOUGHT and step LOG messages. */
  taskStep: number;
  url: string;
  title: string;
  takenAt: Date;
  /** Size of the JPEG. */
  bytes: number;
}

export type NewReplayFrame = Omit<ReplayFrame, 'step' | 'bytes'> & { jpeg: Buffer };

export interface ReplayLimits {
  /** Most frames a session keeps. */
  maxSteps: number;
  /** Most JPEG bytes a session keeps, all frames together. */
  maxBytes: number;
}

/**
 * The replay of each session: a small JPEG per agent step with the page it showed, kept across
 * restarts until the session is deleted or terminated.
 *
 * Contract: `append` gives the frame the session's next number and keeps it; when that passes a
 * cap (`limits`), the session's oldest frames are removed until both hold again, so a replay is
 * always its newest frames. A frame larger than `maxBytes` on its own is not kept (undefined).
 * A frame is visible to `list` and `read` only once complete. Appends of one session are kept in
 * the order they were called. Session ids are uuid-shaped; another shape rejects.
 */
export interface ReplayStore {
  readonly limits: ReplayLimits;
  append(sessionId: string, frame: NewReplayFrame): Promise<ReplayFrame | undefined>;
  /** Oldest first. */
  list(sessionId: string): Promise<ReplayFrame[]>;
  /** The frame numbered `step` with its JPEG, or undefined when the session keeps none by that number. */
  read(sessionId: string, step: number): Promise<{ frame: ReplayFrame; jpeg: Buffer } | undefined>;
  /** Removes every frame of the session. Idempotent. */
  deleteAll(sessionId: string): Promise<void>;
}
