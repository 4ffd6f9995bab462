import type { Page } from 'playwright-core';
import type { ActionResult, BrowserAction } from '../port.ts';
import { failure } from './action-results.ts';
import type { ActionHost } from './action-host.ts';
import { waitForVisible, type VisibleTarget } from './wait-for-text.ts';

export const WAIT_FOR_DEFAULT_MS = 5_000;
export const WAIT_FOR_MAX_MS = 10_000;
const WAIT_FOR_MIN_MS = 100;

type WaitFor = Extract<BrowserAction, { kind: 'wait_for' }>;

/** What one wait_for waits for, and how the result names it. */
interface Wait {
  /** Resolves true when it happened, false when the time ran out. */
  run(page: Page, timeoutMs: number): Promise<boolean>;
  seen(url: string): string;
  missed(url: string, timeoutMs: number): string;
}

const isTimeout = (error: unknown): boolean => error instanceof Error && error.name === 'TimeoutError';

/** The one wait an action asks for; a readable refusal when it names more than one. */
function chooseWait(action: WaitFor): Wait | string {
  const text = action.text?.trim() || undefined;
  const role = action.role?.trim() || undefined;
  const name = action.name?.trim() || undefined;
  const urlContains = action.urlContains?.trim() || undefined;
  const asked = [text, role ?? name, urlContains, action.navigation === true ? true : undefined].filter((x) => x !== undefined);
  if (asked.length > 1) return 'wait_for waits for one thing: give text, an element (role and/or name), url_contains or navigation, not several';

  if (text !== undefined) return visibleWait({ text }, `'${text}'`);
  if (role !== undefined || name !== undefined) {
    const label = [role, name === undefined ? undefined : `'${name}'`].filter(Boolean).join(' ');
    return visibleWait({ role, name }, `an element ${label}`);
  }
  if (urlContains !== undefined) {
    return {
      run: async (page, timeoutMs) => {
        try {
          await page.waitForURL((url) => url.href.includes(urlContains), { timeout: timeoutMs, waitUntil: 'domcontentloaded' });
          return true;
        } catch (error) {
          if (isTimeout(error)) return false;
          throw error;
        }
      },
      seen: (url) => `The address now contains '${urlContains}': ${url}`,
      missed: (url, ms) => `The address did not come to contain '${urlContains}' within ${ms} ms; it is ${url}`,
    };
  }
  if (action.navigation === true) {
    return {
      run: async (page, timeoutMs) => {
        const deadline = Date.now() + timeoutMs;
        try {
          const main = page.mainFrame();
          await page.waitForEvent('framenavigated', { predicate: (frame) => frame === main, timeout: timeoutMs });
          await page.waitForLoadState('domcontentloaded', { timeout: Math.max(1, deadline - Date.now()) });
          return true;
        } catch (error) {
          if (isTimeout(error)) return false;
          throw error;
        }
      },
      seen: (url) => `The tab navigated to ${url}`,
      missed: (url, ms) => `No navigation within ${ms} ms; still on ${url}`,
    };
  }
  return {
    run: async (page, timeoutMs) => {
      try {
        await page.waitForLoadState('load', { timeout: timeoutMs });
        return true;
      } catch (error) {
        if (isTimeout(error)) return false;
        throw error;
      }
    },
    seen: (url) => `The page has loaded: ${url}`,
    missed: (url, ms) => `The page did not finish loading within ${ms} ms: ${url}`,
  };
}

function visibleWait(target: VisibleTarget, label: string): Wait {
  return {
    run: (page, timeoutMs) => waitForVisible(page, target, timeoutMs),
    seen: (url) => `${label} is visible on ${url}`,
    missed: (url, ms) => `${label} not seen within ${ms} ms on ${url}`,
  };
}

/**
 * Waits on the active page for a text or an element to be visible (across navigations, in its
 * frames and open shadow roots), for the address to contain a string, for a navigation, or
 * without any of those for the page to finish loading (including a navigation that starts
 * meanwhile).
 */
export async function waitForAction(host: ActionHost, action: WaitFor, signal: AbortSignal | undefined): Promise<ActionResult> {
  const wait = chooseWait(action);
  if (typeof wait === 'string') return failure(wait, false);
  const timeoutMs = Math.round(Math.min(Math.max(action.timeoutMs ?? WAIT_FOR_DEFAULT_MS, WAIT_FOR_MIN_MS), WAIT_FOR_MAX_MS));
  const page = await host.activePage();
  let seen = false;
  const outcome = await host.watch(
    async () => {
      seen = await wait.run(page, timeoutMs);
    },
    signal,
    false,
    false,
  );
  const url = (await host.activePage()).url();
  return seen
    ? { ok: true, message: `${wait.seen(url)}${outcome.note}`, pageChanged: outcome.pageChanged }
    : failure(`${wait.missed(url, timeoutMs)}${outcome.note}`, outcome.pageChanged);
}
