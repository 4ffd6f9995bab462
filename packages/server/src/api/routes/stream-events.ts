import type { FastifyInstance } from 'fastify';
import { StreamEventsHeaders, StreamEventsQuery, type EventType } from '@steward/protocol';
import type { Subscription } from '../../bus/port.ts';
import type { SessionEvent } from '../../sessions/index.ts';
import type { MessageRecord } from '../../domain/index.ts';
import type { ApiDeps, SessionParams } from '../api-deps.ts';
import { sseFrame } from '../serializers.ts';
import { rateLimitHeaderLines } from '../rate-limiter.ts';
import { SseWriter } from '../sse-writer.ts';
import { parseInput } from '../validate.ts';

const ENDS_TASK = new Set(['DONE', 'ERROR']);

/**
 * SSE (spec §1.9, §2.5, §9.9). Subscribes before reading history so nothing falls between the
 * replay and the live stream; message ids de-duplicate the overlap. Resumes after
 * `Last-Event-ID` (or `after_id`). Closes after the DONE/ERROR that ends the latest task.
 */
export function streamEventsRoute(app: FastifyInstance, { sessions, sse }: ApiDeps): void {
  app.get<{ Params: SessionParams }>('/v1/sessions/:session_id/events', async (request, reply) => {
    const query = parseInput(StreamEventsQuery, request.query, 'query');
    const headers = parseInput(StreamEventsHeaders, { 'last-event-id': request.headers['last-event-id'] }, 'header');
    const sessionId = request.params.session_id;
    await sessions.get(request.apiKeyId, sessionId);
    const resumeAfter = headers['last-event-id'] ?? query.after_id;
    const includeInternal = !query.sanitize;
    const wanted: ReadonlySet<EventType> | undefined = query.event_types ? new Set(query.event_types) : undefined;

    reply.hijack();
    let lastId = resumeAfter ?? 0;
    let knowsStart = resumeAfter !== undefined || query.include_history === true;
    let replaying = true;
    const pending: SessionEvent[] = [];
    let subscription: Subscription | undefined;
    const writer = new SseWriter(reply.raw, {
      maxBufferBytes: sse.maxBufferBytes,
      heartbeatMs: sse.heartbeatMs,
      heartbeatEvents: !wanted || wanted.has('heartbeat'),
      headerLines: rateLimitHeaderLines(reply),
      onClose: (reason) => {
        subscription?.unsubscribe();
        if (reason === 'slow') request.log.warn({ sessionId }, 'SSE client fell behind; connection dropped');
      },
    });

    const emit = (event: SessionEvent): void => {
      const encoded = sseFrame(event);
      if (encoded && (!wanted || wanted.has(encoded.event))) writer.sendFrame(encoded.frame);
    };
    const acceptMessage = (message: MessageRecord): boolean => {
      if (message.id <= lastId) return false;
      lastId = message.id;
      return includeInternal || !message.internal;
    };
    const deliver = (event: SessionEvent): void => {
      if (event.kind === 'closed') {
        writer.close();
        return;
      }
      if (event.kind === 'message') {
        if (!acceptMessage(event.message)) return;
        emit(event);
        if (ENDS_TASK.has(event.message.type)) writer.close();
        return;
      }
      emit(event);
    };
    // Every stored message reaches the bus, internal ones too, so ids come one after another. A
    // gap means events were lost on the way (a worker that died between storing and publishing,
    // a Redis hiccup): the store has them, and they are sent, in order, before the message.
    let filling: Promise<void> | undefined;
    const queued: SessionEvent[] = [];
    const fillGapThen = async (): Promise<void> => {
      while (queued.length > 0 && writer.isOpen) {
        const event = queued[0]!;
        if (event.kind === 'message' && event.message.id > lastId + 1) {
          try {
            for (const missed of await sessions.history(sessionId, lastId, true)) {
              if (missed.id >= event.message.id || !writer.isOpen) break;
              deliver({ kind: 'message', message: missed });
            }
          } catch (error) {
            request.log.debug({ err: error, sessionId }, 'SSE gap could not be read from the store');
          }
        }
        queued.shift();
        if (writer.isOpen) deliver(event);
      }
      filling = undefined;
    };
    const live = (event: SessionEvent): void => {
      if (!writer.isOpen) return;
      if (replaying) {
        pending.push(event);
        return;
      }
      // Without a replay the stream starts at the first message it hears: nothing before it is owed.
      if (!knowsStart && event.kind === 'message') {
        knowsStart = true;
        lastId = Math.max(lastId, event.message.id - 1);
      }
      const gap = event.kind === 'message' && event.message.id > lastId + 1;
      if (filling === undefined && !gap) {
        deliver(event);
        return;
      }
      queued.push(event);
      filling ??= fillGapThen();
    };
    subscription = sessions.subscribe(sessionId, live);
    if (!writer.isOpen) subscription.unsubscribe();

    try {
      // Across processes the subscription takes effect later: history is read only after it, so
      // nothing published in between is missed (ids de-duplicate what both deliver).
      await subscription.ready;
      let latestTaskEnded = false;
      if (resumeAfter !== undefined || query.include_history) {
        for (const message of await sessions.history(sessionId, lastId, includeInternal)) {
          if (!acceptMessage(message)) continue;
          emit({ kind: 'message', message });
          if (ENDS_TASK.has(message.type)) latestTaskEnded = true;
          else if (message.type === 'USER') latestTaskEnded = false;
        }
      }
      const status = await sessions.status(request.apiKeyId, sessionId);
      replaying = false;
      for (const event of pending.splice(0)) live(event);
      if (latestTaskEnded && (status === 'finished' || status === 'error')) writer.close();
    } catch (error) {
      // The session vanished (deleted) between the checks: end the stream quietly.
      request.log.debug({ err: error, sessionId }, 'SSE stream ended during replay');
      writer.close();
    }
  });
}
