import type { LiveInputRequest, SuccessResponse } from '@steward/protocol';
import type { APIPromise } from '../core/api-promise.ts';
import type { HttpCore, RequestOptions } from '../core/http.ts';
import { mjpegFrames } from '../streaming/mjpeg-frames.ts';
import { sessionPath } from './sessions.ts';

/** A person's input to the live view: a click, a move, the wheel, typed text or a key. */
export type LiveInput = LiveInputRequest;

/** Opens the live view with the owner's key, or with the capability token of `vnc_url`. */
export interface LiveViewOptions extends RequestOptions {
  token?: string | undefined;
}

/**
 * Steward extension (spec §6.4): a session's screen as JPEG frames, and input sent back to it.
 * The stream shows the page as it changes; a still page sends no frames.
 */
export class LiveView {
  constructor(private readonly http: HttpCore) {}

  /** The frames as they come; ends when the session closes. Abort with `signal`. */
  async *frames(sessionId: string, options: LiveViewOptions = {}): AsyncGenerator<Uint8Array> {
    const response = await this.http.raw({ method: 'GET', path: sessionPath(sessionId, '/live/stream'), accept: 'multipart/x-mixed-replace', ...capability(options) }, options);
    if (response.body === null) return;
    yield* mjpegFrames(response.body);
  }

  /** Not repeated once it may have arrived: a second click would be a second click. */
  input(sessionId: string, input: LiveInput, options: LiveViewOptions = {}): APIPromise<SuccessResponse> {
    return this.http.json({ method: 'POST', path: sessionPath(sessionId, '/live/input'), json: input, ...capability(options) }, options);
  }
}

/** With a token, the request carries it instead of the key (the key may not be the owner's). */
function capability(options: LiveViewOptions): { query?: Record<string, string>; anonymous?: boolean } {
  return options.token === undefined ? {} : { query: { token: options.token }, anonymous: true };
}
