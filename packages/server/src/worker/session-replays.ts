import type { StepFrame, StepFrames } from '../agent/index.ts';
import { AppError } from '../errors/index.ts';
import type { ReplayFrame, ReplayLimits, ReplayStore } from '../replay/index.ts';
import { errorMessage } from '../util/index.ts';
import type { SessionCore } from './session-core.ts';

/**
 * How each step's picture is taken: at most 640 px wide (half the 1280 × 800 viewport) at JPEG
 * quality 60, about 5 KB for a page of the fixture sites (docs/configuration.md, Session replay).
 */
export const REPLAY_FRAME_SIZE = { maxWidth: 640, quality: 60 } as const;

/**
 * One session's say over its frames being written: once the session ends none may start, and
 * those in flight are awaited before its folder is removed, so nothing is written after it is gone.
 */
class ReplayGate {
  closed = false;
  private readonly writing = new Set<Promise<unknown>>();

  /** Runs `work` unless the session has ended (then nothing, undefined). */
  async track<T>(work: () => Promise<T>): Promise<T | undefined> {
    if (this.closed) return undefined;
    const running = work();
    this.writing.add(running);
    try {
      return await running;
    } finally {
      this.writing.delete(running);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.writing]);
  }
}

/**
 * The replay of sessions (Steward extension): a small JPEG of the page at each agent step, kept as
 * long as the session (deleting or terminating it removes them). Methods that take an API key
 * answer 404 for other keys' sessions, as every session route does.
 */
export class SessionReplays {
  private readonly gates = new Map<string, ReplayGate>();

  constructor(
    private readonly core: SessionCore,
    private readonly store: ReplayStore | undefined,
  ) {}

  /** The caps per session; both 0 when this server keeps no replay. */
  get limits(): ReplayLimits {
    return this.store?.limits ?? { maxSteps: 0, maxBytes: 0 };
  }

  /** Where one task of a live session keeps its step pictures; undefined when the server keeps none. */
  framesFor(sessionId: string, taskId: number): StepFrames | undefined {
    const store = this.store;
    if (store === undefined) return undefined;
    let gate = this.gates.get(sessionId);
    if (gate === undefined) {
      gate = new ReplayGate();
      this.gates.set(sessionId, gate);
    }
    const { logger, clock } = this.core.deps;
    const open = gate;
    return {
      size: REPLAY_FRAME_SIZE,
      keep: async (frame: StepFrame) => {
        try {
          await open.track(() => store.append(sessionId, { taskId, taskStep: frame.taskStep, url: frame.url, title: frame.title, takenAt: clock.now(), jpeg: frame.jpeg }));
        } catch (error) {
          logger.warn({ sessionId, step: frame.taskStep, err: errorMessage(error) }, 'could not keep the replay frame of a step');
        }
      },
      // A dialog in the way or a page that would not paint: ordinary, hence debug.
      missed: (taskStep, error) => logger.debug({ sessionId, step: taskStep, err: errorMessage(error) }, 'no replay frame for this step'),
    };
  }

  /** The session's frames, oldest first. */
  async list(apiKeyId: string, sessionId: string): Promise<ReplayFrame[]> {
    await this.core.owned(apiKeyId, sessionId);
    this.core.touch(sessionId);
    return this.store === undefined ? [] : this.store.list(sessionId);
  }

  /** The JPEG of frame `step`; 404 when the session keeps no frame by that number. */
  async open(apiKeyId: string, sessionId: string, step: number): Promise<{ frame: ReplayFrame; jpeg: Buffer }> {
    await this.core.owned(apiKeyId, sessionId);
    this.core.touch(sessionId);
    if (this.store === undefined) throw new AppError('not_found', { detail: 'This server keeps no session replay (STEWARD_REPLAY_MAX_STEPS or STEWARD_REPLAY_MAX_BYTES is 0).' });
    const found = await this.store.read(sessionId, step);
    if (found === undefined) throw new AppError('not_found', { detail: `This session's replay has no step ${step}: GET /v1/sessions/${sessionId}/replay lists the steps it keeps.` });
    return found;
  }

  /** The session ended (deleted, terminated): no more frames, and every frame of it is removed. */
  async drop(sessionId: string): Promise<void> {
    const gate = this.gates.get(sessionId);
    this.gates.delete(sessionId);
    await gate?.close();
    // Ending the session must not fail on a file system hiccup; the log says what stayed behind.
    await this.store?.deleteAll(sessionId).catch((error: unknown) => {
      this.core.deps.logger.warn({ sessionId, err: errorMessage(error) }, 'could not remove the replay of a session');
    });
  }
}
