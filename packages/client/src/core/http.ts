import { linkedController, sleep, throwIfAborted } from './abort.ts';
import { APIPromise } from './api-promise.ts';
import { newRequestId } from './env.ts';
import { APIConnectionError, APIError, APITimeoutError, APIUserAbortError, StewardError } from './errors.ts';
import { isRetryable, retryDelayMs, type Failure } from './retry-policy.ts';

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** What every call takes as its last argument. */
export interface RequestOptions {
  signal?: AbortSignal | undefined;
  /** Milliseconds for one attempt (for streams and downloads: until the answer's headers). */
  timeout?: number | undefined;
  maxRetries?: number | undefined;
  headers?: Record<string, string> | undefined;
}

export interface HttpConfig {
  apiKey: string;
  /** Without a trailing slash or `/v1`. */
  baseUrl: string;
  timeout: number;
  maxRetries: number;
  fetch: Fetch;
  defaultHeaders: Record<string, string>;
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  json?: unknown;
  /** A raw body (file upload); must be repeatable (not a stream), since a retry sends it again. */
  body?: Blob | ArrayBuffer | ArrayBufferView | string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Safe to repeat after it may have reached the server; defaults to GET and DELETE. */
  idempotent?: boolean;
  accept?: string;
  /** Sent without the API key (a capability token in the query stands for it). */
  anonymous?: boolean;
}

/**
 * The one request function: URL and headers, the per-attempt timeout, typed errors, and retries
 * with backoff under the policy of retry-policy.ts. Resources call nothing else.
 */
export class HttpCore {
  constructor(readonly config: HttpConfig) {}

  /** The answer's JSON body (and, through `withResponse()`, the response it came in). */
  json<T>(spec: RequestSpec, options: RequestOptions = {}): APIPromise<T> {
    return new APIPromise(this.send(spec, options, async (response) => ({ data: parseBody(await response.text()) as T, response }), false));
  }

  /**
   * The answer itself, for streams and downloads: the timeout stops at its headers, the caller's
   * signal still aborts the body.
   */
  async raw(spec: RequestSpec, options: RequestOptions = {}): Promise<Response> {
    return this.send(spec, options, async (response) => response, true);
  }

  private async send<R>(spec: RequestSpec, options: RequestOptions, consume: (response: Response) => Promise<R>, streaming: boolean): Promise<R> {
    const requestId = newRequestId();
    const url = this.url(spec);
    const init = this.init(spec, options, requestId);
    const maxRetries = options.maxRetries ?? this.config.maxRetries;
    const timeout = options.timeout ?? this.config.timeout;
    const idempotent = spec.idempotent ?? (spec.method === 'GET' || spec.method === 'DELETE');

    for (let retry = 0; ; retry++) {
      throwIfAborted(options.signal);
      const { controller, detach } = linkedController(options.signal);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error(`timed out after ${timeout} ms`));
      }, timeout);
      let keepLinked = false;
      let failure: Failure;
      let error: StewardError;
      try {
        const response = await this.config.fetch(url, { ...init, signal: controller.signal });
        if (response.ok) {
          if (streaming) {
            clearTimeout(timer);
            keepLinked = true;
          }
          return await consume(response);
        }
        const body = parseBody(await response.text());
        failure = { kind: 'status', status: response.status, headers: response.headers };
        error = APIError.from({ status: response.status, body, headers: response.headers, requestId: response.headers.get('x-request-id') ?? requestId });
      } catch (caught) {
        if (caught instanceof StewardError) throw caught;
        if (options.signal?.aborted) throw new APIUserAbortError({ cause: options.signal.reason });
        if (timedOut) {
          failure = { kind: 'timeout' };
          error = new APITimeoutError(`${spec.method} ${spec.path} timed out after ${timeout} ms.`, { requestId, cause: caught });
        } else {
          failure = { kind: 'network', error: caught };
          error = new APIConnectionError(`${spec.method} ${spec.path}: connection error (${describe(caught)}).`, { requestId, cause: caught });
        }
      } finally {
        clearTimeout(timer);
        if (!keepLinked) detach();
      }
      if (retry >= maxRetries || !isRetryable(failure, idempotent)) throw error;
      const delay = retryDelayMs(failure, retry + 1);
      if (delay === undefined) throw error;
      await sleep(delay, options.signal);
    }
  }

  private url(spec: RequestSpec): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {})) if (value !== undefined) params.set(key, String(value));
    const query = params.toString();
    return `${this.config.baseUrl}${spec.path}${query === '' ? '' : `?${query}`}`;
  }

  private init(spec: RequestSpec, options: RequestOptions, requestId: string): RequestInit {
    const headers: Record<string, string> = {
      accept: spec.accept ?? 'application/json',
      ...(spec.anonymous === true ? {} : { authorization: `Bearer ${this.config.apiKey}` }),
      'x-request-id': requestId,
      ...this.config.defaultHeaders,
      ...spec.headers,
      ...options.headers,
    };
    let body: RequestInit['body'];
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers['content-type'] = 'application/json';
    } else if (spec.body !== undefined) {
      body = spec.body as RequestInit['body'];
      headers['content-type'] = spec.contentType ?? 'application/octet-stream';
    }
    return { method: spec.method, headers, ...(body === undefined ? {} : { body }) };
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
