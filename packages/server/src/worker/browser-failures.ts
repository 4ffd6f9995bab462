import { BrowserCapacityError, BrowserClosedError, EgressBlockedError, NavigationError, ScreenshotError } from '../browser/port.ts';
import { AppError } from '../errors/index.ts';

/**
 * What a client is told when a browser call made for it fails: the one place where browser
 * errors become catalog errors. A context closed under the call is `session_terminated` when the
 * session ended meanwhile (a DELETE raced the request), else the browser went away (a crash) and
 * the next call gets a fresh context: `browser_unavailable`, retry at once. Anything unknown
 * stays as it is (a 500 that is logged).
 */
export function browserFailure(error: unknown, sessionEnded: boolean): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof BrowserCapacityError) return new AppError('browser_unavailable', { retryAfter: 10, cause: error });
  if (error instanceof BrowserClosedError) {
    return sessionEnded
      ? new AppError('session_terminated', { cause: error })
      : new AppError('browser_unavailable', { retryAfter: 1, detail: "The session's browser closed during the request; retry.", cause: error });
  }
  if (error instanceof EgressBlockedError) return new AppError('url_blocked', { detail: `The URL is blocked by the egress policy: ${error.reason}`, cause: error });
  if (error instanceof NavigationError) return new AppError('navigation_failed', { detail: `The page could not be loaded: ${error.message}`, cause: error });
  if (error instanceof ScreenshotError) return new AppError(error.dialogOpen ? 'dialog_open' : 'screenshot_failed', { detail: error.message, cause: error });
  return error;
}
