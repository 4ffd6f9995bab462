import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { EgressBlockedEvent } from '../../src/browser/egress-proxy/egress-proxy.ts';

/** An HTTP server on a loopback address that counts every TCP connection it accepts. */
export interface CountingServer {
  host: string;
  port: number;
  origin: string;
  readonly connections: number;
  close(): Promise<void>;
}

export async function startCountingServer(
  host: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('<title>forbidden</title>reached'),
  port = 0,
): Promise<CountingServer> {
  const server: Server = createServer(handler);
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Upgrades (WebSocket) are counted as connections above; answer nothing and close.
  server.on('upgrade', (_req, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    host,
    port: address.port,
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Collects refusals and lets a test wait for one (bounded, so a missing refusal fails, not hangs). */
export class BlockedEvents {
  readonly events: EgressBlockedEvent[] = [];
  readonly #waiters: { match: (e: EgressBlockedEvent) => boolean; resolve: (e: EgressBlockedEvent) => void }[] = [];

  readonly record = (event: EgressBlockedEvent): void => {
    this.events.push(event);
    for (const waiter of [...this.#waiters]) {
      if (waiter.match(event)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  };

  waitFor(match: (e: EgressBlockedEvent) => boolean, timeoutMs = 15_000): Promise<EgressBlockedEvent> {
    const found = this.events.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching refusal; saw ${JSON.stringify(this.events.map((e) => e.url))}`)),
        timeoutMs,
      );
      this.#waiters.push({
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  }
}

/** A stub resolver from made-up names to loopback addresses only; unknown names fail. */
export function stubResolver(table: Record<string, string[] | (() => string[])>): {
  resolve: (host: string) => Promise<string[]>;
  calls: string[];
} {
  const calls: string[] = [];
  return {
    calls,
    resolve: async (host: string) => {
      calls.push(host);
      const entry = table[host];
      if (entry === undefined) throw new Error(`ENOTFOUND ${host}`);
      const answers = typeof entry === 'function' ? entry() : entry;
      for (const answer of answers) {
        if (!answer.startsWith('127.') && answer !== '::1') throw new Error(`test resolver must answer loopback only, not ${answer}`);
      }
      return answers;
    },
  };
}
