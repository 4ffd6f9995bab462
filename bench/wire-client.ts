import { Agent, request } from 'node:http';

export interface ApiResponse {
  status: number;
  body: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The wire client of the bench's instruments, over keep-alive node:http sockets: the load loop and
 * its calibration against a bare node:http server, where a client's own cost (fetch, JSON
 * parsing, retries) would be counted as the server's. Everything else, sessions and tasks
 * included, goes through the SDK (`@steward/client`).
 */
export class WireClient {
  readonly agent: Agent;

  constructor(
    readonly baseUrl: string,
    readonly apiKey: string,
    agent?: Agent,
  ) {
    this.agent = agent ?? new Agent({ keepAlive: true, maxSockets: 16 });
  }

  get authHeader(): string {
    return `Bearer ${this.apiKey}`;
  }

  /** One request; resolves with status and body text, rejects on network errors or the deadline. */
  send(method: string, path: string, options: { body?: unknown; signal?: AbortSignal | undefined; timeoutMs?: number; agent?: Agent } = {}): Promise<ApiResponse> {
    const deadline = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { authorization: this.authHeader };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise<ApiResponse>((resolve, reject) => {
      const req = request(new URL(path, this.baseUrl), { method, headers, agent: options.agent ?? this.agent, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
