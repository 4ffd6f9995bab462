import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
}

/** Decides the answer to the `index`-th request (0-based); a promise that never settles hangs it. */
export type Responder = (request: ReceivedRequest, index: number) => Reply | Promise<Reply>;

/** A webhook receiver on 127.0.0.1 that records requests and counts TCP connections. */
export class LoopbackReceiver {
  readonly requests: ReceivedRequest[] = [];
  connections = 0;
  /** Requests whose client went away before an answer (aborted attempts). */
  abandoned = 0;
  readonly #server: Server;
  readonly #waiters: { count: number; resolve: () => void }[] = [];

  private constructor(responder: Responder) {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: ReceivedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        const index = this.requests.length;
        this.requests.push(request);
        this.#notify();
        res.on('close', () => {
          if (!res.writableFinished) this.abandoned++;
        });
        void Promise.resolve(responder(request, index)).then((reply) => {
          if (res.destroyed) return;
          res.writeHead(reply.status, reply.headers ?? {});
          res.end('ok');
        });
      });
    });
    this.#server.on('connection', () => {
      this.connections++;
    });
  }

  static async start(responder: Responder = () => ({ status: 200 }), port = 0): Promise<LoopbackReceiver> {
    const receiver = new LoopbackReceiver(responder);
    await new Promise<void>((resolve, reject) => {
      receiver.#server.once('error', reject);
      receiver.#server.listen(port, '127.0.0.1', () => resolve());
    });
    return receiver;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  bodies(): Record<string, unknown>[] {
    return this.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
  }

  /** Resolves once `count` requests have arrived; rejects after `timeoutMs` to bound a hang. */
  waitForRequests(count: number, timeoutMs = 5_000): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${count} requests, got ${this.requests.length}`)), timeoutMs);
      this.#waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #notify(): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i];
      if (waiter !== undefined && this.requests.length >= waiter.count) {
        this.#waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

/** A loopback port that was bound and closed again, so connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
