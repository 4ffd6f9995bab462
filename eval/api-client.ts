/** The few Agent Sessions API calls the eval makes, over plain fetch with a timeout on each. */
export class EvalApiError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EvalApiError';
  }
}

export interface ApiMessage {
  id?: string;
  type: string;
  content: unknown;
  metadata?: Record<string, unknown> | null;
}

const REQUEST_TIMEOUT_MS = 30_000;

export class EvalApi {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await res.text();
    if (!res.ok) throw new EvalApiError(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async createSession(maxSteps: number): Promise<string> {
    return (await this.request<{ session_id: string }>('POST', '/v1/sessions', { max_steps: maxSteps })).session_id;
  }

  async sendMessage(id: string, message: string, startUrl?: string): Promise<void> {
    await this.request('POST', `/v1/sessions/${id}/message`, { message, ...(startUrl === undefined ? {} : { start_url: startUrl }) });
  }

  async status(id: string): Promise<string> {
    return (await this.request<{ status: string }>('GET', `/v1/sessions/${id}/status`)).status;
  }

  async messages(id: string, sanitize = true): Promise<ApiMessage[]> {
    return (await this.request<{ messages: ApiMessage[] }>('GET', `/v1/sessions/${id}/messages${sanitize ? '' : '?sanitize=false'}`)).messages;
  }

  async deleteSession(id: string): Promise<void> {
    await this.request('DELETE', `/v1/sessions/${id}`);
  }
}
