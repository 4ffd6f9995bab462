import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A loopback HTTP proxy in front of the real server that injects the failures a client meets:
 * error answers the server never gave, connections dropped before or after the server acted,
 * answers that never come, and event streams cut in the middle. Each fault applies to the next
 * request it matches, once; everything else passes through untouched.
 */
export type Fault =
  | { kind: 'status'; status: number; error: string; retryAfter?: string }
  /** Closes the connection without forwarding: the server never sees the request. */
  | { kind: 'drop-before' }
  /** Forwards, lets the server answer, then closes the connection instead of passing the answer on. */
  | { kind: 'drop-after' }
  /** Holds the request without forwarding or answering (until the client gives up). */
  | { kind: 'hang' }
  /** Forwards a stream and cuts the connection once `events` frames with an `id:` went through. */
  | { kind: 'cut-stream'; events: number };

export interface SeenRequest {
  method: string;
  path: string;
  requestId: string | undefined;
  lastEventId: string | undefined;
  /** What the proxy did: the fault's kind, or `pass`. */
  outcome: Fault['kind'] | 'pass';
}

export interface FaultProxy {
  url: string;
  seen: SeenRequest[];
  /** Queues `fault` for the next request whose method and path (without query) match. */
  inject(method: string, path: RegExp, fault: Fault): void;
  /** Faults still waiting for their request. */
  pending(): number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const rules: { method: string; path: RegExp; fault: Fault }[] = [];
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();

  const take = (req: IncomingMessage): Fault | undefined => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const at = rules.findIndex((rule) => rule.method === req.method && rule.path.test(path));
    return at < 0 ? undefined : rules.splice(at, 1)[0]?.fault;
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const fault = take(req);
    seen.push({
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0] ?? '',
      requestId: header(req, 'x-request-id'),
      lastEventId: header(req, 'last-event-id'),
      outcome: fault?.kind ?? 'pass',
    });
    if (fault?.kind === 'status') {
      req.resume();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
      res.writeHead(fault.status, headers).end(JSON.stringify({ detail: 'injected', error: fault.error, message: `injected ${fault.error}` }));
      return;
    }
    if (fault?.kind === 'drop-before') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') {
      req.resume();
      return;
    }
    const forwarded = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (fault?.kind === 'drop-after') {
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (fault?.kind !== 'cut-stream') {
          answer.pipe(res);
          return;
        }
        let frames = 0;
        answer.on('data', (chunk: Buffer) => {
          res.write(chunk);
          frames += (chunk.toString('utf8').match(/^id: /gm) ?? []).length;
          if (frames >= fault.events) {
            answer.destroy();
            res.socket?.destroy();
          }
        });
        answer.on('end', () => res.end());
      },
    );
    forwarded.on('error', () => res.socket?.destroy());
    req.pipe(forwarded);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    inject: (method, path, fault) => rules.push({ method, path, fault }),
    pending: () => rules.length,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
