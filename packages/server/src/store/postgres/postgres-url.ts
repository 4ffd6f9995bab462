import { redactUrl } from '../../util/redact-url.ts';
import { StoreUnavailableError } from '../store-error.ts';

/** The database URL as it may appear in a message or a log line (no password). */
export const redactDatabaseUrl = redactUrl;

const SCHEMES = new Set(['postgres:', 'postgresql:']);
const EXPECTED = 'expected postgres://user:password@host:5432/database';
/** Checks that `url` is a PostgreSQL connection URL before anything connects with it. */
export function checkPostgresUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // No cause: URL's TypeError carries the input, password included.
    throw new StoreUnavailableError(`The database URL is not a URL: ${EXPECTED}.`);
  }
  if (!SCHEMES.has(parsed.protocol)) {
    throw new StoreUnavailableError(`The database URL ${redactDatabaseUrl(url)} is not a PostgreSQL URL: ${EXPECTED}.`);
  }
}
