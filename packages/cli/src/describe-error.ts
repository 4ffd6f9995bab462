import { APIConnectionError, APIError, AuthenticationError, StewardError } from '@steward/client';
import { MissingKeyError } from './connect.ts';
import { LocalServerError } from './local-server.ts';

/** What a failed command says on stderr: the server's own words for API errors, no stack for known failures. */
export function describeError(error: unknown, serverUrl: string): string {
  if (error instanceof APIConnectionError) {
    // fetch's own error says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND) is beneath it.
    let root: unknown = error;
    while (root instanceof Error && root.cause instanceof Error) root = root.cause;
    const cause = root instanceof Error && root !== error ? `: ${root.message}` : '';
    return `Cannot reach the Steward server at ${serverUrl}${cause}. Is it running (npm start)?`;
  }
  if (error instanceof AuthenticationError) return `The server at ${serverUrl} refused the API key (${error.message}).`;
  if (error instanceof APIError) return `The server answered ${error.message}${error.code === undefined ? '' : ` (${error.code})`}.`;
  if (error instanceof StewardError || error instanceof LocalServerError || error instanceof MissingKeyError) return error.message;
  return `steward: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
