import type { SessionEvent, Steward } from '@steward/client';

/**
 * A session's event stream read in the background, so `run` shows thoughts and steps as they
 * happen while `runTask` waits for the end. `until(id)` lets the caller print a question or the
 * result only after what came before it.
 */
export class EventFeed {
  private seen = 0;
  private ended = false;
  private readonly waiters = new Set<() => void>();
  readonly done: Promise<void>;

  constructor(client: Steward, sessionId: string, onEvent: (event: SessionEvent) => void, signal: AbortSignal) {
    this.done = (async () => {
      try {
        for await (const event of client.sessions.streamEvents(sessionId, { signal, includeHistory: true })) {
          onEvent(event);
          if (event.id !== undefined) this.seen = Math.max(this.seen, event.id);
          this.wake();
        }
      } catch {
        // The stream is only for show: runTask reports the task's end and its errors.
      } finally {
        this.ended = true;
        this.wake();
      }
    })();
  }

  /** Resolves once the event with message id `id` was shown, the stream ended, or `ms` passed. */
  until(id: number, ms = 2_000): Promise<void> {
    if (this.ended || this.seen >= id) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const check = (): void => {
        if (!this.ended && this.seen < id) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve();
      }, ms);
      this.waiters.add(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
