import { errorMessage } from '../../util/abort.ts';

const CLOSED_PATTERNS = [/Target page, context or browser has been closed/i, /Target closed/i, /Browser has been closed/i, /Browser closed/i];

/** True when Playwright failed because the page, context or browser is gone. */
export function isTargetClosedError(error: unknown): boolean {
  const message = errorMessage(error);
  return CLOSED_PATTERNS.some((pattern) => pattern.test(message));
}

/**
 * One line the model can read, from a Playwright error: the first line without the
 * `locator.click:` prefix, plus the last call-log entry when it says why an action timed out
 * ("element is not visible", "<div> intercepts pointer events"). Never a stack.
 */
export function readableError(error: unknown, maxLength = 300): string {
  const lines = errorMessage(error)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const first = (lines[0] ?? 'Unknown browser error').replace(/^[a-zA-Z]+\.[a-zA-Z]+: /, '');
  let message = first;
  if (/Timeout \d+ms exceeded/.test(first)) {
    const reason = [...lines]
      .reverse()
      .find((line) => line.startsWith('- ') && !/^- (waiting for|retrying|attempting|\d+ × )/.test(line));
    if (reason !== undefined) message = `${first} (${reason.slice(2)})`;
  }
  return message.length > maxLength ? `${message.slice(0, maxLength - 1)}…` : message;
}
