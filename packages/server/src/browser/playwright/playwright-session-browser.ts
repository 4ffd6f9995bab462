import { setTimeout as delay } from 'node:timers/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { isAbortError } from '../../util/abort.ts';
import type { EgressPolicy } from '../../safety/egress-policy.ts';
import type { EgressBlockedEvent, EgressChannel } from '../egress-proxy/egress-proxy.ts';
import {
  BrowserClosedError,
  EgressBlockedError,
  NavigationError,
  ScreenshotError,
  type AcquireOptions,
  type ActionResult,
  type BrowserAction,
  type CallOptions,
  type Observation,
  type PageInfo,
  type SessionBrowser,
  type StorageState,
  type LiveInput,
  type ScreenshotOptions,
  type ScreencastFrame,
  type ScreencastOptions,
} from '../port.ts';
import { FrameIndices } from './frame-indices.ts';
import { locateIndexed } from './locate-indexed.ts';
import { observeFrames } from './observe-frames.ts';
import { screenshotWithMarks } from './screenshot-with-marks.ts';
import type { ObserveArgs } from './observe-page.ts';
import { PageActivity } from './page-activity.ts';
import { PendingNavigationProbe, type PendingNavigation } from './pending-navigation-probe.ts';
import { awaitLoadBriefly } from './page-load.ts';
import { performAction, type ActionHost, type LocatedElement, type WatchOutcome } from './perform-action.ts';
import type { ElementInspection } from './action-host.ts';
import { abandonHungPage, isHung } from './hung-page.ts';
import { isTargetClosedError, readableError } from './readable-error.ts';
import type { NavigationGuard, SessionFileAccess } from '../port.ts';
import type { ActivityMark } from './page-activity.ts';
import { DOWNLOAD_START_GRACE_MS, SessionDownloads } from './session-downloads.ts';
import { SecretFills } from './secret-fills.ts';
import { NavigationStops } from './navigation-stops.ts';
import { namesSecrets } from '../secret-vault.ts';
import {
  answeredMessage,
  answerFirst,
  dialogNotice,
  handledNote,
  noDialogToAnswer,
  observedDialog,
  openedNote,
  SessionDialogs,
  type OpenDialog,
} from './session-dialogs.ts';

export interface SessionSettings {
  /** What the session asked for when it acquired this context. */
  acquire: AcquireOptions;
  navigationTimeoutMs: number;
  actionTimeoutMs: number;
  /**
   * The session's policy and the proxy listener its context uses. An external browser has the
   * policy alone: its requests do not pass the proxy, but where the agent navigates is checked.
   */
  egress?: { policy: EgressPolicy; channel?: EgressChannel | undefined } | undefined;
}

const OBSERVE_LIMITS: Omit<ObserveArgs, 'indexFloor' | 'frameRootOnly'> = {
  maxElements: 150,
  textBudget: 6_000,
  maxNameLength: 80,
  maxOptions: 20,
};
/**
 * How long after an action a navigation it triggered may take to start, where the page could not
 * be probed (`PendingNavigationProbe`): a dialog waited on the tab, or the page did not run the probe.
 */
const NAVIGATION_START_GRACE_MS = 100;
/** How long after the page asked for a navigation Chromium may take to report its request. */
const REQUESTED_NAVIGATION_START_MS = 1_000;
const CONTEXT_CLOSE_GRACE_MS = 250;
/** A tab opened by a link click appears only after Chromium has set up the new target. */
const POPUP_GRACE_MS = 3_000;
/**
 * How long an action whose page opened a dialog may still take to return on its own (one that
 * watches for navigation says so within its grace); after that it is reported as stalled on the dialog.
 */
const DIALOG_SETTLE_MS = 1_000;
/** Session files an observation names, the newest. */
const MAX_OBSERVED_FILES = 50;

/**
 * One session's isolated context. Native dialogs (`SessionDialogs`): alerts and beforeunload are
 * accepted at once; a confirm or prompt waits for `answer_dialog`, and meanwhile the tab is
 * observed without its content and other actions on it are refused. After a crash (page,
 * context or browser) every call throws `BrowserClosedError`.
 */

