import { AppError, ERROR_CATALOG, type ErrorCode } from '../errors/index.ts';
import type { CommandErrorCodec } from '../bus/command-bus.ts';
import type { SessionEvent } from '../sessions/index.ts';

/**
 * What crosses Redis between nodes, as JSON: session events (their dates revived) and the
 * catalog errors of commands, so that a worker's 409 reaches the client as the same 409.
 */
export const sessionEventCodec = {
  encode(event: SessionEvent): string {
    return JSON.stringify(event);
  },
  decode(text: string): SessionEvent {
    const event = JSON.parse(text) as SessionEvent;
    if (event.kind === 'message') return { kind: 'message', message: { ...event.message, timestamp: new Date(event.message.timestamp) } };
    if (event.kind === 'paused' || event.kind === 'resumed') return { kind: event.kind, at: new Date(event.at) };
    return event;
  },
};

/** A screencast frame of a live view on its way from the worker to the API node that streams it. */
export type LiveFrameEvent = { kind: 'frame'; jpeg: string; width: number; height: number } | { kind: 'end' };

export const liveFrameCodec = {
  encode: (event: LiveFrameEvent): string => JSON.stringify(event),
  decode: (text: string): LiveFrameEvent => JSON.parse(text) as LiveFrameEvent,
};

/**
 * A command's error: a catalog error keeps its code, message and Retry-After; anything else is
 * an internal error whose message stays on the worker (it is logged there).
 */
export const appErrorCodec: CommandErrorCodec = {
  encode(error) {
    if (error instanceof AppError) return { code: error.code, detail: error.message, retryAfter: error.retryAfter ?? null };
    return { code: 'internal_error' };
  },
  decode(data) {
    const { code, detail, retryAfter } = (data ?? {}) as { code?: unknown; detail?: unknown; retryAfter?: unknown };
    const known = typeof code === 'string' && code in ERROR_CATALOG ? (code as ErrorCode) : 'internal_error';
    return new AppError(known, {
      ...(typeof detail === 'string' ? { detail } : {}),
      ...(typeof retryAfter === 'number' ? { retryAfter } : {}),
    });
  },
};

/** Buffers travel as base64 inside the JSON of a command. */
export const toBase64 = (bytes: Buffer): string => bytes.toString('base64');
export const fromBase64 = (text: string): Buffer => Buffer.from(text, 'base64');
