/** Query parameters that may carry a credential (`?password=`, `sslpassword=`, `sslkey=`, ...). */
const SECRET_PARAMETER = /pass|secret|key|token/i;

/**
 * A connection URL as it may appear in a message or a log line: the password and credential-like
 * query parameters replaced by `***`. Text that does not parse as a URL may be all password, so
 * none of it is shown.
 */
export function redactUrl(url: string): string {
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