export class PlaywrightSessionBrowser implements SessionBrowser, ActionHost {
  readonly actionTimeoutMs: number;
  readonly navigationTimeoutMs: number;
  private readonly egress: SessionSettings['egress'];
  private active: Page | undefined;
  private readonly activities = new WeakMap<Page, PageActivity>();
  private readonly crashListeners: ((reason: string) => void)[] = [];
  private deadReason: string | undefined;
  private closing: Promise<void> | undefined;
  private indexFloor = 0;
  private readonly frameIndices = new FrameIndices();
  private pagesOpened = 0;
  readonly dialogs = new SessionDialogs();
  /** The session's files: what `upload` reads, where downloads go (`SessionDownloads`). */
  readonly sessionFiles: SessionFileAccess | undefined;
  private readonly downloads: SessionDownloads;
  /** What `fill_secret` filled, and the values nothing this class returns may show. */
  private readonly secrets: SecretFills;
  /** The task's navigation guard (the data-flow rule's browser half). */
  private readonly navigationStops: NavigationStops;
  /** Titles and scroll positions seen last, for observing a tab whose dialog blocks its scripts. */
  private readonly lastTitles = new WeakMap<Page, string>();
  private readonly lastScroll = new WeakMap<Page, Observation['scroll']>();
  /** Tells an action that started a navigation from one that did not, without a fixed sleep. */
  private readonly navigationProbe = new PendingNavigationProbe();

  constructor(
    readonly sessionId: string,
    private readonly context: BrowserContext,
    page: Page,
    settings: SessionSettings,
    private readonly onClosed: () => void,
  ) {
    this.actionTimeoutMs = settings.actionTimeoutMs;
    this.navigationTimeoutMs = settings.navigationTimeoutMs;
    this.egress = settings.egress;
    this.sessionFiles = settings.acquire.files;
    this.downloads = new SessionDownloads(this.sessionFiles);
    this.secrets = new SecretFills(settings.acquire.vault, this.frameIndices);
    this.navigationStops = new NavigationStops(context, (text) => this.secrets.redact(text) !== text, (url) => this.secrets.redact(url));
    for (const existing of context.pages()) this.adopt(existing);
    this.active = page;
    context.on('page', (opened) => {
      this.pagesOpened++;
      this.adopt(opened);
      if (this.active !== undefined) this.activityOf(this.active).notify();
    });
    context.on('close', () => {
      if (this.closing !== undefined) return;
      // When the whole browser dies its contexts close first; give the pool's disconnect
      // notice a moment to arrive so the reason names the real cause.
      setTimeout(() => this.die('The browser context was closed'), CONTEXT_CLOSE_GRACE_MS).unref();
    });
  }

  // ---- SessionBrowser ----

  async navigate(url: string, options?: CallOptions): Promise<PageInfo> {
    this.ensureAlive();
    const parsed = this.navigableUrl(url);
    const page = await this.activePage();
    // Whoever navigates (the agent's start URL, a client's navigate command) leaves the dialog behind.
    await this.dialogs.dismiss(page, 'the tab was navigated');
    const blocks = this.recordBlocks();
    const stops = this.navigationStops.record();
    try {
      const response = await raceSignal(
        page.goto(parsed.href, { waitUntil: 'domcontentloaded', timeout: this.navigationTimeoutMs }),
        options?.signal,
        () => void page.evaluate('window.stop()').catch(() => undefined),
      );
      // The proxy answered this navigation (or its last redirect hop) with its refusal page.
      const refused = response === null ? undefined : findBlock(blocks.events, response.url());
      if (refused !== undefined) throw new EgressBlockedError(response?.url() ?? parsed.href, refused.reason);
    } catch (error) {
      if (error instanceof EgressBlockedError) throw error;
      this.rethrowIfFatal(error, options?.signal);
      // A refused CONNECT fails the navigation with a tunnel error; the proxy said why.
      const tunnel = /ERR_TUNNEL_CONNECTION_FAILED/.test(String(error)) ? lastTunnelBlock(blocks.events) : undefined;
      if (tunnel !== undefined) throw new EgressBlockedError(parsed.href, tunnel.reason, { cause: error });
      const stopped = stops.stops[0];
      if (stopped !== undefined) throw new NavigationError(`Stopped before leaving for ${stopped.url}: ${stopped.reason}`, { cause: error });
      throw new NavigationError(`Could not open ${this.secrets.redact(parsed.href)}: ${this.secrets.redact(readableError(error))}`, { cause: error });
    } finally {
      blocks.stop();
      stops.stop();
    }
    return this.pageInfo();
  }

