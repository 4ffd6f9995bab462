import { request, type ClientRequest } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { BenchError } from './bench-error.ts';
import { epochMs } from './stats.ts';

export interface SseSubscriberOptions {
  url: URL;
  authorization: string;
  signal: AbortSignal;
}

/**
 * One raw SSE connection (an instrument, not a client: the SDK's streamEvents parses each event
 * as it arrives, and 200 of them in one process would time this harness's parsing) that times `thought` events whose text is {"t": epoch ms}: the receive
 * time is taken when the chunk arrives and parsing is deferred, so the parse cost of the other
 * clients in this process does not count against the server.
 */
export class SseSubscriber {
  readonly latencies: number[] = [];
  /** Agent step of each latency sample, same order. */
  readonly steps: number[] = [];
  thoughts = 0;
  sawDone = false;
  /** Resolves once the response headers arrived (the server has subscribed by then). */
  readonly connected: Promise<void>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  private readonly req: ClientRequest;
  private chunkTime = 0;

  constructor(options: SseSubscriberOptions) {
    const parser = createParser({ onEvent: (event) => this.onEvent(event) });
    const connected = deferred();
    const ended = deferred();
    this.connected = connected.promise;
    this.ended = ended.promise;
    const failed = (error: Error): void => {
      connected.reject(error);
      ended.reject(error);
    };
    const markConnected = connected.resolve;
    const markEnded = ended.resolve;
    // Both promises are awaited later; keep an early failure from being reported as unhandled.
    this.connected.catch(() => undefined);
    this.ended.catch(() => undefined);
    this.req = request(
      options.url,
      { method: 'GET', headers: { authorization: options.authorization, accept: 'text/event-stream' }, agent: false, signal: options.signal },
      (res) => {
        if (res.statusCode !== 200) {
          failed(new BenchError(`SSE connect answered ${res.statusCode}`));
          res.resume();
          return;
        }
        markConnected();
        res.setEncoding('utf8');
        // Only the arrival time is taken in the callback; parsing waits for setImmediate, so the
        // 200 callbacks of one event do not queue behind each other's parsing and the figure
        // is the server's (and the kernel's) latency, not this harness's.
        const pending: Array<[number, string]> = [];
        let scheduled = false;
        res.on('data', (chunk: string) => {
          pending.push([epochMs(), chunk]);
          if (scheduled) return;
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            for (const [time, text] of pending.splice(0)) {
              this.chunkTime = time;
              parser.feed(text);
            }
          });
        });
        res.on('end', () => markEnded());
        res.on('error', (error) => failed(error));
      },
    );
    this.req.on('error', (error) => failed(error));
    this.req.end();
  }

  close(): void {
    this.req.destroy();
  }

  private onEvent(event: EventSourceMessage): void {
    if (event.event === 'done') this.sawDone = true;
    if (event.event !== 'thought') return;
    const { text } = JSON.parse(event.data) as { text: string };
    const { t, step } = JSON.parse(text) as { t: number; step: number };
    this.thoughts++;
    this.latencies.push(this.chunkTime - t);
    this.steps.push(step);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
