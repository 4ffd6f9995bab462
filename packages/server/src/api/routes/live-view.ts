import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LiveInputRequest, LiveTokenQuery, type SuccessResponse } from '@steward/protocol';
import type { ApiDeps, SessionParams } from '../api-deps.ts';
import { rateLimitHeaderLines } from '../rate-limiter.ts';
import { parseInput } from '../validate.ts';

/** Frames a viewer may fall behind by before frames are skipped for it (video drops, never queues). */
const MAX_FRAME_BACKLOG_BYTES = 512 * 1024;
const BOUNDARY = 'steward-frame';

/** Live view (spec §6.4, §9.13): its MJPEG stream and input; `vnc_url` itself is a dashboard page. */
export function liveViewRoute(app: FastifyInstance, deps: ApiDeps): void {
  const { sessions } = deps;
  const authorize = (request: FastifyRequest<{ Params: SessionParams }>) => {
    const query = parseInput(LiveTokenQuery, request.query, 'query');
    return sessions.authorizeLive({ apiKeyId: request.apiKeyId || undefined, token: query.token }, request.params.session_id);
  };

  // The first vnc_urls pointed here; they keep working (tokens survive restarts) and now land on
  // the session's dashboard page, which shows the same live view with the rest beside it.
  app.get<{ Params: SessionParams }>('/v1/sessions/:session_id/live', { config: { liveToken: true } }, async (request, reply) => {
    const record = await authorize(request);
    const url = sessions.liveUrl(record);
    const page = url === undefined ? `/sessions/${encodeURIComponent(record.id)}` : new URL(url).pathname + new URL(url).search;
    return reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer').redirect(page, 302);
  });

  app.get<{ Params: SessionParams }>('/v1/sessions/:session_id/live/stream', { config: { liveToken: true } }, async (request, reply) => {
    const record = await authorize(request);
    reply.hijack();
    const socket = reply.raw.socket;
    if (!socket) return;
    socket.setNoDelay(true);
    socket.write(
      `HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=${BOUNDARY}\r\nCache-Control: no-store\r\n` +
        `Date: ${new Date().toUTCString()}\r\nConnection: close\r\n${rateLimitHeaderLines(reply)}\r\n--${BOUNDARY}\r\n`,
    );
    let ended = false;
    let stream: { stop(): Promise<void> } | undefined;
    const end = (): void => {
      if (ended) return;
      ended = true;
      void stream?.stop();
      socket.end();
    };
    socket.on('close', end);
    try {
      stream = await sessions.liveStream(
        record,
        (frame) => {
          if (ended || socket.writableLength > MAX_FRAME_BACKLOG_BYTES) return;
          // Each part ends with the next boundary at once: browsers show a part only when it is
          // closed, and a still page sends no next frame to close it.
          socket.write(`Content-Type: image/jpeg\r\nContent-Length: ${frame.jpeg.length}\r\n\r\n`);
          socket.write(frame.jpeg);
          socket.write(`\r\n--${BOUNDARY}\r\n`);
        },
        end,
      );
      if (ended) void stream.stop();
    } catch (error) {
      request.log.warn({ err: error, sessionId: record.id }, 'live stream could not start');
      end();
    }
  });

  app.post<{ Params: SessionParams }>('/v1/sessions/:session_id/live/input', { config: { liveToken: true } }, async (request): Promise<SuccessResponse> => {
    const record = await authorize(request);
    await sessions.liveInput(record, parseInput(LiveInputRequest, request.body, 'body'));
    return { success: true, message: 'Input sent' };
  });
}

