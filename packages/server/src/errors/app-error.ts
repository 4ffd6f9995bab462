import { ERROR_CATALOG, type ErrorCode } from './catalog.ts';

export interface AppErrorOptions {
  /** Client-safe detail that replaces the catalog message. */
  detail?: string;
  /** Seconds, sent as `Retry-After` for 429/503. */
  retryAfter?: number;
  cause?: unknown;
}

/** An error the API turns into the body of spec §9.1; its status comes from the catalog only. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.detail ?? ERROR_CATALOG[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.retryAfter = options.retryAfter;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
