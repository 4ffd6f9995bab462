import { z } from 'zod';

/**
 * The one error catalog: code → HTTP status → client-safe message (the body's `message`, and its
 * `detail` unless the server says more). The server's `AppError` takes its status from here;
 * `docs/errors.md` lists the same table and a test keeps the two in sync.
 */
export const ERROR_CATALOG = {
  bad_request: { status: 400, message: 'The request is malformed.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  invalid_url: { status: 400, message: 'Invalid URL format: an absolute http(s) URL is required.' },
  unauthorized: { status: 401, message: 'Missing or invalid API key.' },
  key_revoked: { status: 403, message: 'This API key has been revoked.' },
  url_blocked: { status: 403, message: 'The URL is blocked by the egress policy.' },
  not_found: { status: 404, message: 'Not found.' },
  session_not_found: { status: 404, message: 'Session not found.' },
  method_not_allowed: { status: 405, message: 'This method is not allowed on this path.' },
  request_timeout: { status: 408, message: 'The request took too long to arrive.' },
  already_paused: { status: 409, message: 'already_paused: the session is already paused.' },
  not_paused: { status: 409, message: 'not_paused: the session is not paused.' },
  not_running: { status: 409, message: 'not_running: no task is running in this session.' },
  session_terminated: { status: 409, message: 'session_terminated: the session has ended; create a new one.' },
  session_busy: { status: 409, message: 'session_busy: the session is being set up or torn down; retry shortly.' },
  dialog_open: { status: 409, message: 'dialog_open: a native dialog on the page waits for an answer; the agent or the live view must answer it first.' },
  wrong_session_kind: { status: 409, message: 'wrong_session_kind: this endpoint does not apply to this kind of session.' },
  step_in_progress: { status: 409, message: 'step_in_progress: a step of this desktop session is still being decided; send the next one after its answer.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Unsupported Content-Type: send application/json.' },
  validation_error: { status: 422, message: 'The request failed validation.' },
  rate_limited: { status: 429, message: 'Too many requests; retry later.' },
  session_limit: { status: 429, message: 'The server is at its limit of concurrent sessions; delete a session or retry later.' },
  headers_too_large: { status: 431, message: 'The request line and headers are too large.' },
  internal_error: { status: 500, message: 'Internal server error.' },
  navigation_failed: { status: 502, message: 'The page could not be loaded.' },
  screenshot_failed: { status: 502, message: 'The page could not be captured.' },
  browser_unavailable: { status: 503, message: 'No browser capacity is available right now; retry later.' },
  worker_unavailable: { status: 503, message: 'The worker that runs this session could not be reached; retry in a few seconds.' },
  shutting_down: { status: 503, message: 'The server is shutting down; retry shortly.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;
export const ERROR_CODES = Object.keys(ERROR_CATALOG) as [ErrorCode, ...ErrorCode[]];
export const ErrorCode = z.enum(ERROR_CODES);

/**
 * Why a task ended without a result: `metadata.code` of its ERROR message, with the
 * `metadata.status_code` that the SSE `error` event carries. A failed task fails no request.
 */
export const TASK_FAILURES = {
  /** The agent gave up (`done` with `success: false`, no progress, step budget). */
  failed: { status: 500 },
  /** `POST /cancel`, or the session was deleted. */
  cancelled: { status: 499 },
  /** The task's wall-time budget ran out. */
  timeout: { status: 408 },
  /** The model provider failed after retries, or the script policy threw. */
  model_error: { status: 502 },
  no_model: { status: 503 },
  /** The browser died under the task; the session gets a fresh one. */
  browser_crashed: { status: 500 },
  /** The server restarted or shut down during the task. */
  interrupted: { status: 500 },
  /** Cluster mode: the worker running the task was lost; another worker adopted the session. */
  worker_lost: { status: 500 },
  /** The session hit its idle timeout or maximum lifetime. */
  session_ended: { status: 410 },
  internal_error: { status: 500 },
  /** Intent screening refused the task; nothing was done. */
  task_refused: { status: 403 },
  /** Screening was unsure and the classifier gave no verdict: refused fail-closed. */
  screening_failed: { status: 503 },
} as const satisfies Record<string, { status: number }>;

export type TaskFailureCode = keyof typeof TASK_FAILURES;
export const TASK_FAILURE_CODES = Object.keys(TASK_FAILURES) as [TaskFailureCode, ...TaskFailureCode[]];
export const TaskFailureCode = z.enum(TASK_FAILURE_CODES);
