import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface ReceivedEvent {
  id: string | undefined;
  event: string;
  data: any;
}

export interface SseStream {
  events: ReceivedEvent[];
  /** Resolves when the server ends the stream. */
  closed: Promise<void>;
  /** Resolves with the first event (from now on or already received) matching the predicate. */
  waitFor(predicate: (e: ReceivedEvent) => boolean, timeoutMs?: number): Promise<ReceivedEvent>;
  isClosed(): boolean;
  abort(): void;
  status: number;
}

/**
 * The SSE wire as it is, over fetch, parsed by eventsource-parser: every event (heartbeats too),
 * ids as sent, the status, one connection that is never reopened. For tests of the stream itself
 * (`sse.test.ts`); a test that only follows a session's events uses `followEvents` (the SDK).
 */
export async function openSse(url: string, key: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const events: ReceivedEvent[] = [];
  const waiters: Array<{ predicate: (e: ReceivedEvent) => boolean; resolve: (e: ReceivedEvent) => void }> = [];
  let closed = false;
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      const event = { id: message.id, event: message.event ?? 'message', data: JSON.parse(message.data) };
      events.push(event);
      for (const w of [...waiters]) {
        if (w.predicate(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    },
  });
  const closedPromise = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      // aborted by the test or dropped by the server
    } finally {
      closed = true;
    }
  })();
  return {
    events,
    closed: closedPromise,
    status: res.status,
    isClosed: () => closed,
    abort: () => controller.abort(),
    waitFor(predicate, timeoutMs = 15_000) {
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching SSE event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.event))}`)), timeoutMs);
        waiters.push({ predicate, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
  };
}

/** Waits for a promise with a deadline, failing the test instead of hanging it. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))]);
}
