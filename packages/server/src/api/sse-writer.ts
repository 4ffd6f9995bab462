import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { SseEvent } from '@steward/protocol';
import { encodeSseFrame } from './serializers.ts';

export interface SseWriterOptions {
  /** Bytes the client may fall behind before it is dropped. */
  maxBufferBytes: number;
  heartbeatMs: number;
  /** Whether heartbeats are sent as `heartbeat` events (else as comments, to keep proxies open). */
  heartbeatEvents: boolean;
  onClose: (reason: 'client' | 'server' | 'slow') => void;
  /** More header lines for the response head, each ending in CRLF (the rate-limit fields). */
  headerLines?: string | undefined;
}

/**
 * The one SSE writer: `id:` (message id), `event:`, single-line JSON `data:`. Writes never wait
 * for the client: a client that still has more than the bound unsent when the next event comes
 * is disconnected, so a stalled reader can slow neither the agent nor other readers, and the
 * memory it can pin is bounded by the bound plus one event.
 */
export class SseWriter {
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly socket: Socket;

  /**
   * The stream owns its connection until it ends, so it writes the response itself: headers
   * once, then each event as one plain socket write, delimited by closing the connection rather
   * than chunked framing. Fan-out to hundreds of subscribers is mostly these writes.
   */
  constructor(res: ServerResponse, private readonly options: SseWriterOptions) {
    const socket = res.socket;
    if (!socket) throw new Error('SSE response has no socket');
    this.socket = socket;
    socket.setNoDelay(true);
    socket.write(
      'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache, no-transform\r\n' +
        `Date: ${new Date().toUTCString()}\r\nConnection: close\r\nX-Accel-Buffering: no\r\n${options.headerLines ?? ''}\r\n`,
    );
    socket.on('close', () => this.finish('client'));
    this.heartbeat = setInterval(() => this.sendHeartbeat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(event: SseEvent): void {
    this.write(encodeSseFrame(event));
  }

  /** A frame already encoded by `sseFrame` (the same bytes for every subscriber of an event). */
  sendFrame(frame: Buffer): void {
    this.write(frame);
  }

  /** Ends the stream normally. */
  close(): void {
    if (this.closed) return;
    this.socket.end();
    this.finish('server');
  }

  private sendHeartbeat(): void {
    if (this.options.heartbeatEvents) this.send({ event: 'heartbeat', data: { timestamp: new Date().toISOString() } });
    else this.write(': keep-alive\n\n');
  }

  private write(chunk: string | Buffer): void {
    if (this.closed) return;
    // The backlog is judged before writing, so one event larger than the bound still goes to a
    // client that keeps up; a client still holding more than the bound unsent is dropped.
    if (this.socket.writableLength > this.options.maxBufferBytes) {
      this.socket.destroy();
      this.finish('slow');
      return;
    }
    this.socket.write(chunk);
  }

  private finish(reason: 'client' | 'server' | 'slow'): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.options.onClose(reason);
  }
}
