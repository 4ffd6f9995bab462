import type { Page } from 'playwright-core';

/** Longest a reading of the page (observe, read_text) waits for the page's load event. */
export const LOAD_WAIT_MS = 1_000;

/**
 * Frames and late scripts fill a page after DOMContentLoaded, where navigation stops waiting:
 * gives the load event a short, bounded chance so what is read is the page a person sees once it
 * has loaded. A page that never loads is read as it is; an aborted signal rejects.
 */
export async function awaitLoadBriefly(page: Page, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([page.waitForLoadState('load', { timeout: LOAD_WAIT_MS }).catch(() => undefined), aborted]);
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}
