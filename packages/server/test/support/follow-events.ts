import type { SessionEvent, Steward, StreamEventsOptions } from '@steward/client';

export interface FollowedEvents {
  /** Every event the SDK yielded so far, in order. */
  events: SessionEvent[];
  /** Resolves when the iteration ends: after the task's `done` or `error`, or on a failure (`error`). */
  ended: Promise<void>;
  /** Why the iteration stopped early (the SDK's error), if it did. */
  error: unknown;
  /** Resolves with the first event (already received or still to come) matching the predicate. */
  waitFor(predicate: (e: SessionEvent) => boolean, timeoutMs?: number): Promise<SessionEvent>;
  stop(): void;
}

/**
 * Follows a session's events through the SDK's `streamEvents` (reconnection, `Last-Event-ID`,
 * the end of the task) in the background, collecting them for assertions.
 */
export function followEvents(client: Steward, sessionId: string, options: StreamEventsOptions = {}): FollowedEvents {
  const controller = new AbortController();
  const events: SessionEvent[] = [];
  const waiters: Array<{ predicate: (e: SessionEvent) => boolean; resolve: (e: SessionEvent) => void }> = [];
  const followed: FollowedEvents = {
    events,
    error: undefined,
    ended: Promise.resolve(),
    stop: () => controller.abort(),
    waitFor(predicate, timeoutMs = 15_000) {
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.event))}`)), timeoutMs);
        waiters.push({ predicate, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
  };
  followed.ended = (async () => {
    try {
      for await (const event of client.sessions.streamEvents(sessionId, { ...options, signal: controller.signal })) {
        events.push(event);
        for (const w of [...waiters]) {
          if (!w.predicate(event)) continue;
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) followed.error = error;
    }
  })();
  return followed;
}
