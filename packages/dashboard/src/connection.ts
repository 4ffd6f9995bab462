import { AuthenticationError, PermissionError, Steward } from '@steward/client';

// The key lives in this tab's session storage: never in a URL, never in a cookie the server
// sets, and gone when the tab closes.
const STORAGE_KEY = 'steward.apiKey';

export function storedKey(): string | undefined {
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

export function rememberKey(apiKey: string): void {
  sessionStorage.setItem(STORAGE_KEY, apiKey);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** A client of the server that served this page. */
export function clientFor(apiKey: string): Steward {
  return new Steward({ apiKey, baseUrl: location.origin, timeout: 30_000, maxRetries: 2 });
}

const AUTH_LOST = 'steward:auth-lost';

/**
 * True when `error` says the key is no longer accepted (unknown or revoked); the app is told and
 * goes back to sign-in. Pages call it from the catch of their polls and streams.
 */
export function reportAuthFailure(error: unknown): boolean {
  if (!(error instanceof AuthenticationError || error instanceof PermissionError)) return false;
  dispatchEvent(new Event(AUTH_LOST));
  return true;
}

export function onAuthLost(listener: () => void): () => void {
  addEventListener(AUTH_LOST, listener);
  return () => removeEventListener(AUTH_LOST, listener);
}
