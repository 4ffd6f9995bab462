import type { Page } from 'playwright-core';
import type { ActionResult } from '../port.ts';
import { NavigationError } from '../port.ts';
import { failure, withTimeout } from './action-results.ts';
import type { ActionHost } from './action-host.ts';

/** Tab actions always change what the model looks at, so each reports `pageChanged` when it succeeds. */

export async function openTabAction(host: ActionHost, url: string, signal: AbortSignal | undefined): Promise<ActionResult> {
  try {
    const info = await host.openTab(url, signal);
    const index = host.tabs().indexOf(await host.activePage());
    return { ok: true, message: `Opened ${info.url} ('${info.title}') in a new tab (tab ${index}), which is now active`, pageChanged: true };
  } catch (error) {
    // The new tab was closed again and the previous one is still active.
    if (error instanceof NavigationError) return failure(error.message);
    throw error;
  }
}

export async function switchTabAction(host: ActionHost, index: number): Promise<ActionResult> {
  const tabs = host.tabs();
  const target = tabs[index];
  if (target === undefined) return failure(`No tab with index ${index}; ${listTabs(tabs)}`);
  if (target === (await host.activePage())) {
    return { ok: true, message: `Tab ${index} (${target.url()}) is already active`, pageChanged: false };
  }
  await host.activate(target);
  return { ok: true, message: `Switched to tab ${index}: ${target.url()} ('${await title(target, host)}')`, pageChanged: true };
}

export async function closeTabAction(host: ActionHost, requested: number | undefined): Promise<ActionResult> {
  const tabs = host.tabs();
  const active = await host.activePage();
  const index = requested ?? tabs.indexOf(active);
  const target = tabs[index];
  if (target === undefined) return failure(`No tab with index ${index}; ${listTabs(tabs)}`);
  if (tabs.length === 1) return failure(`Tab ${index} is the only open tab; it cannot be closed (navigate instead)`);
  const closedUrl = target.url();
  // beforeunload handlers are skipped: the model asked to close the tab, a page must not veto it.
  await withTimeout(target.close({ runBeforeUnload: false }), host.actionTimeoutMs, 'Closing the tab');
  if (target === active) {
    // Like a browser: the neighbour on the left (or the new first tab) takes over.
    const remaining = host.tabs();
    const next = remaining[Math.max(0, index - 1)] ?? remaining[0];
    if (next !== undefined) await host.activate(next);
  }
  const now = await host.activePage();
  const nowIndex = host.tabs().indexOf(now);
  return { ok: true, message: `Closed tab ${index} (${closedUrl}); tab ${nowIndex} (${now.url()}) is active`, pageChanged: true };
}

function listTabs(tabs: readonly Page[]): string {
  return `open tabs: ${tabs.map((tab, i) => `${i} ${tab.url()}`).join(', ')}`;
}

async function title(page: Page, host: ActionHost): Promise<string> {
  return withTimeout(page.title(), host.actionTimeoutMs, 'Reading the title').catch(() => '');
}
