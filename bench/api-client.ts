import { Agent, request } from 'node:http';
import { BenchError } from './bench-error.ts';

export interface ApiResponse {
  status: number;
  body: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Minimal JSON client for the Sessions API over keep-alive node:http sockets. */
export class ApiClient {
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

  /** A request that must answer 200 with JSON. */
  async json<T>(method: string, path: string, options: { body?: unknown; signal?: AbortSignal | undefined; timeoutMs?: number } = {}): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status !== 200) throw new BenchError(`${method} ${path} answered ${response.status}: ${response.body.slice(0, 300)}`);
    return JSON.parse(response.body) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}
