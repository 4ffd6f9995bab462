import type { ActionResult } from '../port.ts';
import { failure } from './action-results.ts';
import type { ActionHost } from './action-host.ts';
import { waitForVisibleText } from './wait-for-text.ts';

export const WAIT_FOR_DEFAULT_MS = 5_000;
export const WAIT_FOR_MAX_MS = 10_000;
const WAIT_FOR_MIN_MS = 100;

/**
 * Waits until `text` is visible on the active page (across navigations, in its frames and open
 * shadow roots), or without a text until the page has finished loading, including a navigation
 * that starts meanwhile.
 */
export async function waitForAction(
  host: ActionHost,
  text: string | undefined,
  requestedMs: number | undefined,
  signal: AbortSignal | undefined,
): Promise<ActionResult> {
  const timeoutMs = Math.round(Math.min(Math.max(requestedMs ?? WAIT_FOR_DEFAULT_MS, WAIT_FOR_MIN_MS), WAIT_FOR_MAX_MS));
  const page = await host.activePage();
  const wanted = text?.trim() ?? '';
  let seen = false;
  const outcome = await host.watch(async () => {
    if (wanted !== '') {
      seen = await waitForVisibleText(page, wanted, timeoutMs);
      return;
    }
    try {
      await page.waitForLoadState('load', { timeout: timeoutMs });
      seen = true;
    } catch (error) {
      if (!(error instanceof Error && error.name === 'TimeoutError')) throw error;
    }
  }, signal);
  const url = (await host.activePage()).url();
  if (wanted === '') {
    return seen
      ? { ok: true, message: `The page has loaded: ${url}${outcome.note}`, pageChanged: outcome.pageChanged }
      : failure(`The page did not finish loading within ${timeoutMs} ms: ${url}${outcome.note}`, outcome.pageChanged);
  }
  return seen
    ? { ok: true, message: `'${wanted}' is visible on ${url}${outcome.note}`, pageChanged: outcome.pageChanged }
    : failure(`'${wanted}' not seen within ${timeoutMs} ms on ${url}${outcome.note}`, outcome.pageChanged);
}
