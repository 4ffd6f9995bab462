import { Steward } from '@steward/client';

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
