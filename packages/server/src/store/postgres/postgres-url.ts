import { StoreUnavailableError } from '../store-error.ts';

const SCHEMES = new Set(['postgres:', 'postgresql:']);
const EXPECTED = 'expected postgres://user:password@host:5432/database';
/** Query parameters that may carry a credential (`?password=`, `sslpassword=`, `sslkey=`, ...). */
const SECRET_PARAMETER = /pass|secret|key|token/i;

/**
 * The URL as it may appear in a message or a log line: the password and credential-like query
 * parameters replaced by `***`. Text that does not parse as a URL may be all password, so none of
 * it is shown.
 */
export function redactDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(a text that is not a URL)';
  }
  if (parsed.password !== '') parsed.password = '***';
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMETER.test(name)) parsed.searchParams.set(name, '***');
  }
  return parsed.toString();
}

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
