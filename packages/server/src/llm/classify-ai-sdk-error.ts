import {
  APICallError,
  EmptyResponseBodyError,
  InvalidResponseDataError,
  JSONParseError,
  NoContentGeneratedError,
  RetryError,
  TypeValidationError,
} from 'ai';
import { errorMessage } from '../util/abort.ts';
import type { AttemptFailure } from './call-with-retries.ts';
import { MalformedToolCallError } from './malformed-tool-call-error.ts';

const MAX_DETAIL = 200;

/**
 * Which AI SDK failures another attempt could fix: rate limits, request timeouts, conflicts, 5xx,
 * connection failures, garbled responses and malformed tool arguments. Everything else (bad key,
 * bad request, unknown model) fails at once, since repeating it only burns the deadline.
 */
export function classifyAiSdkError(error: unknown): AttemptFailure {
  if (RetryError.isInstance(error)) return classifyAiSdkError(error.lastError);
  if (error instanceof MalformedToolCallError) return { retryable: true, reason: error.message };
  if (APICallError.isInstance(error)) return classifyApiCallError(error);
  if (
    InvalidResponseDataError.isInstance(error) ||
    JSONParseError.isInstance(error) ||
    TypeValidationError.isInstance(error) ||
    EmptyResponseBodyError.isInstance(error) ||
    NoContentGeneratedError.isInstance(error)
  ) {
    return { retryable: true, reason: `invalid response (${detail(errorMessage(error))})` };
  }
  return { retryable: false, reason: detail(errorMessage(error)) };
}

function classifyApiCallError(error: APICallError): AttemptFailure {
  const status = error.statusCode;
  const message = detail(error.message);
  if (status === undefined) {
    return { retryable: error.isRetryable, reason: `request to ${error.url} failed (${message})` };
  }
  const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
  const failure: AttemptFailure = { retryable, reason: `${status} ${statusName(status)} (${message})` };
  const retryAfterMs = retryAfter(error.responseHeaders);
  if (retryable && retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
  return failure;
}

function statusName(status: number): string {
  if (status === 429) return 'rate limited';
  if (status === 408) return 'request timeout';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not found';
  if (status >= 500) return 'server error';
  return 'client error';
}

function retryAfter(headers: Record<string, string> | undefined): number | undefined {
  if (headers === undefined) return undefined;
  const ms = Number.parseFloat(headers['retry-after-ms'] ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function detail(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_DETAIL ? `${oneLine.slice(0, MAX_DETAIL)}…` : oneLine;
}
