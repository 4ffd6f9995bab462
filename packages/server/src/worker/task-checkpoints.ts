import type { StorageState } from '../browser/port.ts';
import type { Store } from '../store/index.ts';
import type { Clock } from '../util/index.ts';
import { errorMessage } from '../util/index.ts';
import type { SessionRuntime } from './session-runtime.ts';

interface Logger {
  debug(obj: object, msg?: string): void;
}

/** Where a running task stood after its latest step: what another worker restores after a loss. */
export interface CheckpointData {
  /** The id of the USER message that started the task. */
  taskId: number;
  /** Agent steps recorded so far (THOUGHTs). */
  step: number;
  url: string;
  storageState: StorageState;
}

/**
 * Cluster mode: after each agent step the worker saves the task's checkpoint (sealed in the
 * store), in the background — the task never waits for it. It stays after the task ends (it is
 * the session's browser state as last seen, which an adopting worker restores) and goes with the
 * session. Saves of one session never overlap:
 * while one is in flight, only the newest request waits behind it.
 */
export class TaskCheckpoints {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly next = new Map<string, () => Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Saves the task's checkpoint soon; a failure is logged, never thrown at the task. */
  note(runtime: SessionRuntime, taskId: number, step: number): void {
    const sessionId = runtime.sessionId;
    const save = async (): Promise<void> => {
      const browser = runtime.currentBrowser();
      if (!browser || runtime.isClosed) return;
      const [page, storageState] = await Promise.all([browser.pageInfo(), browser.storageState()]);
      const data: CheckpointData = { taskId, step, url: page.url, storageState };
      await this.store.saveCheckpoint(sessionId, { ...data }, this.clock.now());
    };
    if (this.inFlight.has(sessionId)) {
      this.next.set(sessionId, save);
      return;
    }
    this.run(sessionId, save);
  }

  /** The session's last checkpoint, if one was saved and reads as one. */
  async read(sessionId: string): Promise<CheckpointData | undefined> {
    const checkpoint = await this.store.getCheckpoint(sessionId);
    const data = checkpoint?.data;
    if (data === undefined || typeof data['url'] !== 'string' || typeof data['storageState'] !== 'object' || data['storageState'] === null) return undefined;
    return { taskId: Number(data['taskId']), step: Number(data['step']), url: data['url'], storageState: data['storageState'] as StorageState };
  }

  private run(sessionId: string, save: () => Promise<void>): void {
    const running = save()
      .catch((error: unknown) => this.logger.debug({ sessionId, err: errorMessage(error) }, 'task checkpoint not saved'))
      .finally(() => {
        this.inFlight.delete(sessionId);
        const queued = this.next.get(sessionId);
        this.next.delete(sessionId);
        if (queued) this.run(sessionId, queued);
      });
    this.inFlight.set(sessionId, running);
  }
}
