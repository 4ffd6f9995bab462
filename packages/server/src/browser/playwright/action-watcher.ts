import type { Page } from 'playwright-core';
import { raceSignal } from '../../util/abort.ts';
import type { WatchOutcome } from './action-host.ts';
import type { ActivityMark, PageActivity } from './page-activity.ts';
import { PendingNavigationProbe, type PendingNavigation } from './pending-navigation-probe.ts';
import { DOWNLOAD_START_GRACE_MS, type SessionDownloads } from './session-downloads.ts';
import { handledNote, openedNote, type SessionDialogs } from './session-dialogs.ts';
import type { SessionTabs } from './session-tabs.ts';

/**
 * How long after an action a navigation it triggered may take to start, where the page could not
 * be probed (`PendingNavigationProbe`): a dialog waited on the tab, or the page did not run the probe.
 */
const NAVIGATION_START_GRACE_MS = 100;
/** How long after the page asked for a navigation Chromium may take to report its request. */
const REQUESTED_NAVIGATION_START_MS = 1_000;
/** A tab opened by a link click appears only after Chromium has set up the new target. */
const POPUP_GRACE_MS = 3_000;

/**
 * What an action did besides itself: the navigation or tab it started (followed until the new
 * document is there), the downloads it caused, the dialogs it opened or that were answered
 * meanwhile. It tells a navigation that started from one that did not by the browser's own
 * events and the page's probe, not by a fixed sleep.
 */
export class ActionWatcher {
  /** Tells an action that started a navigation from one that did not, without a fixed sleep. */
  private readonly navigationProbe = new PendingNavigationProbe();

  constructor(
    private readonly tabs: SessionTabs,
    private readonly dialogs: SessionDialogs,
    private readonly downloads: SessionDownloads,
    private readonly navigationTimeoutMs: number,
  ) {}

  /** See `ActionHost.watch`. */
  async watch(run: () => Promise<unknown>, signal: AbortSignal | undefined, opensTab = false, dispatchesInput = true): Promise<WatchOutcome> {
    const page = await this.tabs.activePage();
    const activity = this.tabs.activityOf(page);
    const before = activity.mark();
    const urlBefore = page.url();
    const pagesBefore = this.tabs.openedCount;
    const dialogsBefore = this.dialogs.mark();
    const downloadsBefore = this.downloads.mark();
    const navigationStarted = (now: ActivityMark): boolean =>
      now.navigationRequests > before.navigationRequests ||
      now.mainFrameNavigations > before.mainFrameNavigations ||
      this.tabs.openedCount > pagesBefore;

    // A dialog waiting on the tab blocks its scripts, so the probe could not run there. It must be
    // in place before an input reaches the page; an action without input need not wait for it.
    const arming = !opensTab && this.dialogs.openOn(page) === undefined ? this.navigationProbe.arm(page) : Promise.resolve(false);
    if (dispatchesInput) await arming;
    // A dialog the action opens holds the action until it is answered: stop waiting for it then.
    const dialog = this.dialogs.whenOpened(page);
    try {
      await Promise.race([run(), dialog.opened]);
    } catch (error) {
      // Restores what the probe wrapped; nobody waits for its answer.
      if (await arming) void this.navigationProbe.settle(page);
      throw error;
    } finally {
      dialog.stop();
    }
    const armed = await arming;
    const started = opensTab
      ? await activity.waitFor(navigationStarted, Math.min(POPUP_GRACE_MS, this.navigationTimeoutMs), signal)
      : armed
        ? await this.startedAfterProbe(page, activity, navigationStarted, signal)
        : await activity.waitFor(navigationStarted, NAVIGATION_START_GRACE_MS, signal);
    if (started && activity.mark().navigationRequests > before.navigationRequests) {
      await activity.waitFor(
        (now) => now.documents > before.documents || now.settledNavigations > before.settledNavigations,
        this.navigationTimeoutMs,
        signal,
      );
    }

    const notes: string[] = await this.downloadNotes(downloadsBefore, before, activity, signal);
    let pageChanged = page.isClosed() || page.url() !== urlBefore || activity.mark().mainFrameNavigations > before.mainFrameNavigations;
    if (this.tabs.openedCount > pagesBefore) {
      const pages = this.tabs.list();
      const newest = pages[pages.length - 1];
      if (newest !== undefined && newest !== page) {
        await this.tabs.activate(newest, false);
        const newestDialog = this.dialogs.whenOpened(newest);
        await raceSignal(
          Promise.race([
            newest.waitForLoadState('domcontentloaded', { timeout: this.navigationTimeoutMs }).catch(() => undefined),
            newestDialog.opened,
          ]),
          signal,
        ).finally(() => newestDialog.stop());
        notes.push(`opened a new tab (${newest.url()}), which is now active`);
        pageChanged = true;
      }
    }
    const handled = this.dialogs.handledSince(dialogsBefore);
    if (handled !== undefined) notes.push(handledNote(handled));
    const active = this.tabs.current;
    const open = active === undefined ? undefined : this.dialogs.openOn(active);
    if (open !== undefined) {
      notes.push(openedNote(open));
      // Nothing planned for the page can run before the dialog is answered.
      pageChanged = true;
    }
    return { pageChanged, note: notes.length === 0 ? '' : `; ${notes.join('; ')}` };
  }

  /**
   * Whether the action started a navigation or a tab, from what the page says once the short
   * timers its handlers set have run (`PendingNavigationProbe`), instead of a fixed sleep.
   */
  private async startedAfterProbe(
    page: Page,
    activity: PageActivity,
    navigationStarted: (now: ActivityMark) => boolean,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    if (navigationStarted(activity.mark())) {
      void this.navigationProbe.settle(page);
      return true;
    }
    // The action opened a dialog, which stops the page's scripts until it is answered; the probe
    // is restored once they run again.
    if (this.dialogs.openOn(page) !== undefined) {
      void this.navigationProbe.settle(page);
      return false;
    }
    // A timer of the action may open one too.
    const dialog = this.dialogs.whenOpened(page);
    let pending: PendingNavigation | undefined;
    try {
      pending = await raceSignal(Promise.race([this.navigationProbe.settle(page), dialog.opened.then(() => undefined)]), signal);
    } finally {
      dialog.stop();
    }
    if (navigationStarted(activity.mark()) || pending === undefined) return navigationStarted(activity.mark());
    if (!pending.navigating && !pending.opened) return false;
    // The page asked for it; Chromium reports the request (or the new tab) a moment later.
    const wait = pending.opened ? Math.min(POPUP_GRACE_MS, this.navigationTimeoutMs) : REQUESTED_NAVIGATION_START_MS;
    return activity.waitFor(navigationStarted, wait, signal);
  }

  /** How the downloads the action caused ended (a navigation that left no document is usually one, announced a moment later). */
  private async downloadNotes(mark: number, before: ActivityMark, activity: PageActivity, signal: AbortSignal | undefined): Promise<string[]> {
    const now = activity.mark();
    if (now.settledNavigations > before.settledNavigations && now.documents === before.documents) {
      await this.downloads.waitForStart(mark, DOWNLOAD_START_GRACE_MS, signal);
    }
    return this.downloads.reportSince(mark, this.navigationTimeoutMs, signal);
  }
}
