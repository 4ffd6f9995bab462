import type { ServerResponse } from 'node:http';
import type { SseEvent } from '@steward/protocol';
import { encodeSseFrame } from './serializers.ts';

export interface SseWriterOptions {
  /** Bytes the client may fall behind before it is dropped. */
  maxBufferBytes: number;
  heartbeatMs: number;
  /** Whether heartbeats are sent as `heartbeat` events (else as comments, to keep proxies open). */
  heartbeatEvents: boolean;
  onClose: (reason: 'client' | 'server' | 'slow') => void;
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

  constructor(
    private readonly res: ServerResponse,
    private readonly options: SseWriterOptions,
  ) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.on('close', () => this.finish('client'));
    this.heartbeat = setInterval(() => this.sendHeartbeat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(event: SseEvent): void {
    this.write(encodeSseFrame(event));
  }

  /** A frame already encoded by `encodeSseFrame` (shared by every subscriber of an event). */
  sendFrame(frame: string): void {
    this.write(frame);
  }

  /** Ends the stream normally. */
  close(): void {
    if (this.closed) return;
    this.res.end();
    this.finish('server');
  }

  private sendHeartbeat(): void {
    if (this.options.heartbeatEvents) this.send({ event: 'heartbeat', data: { timestamp: new Date().toISOString() } });
    else this.write(': keep-alive\n\n');
  }

  private write(chunk: string): void {
    if (this.closed) return;
    // The backlog is judged before writing, so one event larger than the bound still goes to a
    // client that keeps up; a client still holding more than the bound unsent is dropped.
    if (this.res.writableLength > this.options.maxBufferBytes) {
      this.res.destroy();
      this.finish('slow');
      return;
    }
    this.res.write(chunk);
  }

  private finish(reason: 'client' | 'server' | 'slow'): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.options.onClose(reason);
  }
}