  async startScreencast(onFrame: (frame: ScreencastFrame) => void, options: ScreencastOptions = {}): Promise<{ stop(): Promise<void> }> {
    this.ensureAlive();
    const page = await this.activePage();
    const cdp = await this.context.newCDPSession(page);
    cdp.on('Page.screencastFrame', (frame) => {
      // Chromium sends the next frame only after this one is acknowledged.
      cdp.send('Page.screencastFrameAck', { sessionId: frame.sessionId }).catch(() => undefined);
      onFrame({ jpeg: Buffer.from(frame.data, 'base64'), width: frame.metadata.deviceWidth, height: frame.metadata.deviceHeight });
    });
    const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
    await cdp.send('Page.startScreencast', {
      format: 'jpeg',
      quality: options.quality ?? 60,
      maxWidth: options.maxWidth ?? viewport.width,
      maxHeight: options.maxHeight ?? viewport.height,
    });
    let stopped = false;
    return {
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await cdp.send('Page.stopScreencast').catch(() => undefined);
        await cdp.detach().catch(() => undefined);
      },
    };
  }

  async input(event: LiveInput, options?: CallOptions): Promise<void> {
    this.ensureAlive();
    const page = await this.activePage();
    // The screencast does not show native dialogs, so a person using the live view cannot answer
    // one: their input wins, and the next observation tells the model.
    if (event.type !== 'move') await this.dialogs.dismiss(page, 'a person used the live view');
    const run = async (): Promise<void> => {
      switch (event.type) {
        case 'click':
          await page.mouse.click(event.x, event.y, { button: event.button ?? 'left' });
          return;
        case 'move':
          await page.mouse.move(event.x, event.y);
          return;
        case 'wheel':
          await page.mouse.move(event.x, event.y);
          await page.mouse.wheel(event.deltaX, event.deltaY);
          return;
        case 'type':
          await page.keyboard.type(event.text);
          return;
        case 'key':
          await page.keyboard.press(event.key);
          return;
      }
    };
    // A click that opens a dialog does not return until the dialog is answered.
    const dialog = this.dialogs.whenOpened(page);
    try {
      await raceSignal(Promise.race([run(), dialog.opened]), anySignal(options?.signal, AbortSignal.timeout(this.actionTimeoutMs)));
    } catch (error) {
      this.rethrowIfFatal(error, options?.signal);
      throw new Error(`Input failed: ${readableError(error)}`, { cause: error });
    } finally {
      dialog.stop();
    }
  }

  async screenshot(options?: ScreenshotOptions): Promise<{ jpeg: Buffer } & PageInfo> {
    if (options?.marks) return this.screenshotWithMarks(options);
    this.ensureAlive();
    const page = await this.activePage();
    this.refuseWhileDialogOpen(page, 'Screenshot');
    try {
      await this.secrets.guardRendering(page, this.actionTimeoutMs);
      const jpeg = await raceSignal(
        page.screenshot({ type: 'jpeg', quality: 70, timeout: this.actionTimeoutMs }),
        options?.signal,
      );
      return { jpeg, ...(await this.pageInfo()) };
    } catch (error) {
      this.rethrowIfFatal(error, options?.signal);
      throw new ScreenshotError(`Screenshot failed: ${readableError(error)}`, false, { cause: error });
    }
  }

  /**
   * `screenshot()` with the indices of the latest observation drawn on their elements, for vision
   * models. Not on the `SessionBrowser` port yet; `marks` counts the labelled elements.
   */
  async screenshotWithMarks(options?: CallOptions): Promise<{ jpeg: Buffer; marks: number } & PageInfo> {
    this.ensureAlive();
    const page = await this.activePage();
    this.refuseWhileDialogOpen(page, 'Screenshot');
    try {
      await this.secrets.guardRendering(page, this.actionTimeoutMs);
      const shot = await raceSignal(screenshotWithMarks(page, this.frameIndices, this.actionTimeoutMs), options?.signal);
      return { ...shot, ...(await this.pageInfo()) };
    } catch (error) {
      this.rethrowIfFatal(error, options?.signal);
      throw new ScreenshotError(`Screenshot failed: ${readableError(error)}`, false, { cause: error });
    }
  }

  async observe(options?: CallOptions): Promise<Observation> {
    this.ensureAlive();
    const signal = options?.signal;
    const page = await this.activePage();
    const waiting = this.dialogs.openOn(page);
    if (waiting !== undefined) return this.secrets.toObservation(await this.observeDialog(page, waiting), page, this.actionTimeoutMs);
    await awaitLoadBriefly(page, signal);
    // A dialog that opens meanwhile stops the page's scripts, and the observation with them.
    const dialog = this.dialogs.whenOpened(page);
    const collect = () =>
      raceSignal(
        Promise.race([
          observeFrames(page, {
            limits: OBSERVE_LIMITS,
            indexFloor: this.indexFloor,
            frameIndices: this.frameIndices,
            frameTimeoutMs: this.actionTimeoutMs,
          }).then((merged) => {
            // Also when the dialog won: indices this run handed out must never be handed out again.
            this.indexFloor = Math.max(this.indexFloor, merged.maxIndex);
            return merged;
          }),
          dialog.opened.then(() => undefined),
        ]),
        anySignal(signal, AbortSignal.timeout(this.actionTimeoutMs * 2)),
      );
    let raw;
    try {
      try {
        raw = await collect();
      } catch (error) {
        // A navigation replaced the document mid-evaluation: observe the new one.
        if (!/Execution context was destroyed|navigat/i.test(String(error)) || signal?.aborted) throw error;
        await raceSignal(page.waitForLoadState('domcontentloaded', { timeout: this.navigationTimeoutMs }), signal);
        raw = await collect();
      }
    } catch (error) {
      this.rethrowIfFatal(error, signal);
      if (!signal?.aborted && this.dialogs.openOn(page) === undefined && (await isHung(page))) return this.replaceHungPage(page, options);
      throw new Error(`Observation failed: ${readableError(error)}`, { cause: error });
    } finally {
      dialog.stop();
    }
    if (raw === undefined) return this.observe(options);
    this.lastTitles.set(page, raw.title);
    this.lastScroll.set(page, raw.scroll);
    const observation: Observation = {
      url: raw.url,
      title: raw.title,
      elements: raw.elements,
      text: raw.text,
      truncated: raw.truncated,
      scroll: raw.scroll,
      tabs: await this.observeTabs(page),
    };
    const handled = this.dialogs.takeReport();
    if (handled !== undefined) observation.dialog = handled;
    await this.addFilesTo(observation);
    // Card fields show `•••• 4242`, and no text carries a card number.
    return this.secrets.toObservation(observation, page, this.actionTimeoutMs);
  }

  /** The session's files (what `upload` can use) and the downloads no action result has told. */
  private async addFilesTo(observation: Observation): Promise<void> {
    const files = (await this.sessionFiles?.names().catch(() => undefined)) ?? [];
    if (files.length > 0) observation.files = files.slice(-MAX_OBSERVED_FILES);
    const downloads = this.downloads.forObservation();
    if (downloads.length > 0) observation.downloads = downloads;
  }

  /** A tab whose dialog waits runs no script: what is known without it, and the dialog. */
  private async observeDialog(page: Page, open: OpenDialog): Promise<Observation> {
    return {
      url: page.url(),
      title: this.lastTitles.get(page) ?? '',
      elements: [],
      text: dialogNotice(open, this.dialogs.answerTimeoutMs),
      truncated: false,
      scroll: this.lastScroll.get(page) ?? { y: 0, height: 0, viewportHeight: page.viewportSize()?.height ?? 0 },
      tabs: await this.observeTabs(page),
      dialog: observedDialog(open),
    };
  }

  private observeTabs(active: Page): Promise<Observation['tabs']> {
    return Promise.all(
      this.context.pages().map(async (tab, index) => ({ index, url: tab.url(), title: await this.titleOf(tab), active: tab === active })),
    );
  }

  /** The tab's title; while a dialog blocks its scripts, the last one seen. */
  private async titleOf(page: Page): Promise<string> {
    if (this.dialogs.openOn(page) !== undefined) return this.lastTitles.get(page) ?? '';
    const title = await safeTitle(page, this.actionTimeoutMs);
    // page.title() answers '' at once while a dialog is up; keep the title from before it.
    if (this.dialogs.openOn(page) === undefined) this.lastTitles.set(page, title);
    return title;
  }

  async act(action: BrowserAction, options?: CallOptions): Promise<ActionResult> {
    this.ensureAlive();
    const signal = options?.signal;
    if (signal?.aborted) throw signal.reason;
    const blocks = this.recordBlocks();
    const stops = this.navigationStops.record();
    try {
      const result = this.secrets.redactResult(await raceSignal(this.actOnActiveTab(action, signal), signal));
      // The action's navigation (a link, a form's submission) was stopped by the task's guard.
      const stopped = stops.stops[0];
      if (stopped !== undefined) return { ok: false, message: `Did ${action.kind}, but the navigation it started was stopped before leaving for ${stopped.url}: ${stopped.reason}`, pageChanged: true };
      if (!result.ok || blocks.events.length === 0) return result;
      // The action led the tab (or a new one) to a destination the firewall refused.
      const url = (await this.activePage()).url();
      const refused = findBlock(blocks.events, url);
      return refused === undefined
        ? result
        : { ok: false, message: this.secrets.redact(`Blocked by the egress policy: ${url} (${refused.reason})`), pageChanged: true };
    } catch (error) {
      this.rethrowIfFatal(error, signal);
      return { ok: false, message: this.secrets.redact(readableError(error)), pageChanged: false };
    } finally {
      blocks.stop();
      stops.stop();
    }
  }

  async setNavigationGuard(guard: NavigationGuard | undefined): Promise<void> {
    this.ensureAlive();
    await this.navigationStops.set(guard);
  }

  /**
   * The action, unless a dialog waits on the tab (then only answer_dialog runs). An action that
   * opens a dialog stalls until it is answered, so it returns saying the dialog is open.
   */
  private async actOnActiveTab(action: BrowserAction, signal: AbortSignal | undefined): Promise<ActionResult> {
    const page = await this.activePage();
    if (action.kind === 'answer_dialog') return this.answerDialog(page, action.accept, action.text, signal);
    const waiting = this.dialogs.openOn(page);
    if (waiting !== undefined) return answerFirst(waiting);
    if (action.kind === 'clear_secrets') return this.secrets.clear(this.actionTimeoutMs);
    const dialog = this.dialogs.whenOpened(page);
    const settle = new AbortController();
    const stalled = dialog.opened.then(async (open): Promise<ActionResult> => {
      await delay(DIALOG_SETTLE_MS, undefined, { signal: settle.signal });
      return { ok: true, message: `Did ${action.kind}; then ${openedNote(open)}`, pageChanged: true };
    });
    try {
      const run =
        action.kind === 'fill_secret'
          ? this.secrets.fill(this, action)
          : action.kind === 'type' && namesSecrets(action.text)
            ? this.secrets.typeSecrets(this, action, (resolved) => performAction(this, resolved, signal))
            : performAction(this, action, signal);
      return await Promise.race([run, stalled]);
    } finally {
      dialog.stop();
      settle.abort();
    }
  }

  private async answerDialog(page: Page, accept: boolean, text: string | undefined, signal: AbortSignal | undefined): Promise<ActionResult> {
    const open = this.dialogs.openOn(page);
    if (open === undefined) return noDialogToAnswer();
    const outcome = await this.watch(() => this.dialogs.answer(page, accept, text), signal);
    return { ok: true, message: `${answeredMessage(open, accept, text)}${outcome.note}`, pageChanged: outcome.pageChanged };
  }

  async pageInfo(): Promise<PageInfo> {
    this.ensureAlive();
    const page = await this.activePage();
    return this.secrets.redactPageInfo({ url: page.url(), title: await this.titleOf(page) });
  }

  async storageState(): Promise<StorageState> {
    this.ensureAlive();
    try {
      return (await this.context.storageState()) as unknown as StorageState;
    } catch (error) {
      this.rethrowIfFatal(error, undefined);
      throw error;
    }
  }

  onCrash(listener: (reason: string) => void): () => void {
    const reason = this.deadReason;
    if (reason !== undefined && this.closing === undefined) {
      queueMicrotask(() => listener(reason));
      return () => undefined;
    }
    this.crashListeners.push(listener);
    return () => {
      const at = this.crashListeners.indexOf(listener);
      if (at >= 0) this.crashListeners.splice(at, 1);
    };
  }

  close(): Promise<void> {
    this.closing ??= this.context
      .close()
      .catch(() => undefined)
      .finally(() => this.onClosed());
    return this.closing;
  }

  // ---- called by the pool ----

  /** The browser died under this session. */
  browserGone(reason: string): void {
    if (this.closing !== undefined) return;
    this.die(reason);
    this.closing = Promise.resolve();
    this.onClosed();
  }

  get isClosed(): boolean {
    return this.closing !== undefined || this.deadReason !== undefined;
  }

  // ---- ActionHost ----

  async activePage(): Promise<Page> {
    if (this.active !== undefined && !this.active.isClosed()) return this.active;
    const open = this.context.pages().filter((p) => !p.isClosed());
    this.active = open[open.length - 1] ?? (await this.context.newPage());
    return this.active;
  }

  locate(index: number): Promise<LocatedElement | undefined>;
  locate<A, R>(index: number, inspection: ElementInspection<A, R>): Promise<(LocatedElement & { inspected: Awaited<R> }) | undefined>;
  async locate<A, R>(index: number, inspection?: ElementInspection<A, R>): Promise<(LocatedElement & { inspected?: Awaited<R> }) | undefined> {
    return locateIndexed(await this.activePage(), this.frameIndices, index, inspection);
  }

  async watch(run: () => Promise<unknown>, signal: AbortSignal | undefined, opensTab = false, dispatchesInput = true): Promise<WatchOutcome> {
    const page = await this.activePage();
    const activity = this.activityOf(page);
    const before = activity.mark();
    const urlBefore = page.url();
    const pagesBefore = this.pagesOpened;
    const dialogsBefore = this.dialogs.mark();
    const downloadsBefore = this.downloads.mark();
    const navigationStarted = (now: ActivityMark): boolean =>
      now.navigationRequests > before.navigationRequests || now.mainFrameNavigations > before.mainFrameNavigations || this.pagesOpened > pagesBefore;

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
    if (this.pagesOpened > pagesBefore) {
      const pages = this.context.pages().filter((p) => !p.isClosed());
      const newest = pages[pages.length - 1];
      if (newest !== undefined && newest !== page) {
        this.active = newest;
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
    const open = this.active === undefined ? undefined : this.dialogs.openOn(this.active);
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

  async navigateFor(url: string, signal: AbortSignal | undefined): Promise<PageInfo> {
    return this.navigate(url, { signal });
  }

  tabs(): Page[] {
    return this.context.pages().filter((p) => !p.isClosed());
  }

  async activate(page: Page): Promise<void> {
    this.active = page;
    // Background tabs are throttled; the active one should run (and be the one a person watches).
    await page.bringToFront().catch(() => undefined);
  }

  async openTab(url: string, signal: AbortSignal | undefined): Promise<PageInfo> {
    this.navigableUrl(url); // refuse before a tab exists
    const previous = await this.activePage();
    const page = await raceSignal(this.context.newPage(), anySignal(signal, AbortSignal.timeout(this.actionTimeoutMs)));
    this.active = page;
    try {
      return await this.navigate(url, { signal });
    } catch (error) {
      await page.close({ runBeforeUnload: false }).catch(() => undefined);
      if (!previous.isClosed()) await this.activate(previous);
      throw error;
    }
  }

  // ---- internals ----

  /**
   * A tab whose renderer no longer runs scripts (an endless loop) would fail every observation
   * and action from now on: a new tab takes its place and the model is told why.
   */
  private async replaceHungPage(hung: Page, options?: CallOptions): Promise<Observation> {
    const url = hung.url();
    const fresh = await raceSignal(this.context.newPage(), anySignal(options?.signal, AbortSignal.timeout(this.actionTimeoutMs)));
    await this.activate(fresh);
    abandonHungPage(hung);
    const observation = await this.observe(options);
    observation.notice = `The page ${url} stopped responding (its scripts never yielded), so its tab was closed; this is a new blank tab.`;
    return observation;
  }

  /** The URL as navigate may open it: parsed, allowed by the egress policy, http(s) only. */
  private navigableUrl(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (error) {
      throw new NavigationError(`Not a valid URL: ${url}`, { cause: error });
    }
    if (this.egress !== undefined) {
      // Names are checked again, with their DNS answers, by the proxy on every request and hop.
      const decision = this.egress.policy.checkUrl(parsed.href);
      if (!decision.allowed) throw new EgressBlockedError(parsed.href, decision.reason);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new NavigationError(`Only http and https URLs can be opened, not ${parsed.protocol}`);
    }
    return parsed;
  }

  /** Refusals on this session's channel from now until `stop()`. */
  private recordBlocks(): { events: EgressBlockedEvent[]; stop: () => void } {
    const events: EgressBlockedEvent[] = [];
    const stop = this.egress?.channel?.onBlocked((event) => events.push(event)) ?? (() => undefined);
    return { events, stop };
  }

  private adopt(page: Page): void {
    this.activityOf(page);
    page.on('dialog', (dialog) => this.dialogs.handle(page, dialog));
    page.on('download', (download) => this.downloads.capture(download));
    void this.downloads.guard.watch(this.context, page);
    page.on('crash', () => {
      if (page === this.active) this.die('The page crashed');
    });
  }

  private activityOf(page: Page): PageActivity {
    let activity = this.activities.get(page);
    if (activity === undefined) {
      activity = new PageActivity(page);
      this.activities.set(page, activity);
    }
    return activity;
  }

  private die(reason: string): void {
    if (this.deadReason !== undefined) return;
    this.deadReason = reason;
    const listeners = this.crashListeners.splice(0);
    for (const listener of listeners) {
      try {
        listener(reason);
      } catch {
        // a listener's failure must not stop the others from hearing about the crash
      }
    }
  }

  private refuseWhileDialogOpen(page: Page, what: string): void {
    const open = this.dialogs.openOn(page);
    // Chromium paints nothing while a dialog is up; waiting would only time out.
    if (open !== undefined) throw new ScreenshotError(`${what} failed: a ${open.type} dialog is open on the page and must be answered first`, true);
  }

  private ensureAlive(): void {
    if (this.deadReason !== undefined) throw new BrowserClosedError(this.deadReason);
    if (this.closing !== undefined) throw new BrowserClosedError();
  }

  /** Aborts propagate as they are; a dead context becomes BrowserClosedError. */
  private rethrowIfFatal(error: unknown, signal: AbortSignal | undefined): void {
    if (signal?.aborted && (error === signal.reason || isAbortError(error))) throw error;
    if (this.deadReason !== undefined || this.closing !== undefined) {
      throw new BrowserClosedError(this.deadReason ?? 'The browser context is closed', { cause: error });
    }
    if (isTargetClosedError(error) && this.context.pages().length === 0 && !this.context.browser()?.isConnected()) {
      throw new BrowserClosedError('The browser is gone', { cause: error });
    }
  }
}

/** Resolves or rejects with `promise`, or rejects with the signal's reason once it aborts. */
function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort?: () => void): Promise<T> {
  if (signal === undefined) return promise;
  // The losing promise may still reject later; that must not surface as unhandled.
  promise.catch(() => undefined);
  if (signal.aborted) {
    onAbort?.();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort?.();
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
}

async function safeTitle(page: Page, timeoutMs: number): Promise<string> {
  try {
    return await raceSignal(page.title(), AbortSignal.timeout(timeoutMs));
  } catch {
    return '';
  }
}

/**
 * The refusal that produced `url`'s document: the same URL for a refused HTTP request, the same
 * host and port for a refused CONNECT tunnel (Chromium keeps the failed URL on its error page).
 */
function findBlock(events: readonly EgressBlockedEvent[], url: string): EgressBlockedEvent | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  target.hash = '';
  const port = target.port !== '' ? Number(target.port) : target.protocol === 'https:' ? 443 : 80;
  return [...events].reverse().find((event) => {
    if (!event.url.includes('://')) return event.host === target.hostname && event.port === port;
    try {
      const blocked = new URL(event.url);
      blocked.hash = '';
      return blocked.href === target.href;
    } catch {
      return false;
    }
  });
}

function lastTunnelBlock(events: readonly EgressBlockedEvent[]): EgressBlockedEvent | undefined {
  return [...events].reverse().find((event) => !event.url.includes('://'));
}
