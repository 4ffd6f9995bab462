import type { ErrorResponse, ValidationIssue } from '@steward/protocol';

/** Base of every error this SDK throws. */
export class StewardError extends Error {
  override readonly name: string = 'StewardError';
}

interface ApiErrorInit {
  status: number;
  body: unknown;
  headers: Headers;
  requestId: string;
}

/**
 * The server answered with an error status. `code` is the catalog code of docs/errors.md
 * (`session_not_found`, `already_paused`, …); `requestId` is the id this SDK sent in
 * `X-Request-Id` (or the server's own, should it answer one) to match logs with.
 */
export class APIError extends StewardError {
  override readonly name: string = 'APIError';
  readonly status: number;
  readonly code: string | undefined;
  readonly requestId: string;
  readonly headers: Headers;
  /** The parsed JSON body, or its text when it was not JSON. */
  readonly body: unknown;

  constructor(message: string, init: ApiErrorInit) {
    super(message);
    this.status = init.status;
    this.body = init.body;
    this.headers = init.headers;
    this.requestId = init.requestId;
    this.code = isErrorBody(init.body) ? init.body.error : undefined;
  }

  /** The subclass for the answer's status. */
  static from(init: ApiErrorInit): APIError {
    const message = `${init.status} ${messageOf(init.body)}`;
    switch (init.status) {
      case 400:
        return new BadRequestError(message, init);
      case 401:
        return new AuthenticationError(message, init);
      case 403:
        return new PermissionError(message, init);
      case 404:
        return new NotFoundError(message, init);
      case 409:
        return new ConflictError(message, init);
      case 422:
        return new ValidationError(message, init);
      case 429:
        return new RateLimitError(message, init);
      default:
        return init.status >= 500 ? new InternalServerError(message, init) : new APIError(message, init);
    }
  }
}

export class BadRequestError extends APIError {
  override readonly name: string = 'BadRequestError';
}
export class AuthenticationError extends APIError {
  override readonly name: string = 'AuthenticationError';
}
/** 403: a revoked key (`key_revoked`) or a URL the egress policy refuses (`url_blocked`). */
export class PermissionError extends APIError {
  override readonly name: string = 'PermissionError';
}
export class NotFoundError extends APIError {
  override readonly name: string = 'NotFoundError';
}
/** 409: the session's state refuses the command (`already_paused`, `not_running`, `session_terminated`…). */
export class ConflictError extends APIError {
  override readonly name: string = 'ConflictError';
}
export class ValidationError extends APIError {
  override readonly name: string = 'ValidationError';
  /** The FastAPI-style list of what failed (`loc`, `msg`, `type`). */
  get issues(): ValidationIssue[] {
    const detail = isErrorBody(this.body) ? this.body.detail : undefined;
    return Array.isArray(detail) ? detail : [];
  }
}
export class RateLimitError extends APIError {
  override readonly name: string = 'RateLimitError';
  /** Seconds the server asked to wait (`Retry-After`), when it said. */
  get retryAfter(): number | undefined {
    const value = Number(this.headers.get('retry-after'));
    return this.headers.has('retry-after') && Number.isFinite(value) ? value : undefined;
  }
}
export class InternalServerError extends APIError {
  override readonly name: string = 'InternalServerError';
}

/** No answer: the connection failed or dropped. `cause` is what `fetch` threw. */
export class APIConnectionError extends StewardError {
  override readonly name: string = 'APIConnectionError';
  readonly requestId: string;
  constructor(message: string, options: { cause?: unknown; requestId: string }) {
    super(message, { cause: options.cause });
    this.requestId = options.requestId;
  }
}

/** No answer within the request's `timeout`. */
export class APITimeoutError extends APIConnectionError {
  override readonly name: string = 'APITimeoutError';
}

/** The caller's `AbortSignal` fired. */
export class APIUserAbortError extends StewardError {
  override readonly name: string = 'APIUserAbortError';
  constructor(options: { cause?: unknown } = {}) {
    super('Request was aborted.', { cause: options.cause });
  }
}

/** A task ended with an ERROR (or did not end in time). `code` is the ERROR's `metadata.code`. */
export class AgentExecutionError extends StewardError {
  override readonly name: string = 'AgentExecutionError';
  readonly code: string | undefined;
  readonly sessionId: string;
  readonly messageId: number | undefined;
  readonly metadata: Record<string, unknown>;
  constructor(message: string, init: { sessionId: string; code?: string | undefined; messageId?: number | undefined; metadata?: Record<string, unknown> }) {
    super(message);
    this.sessionId = init.sessionId;
    this.code = init.code;
    this.messageId = init.messageId;
    this.metadata = init.metadata ?? {};
  }
}

/** `runTask` gave up waiting; the task itself may still be running. */
export class TaskTimeoutError extends AgentExecutionError {
  override readonly name: string = 'TaskTimeoutError';
}

function isErrorBody(body: unknown): body is ErrorResponse {
  return typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string';
}

function messageOf(body: unknown): string {
  if (isErrorBody(body)) {
    const text = typeof body.message === 'string' ? body.message : body.error;
    if (!Array.isArray(body.detail)) return text;
    return `${text} ${body.detail.map((issue) => `${issue.loc.join('.')}: ${issue.msg}`).join('; ')}`;
  }
  if (typeof body === 'string' && body !== '') return body.slice(0, 500);
  return 'status code (no body)';
}
