import type { EventType, SseEvent } from '@steward/protocol';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { linkedController, sleep, throwIfAborted } from '../core/abort.ts';
import { APIConnectionError, APIError, APIUserAbortError, StewardError } from '../core/errors.ts';
import type { HttpCore, RequestOptions } from '../core/http.ts';

/** One event of GET /v1/sessions/{id}/events: `{ event, id?, data }` with the wire payload as `data`. */
export type SessionEvent = SseEvent;

export interface StreamEventsOptions extends RequestOptions {
  eventTypes?: EventType[];
  sanitize?: boolean;
  /** Replay the stored messages first (default true). */
  includeHistory?: boolean;
  /** Start after this message id (as `Last-Event-ID`); wins over `includeHistory`. */
  afterId?: number;
  /** Consecutive failed reconnections before the stream throws (default 5). */
  maxReconnects?: number;
}

/** What the stream needs from the messages endpoint: the newest visible message id. */
export type LatestMessageId = (sessionId: string, sanitize: boolean, request: RequestOptions) => Promise<number>;

const ENDS_TASK = new Set(['done', 'error']);
const INITIAL_RECONNECT_MS = 250;
const MAX_RECONNECT_MS = 5_000;

/**
 * The SSE stream as an AsyncIterable. Each connection resumes after the last message id seen
 * (`Last-Event-ID`), and ids at or below it are dropped, so a reconnection neither repeats nor
 * loses a message event. Events without an id (heartbeat, paused, resumed) are live only: one
 * sent while the connection was down is not replayed. A connection the server ends after the
 * `done` or `error` of the task ends the iteration; a dropped one is reopened.
 */
export async function* streamSessionEvents(http: HttpCore, latestMessageId: LatestMessageId, sessionId: string, options: StreamEventsOptions): AsyncGenerator<SessionEvent> {
  const sanitize = options.sanitize ?? true;
  const maxReconnects = options.maxReconnects ?? 5;
  let lastId = options.afterId;
  // Without history, "now" must be a message id too, or a reconnection before the first event
  // could not say where to resume: the newest id stands for it.
  if (lastId === undefined && options.includeHistory === false) lastId = await latestMessageId(sessionId, sanitize, options);
  let failures = 0;
  let retryMs: number | undefined;

  for (;;) {
    throwIfAborted(options.signal);
    const { controller, detach } = linkedController(options.signal);
    let endedTask = false;
    let yielded = 0;
    try {
      const response = await http.raw(
        {
          method: 'GET',
          path: `/v1/sessions/${encodeURIComponent(sessionId)}/events`,
          accept: 'text/event-stream',
          query: { sanitize, include_history: options.includeHistory ?? true, event_types: options.eventTypes?.join(',') },
          headers: lastId === undefined ? {} : { 'last-event-id': String(lastId) },
        },
        { ...options, signal: controller.signal },
      );
      if (response.body === null) throw new APIConnectionError('The event stream has no body.', { requestId: response.headers.get('x-request-id') ?? '' });
      for await (const message of messages(response.body, (ms) => (retryMs = ms))) {
        const event = toEvent(message);
        if (event === undefined) continue;
        if (event.id !== undefined) {
          if (lastId !== undefined && event.id <= lastId) continue;
          lastId = event.id;
        }
        failures = 0;
        yielded++;
        if (ENDS_TASK.has(event.event)) endedTask = true;
        yield event;
      }
      // The server ended this connection itself: after the task's end, or with nothing (left) to
      // send (the task ended before a filtered stream saw it, the session is gone). One that sent
      // events and then closed without the end (a slow reader dropped) is resumed.
      if (endedTask || yielded === 0) return;
    } catch (error) {
      if (options.signal?.aborted) throw new APIUserAbortError({ cause: options.signal.reason });
      // An answer with an error status (404: the session is gone) ends the stream; a dropped connection does not.
      if (error instanceof APIError || (error instanceof StewardError && !(error instanceof APIConnectionError))) throw error;
      if (endedTask) return;
      if (++failures > maxReconnects) throw error instanceof StewardError ? error : new APIConnectionError('The event stream failed.', { cause: error, requestId: '' });
    } finally {
      controller.abort();
      detach();
    }
    await sleep(retryMs ?? Math.min(INITIAL_RECONNECT_MS * 2 ** failures, MAX_RECONNECT_MS), options.signal);
  }
}

/** The stream's messages as eventsource-parser reads them. */
async function* messages(body: ReadableStream<Uint8Array>, onRetry: (ms: number) => void): AsyncGenerator<EventSourceMessage> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => queue.push(message), onRetry });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      yield* queue.splice(0);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Like the public SDK, an event whose data is not JSON is dropped. */
function toEvent(message: EventSourceMessage): SessionEvent | undefined {
  if (message.event === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return undefined;
  }
  const id = message.id === undefined || !/^\d+$/.test(message.id) ? undefined : Number(message.id);
  return { event: message.event, data, ...(id === undefined ? {} : { id }) } as SessionEvent;
}
