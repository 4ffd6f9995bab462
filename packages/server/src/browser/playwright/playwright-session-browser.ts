import { setTimeout as delay } from 'node:timers/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { anySignal } from '../../util/abort.ts';
import type { EgressPolicy } from '../../safety/egress-policy.ts';
import type { EgressChannel } from '../egress-proxy/egress-proxy.ts';
import {
  EgressBlockedError,
  NavigationError,
  ScreenshotError,
  type AcquireOptions,
  type ActionResult,
  type BrowserAction,
  type CallOptions,
  type NavigationGuard,
  type Observation,
  type PageInfo,
  type SessionBrowser,
  type SessionFileAccess,
  type StorageState,
  type LiveInput,
  type ScreenshotOptions,
  type ScreencastFrame,
  type ScreencastOptions,
} from '../port.ts';
import { namesSecrets } from '../secret-vault.ts';
import { ActionWatcher } from './action-watcher.ts';
import type { ElementInspection, LocatedElement, WatchOutcome } from './action-host.ts';
import { CallProgress } from './call-progress.ts';
import { recordRefusals } from './egress-refusals.ts';
import { FrameIndices } from './frame-indices.ts';
import { LiveView } from './live-view.ts';
import { locateIndexed } from './locate-indexed.ts';
import { NavigationStops } from './navigation-stops.ts';
import { PageObserver } from './page-observer.ts';
import { performAction, type ActionHost } from './perform-action.ts';
import { readableError } from './readable-error.ts';
import { screenshotWithMarks } from './screenshot-with-marks.ts';
import { scaledScreenshot } from './scaled-screenshot.ts';
import { SecretFills } from './secret-fills.ts';
import { answeredMessage, answerFirst, noDialogToAnswer, openedNote, SessionDialogs } from './session-dialogs.ts';
import { SessionDownloads } from './session-downloads.ts';
import { SessionLifecycle } from './session-lifecycle.ts';
import { SessionTabs } from './session-tabs.ts';

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

/**
 * How long an action whose page opened a dialog may still take to return on its own (one that
 * watches for navigation says so within its grace); after that it is reported as stalled on the dialog.
 */
const DIALOG_SETTLE_MS = 1_000;

/**
 * One session's isolated context, composed of its pieces: the tabs (`SessionTabs`), what an
 * action did besides itself (`ActionWatcher`), what the agent sees (`PageObserver`), the live
 * view, native dialogs (`SessionDialogs`: a confirm or prompt waits for `answer_dialog`, and
 * meanwhile the tab is observed without its content and other actions on it are refused),
 * downloads, secrets and the task's navigation guard. Each call is a `CallProgress`; after a
 * crash (page, context or browser) every call throws `BrowserClosedError` (`SessionLifecycle`).
 */
export class PlaywrightSessionBrowser implements SessionBrowser, ActionHost {
  readonly actionTimeoutMs: number;
  readonly navigationTimeoutMs: number;
  private readonly egress: SessionSettings['egress'];
  private readonly life: SessionLifecycle;
  private readonly frameIndices = new FrameIndices();
  readonly dialogs = new SessionDialogs();
  /** The session's files: what `upload` reads, where downloads go (`SessionDownloads`). */
  readonly sessionFiles: SessionFileAccess | undefined;
  private readonly downloads: SessionDownloads;
  /** What `fill_secret` filled, and the values nothing this class returns may show. */
  private readonly secrets: SecretFills;
  /** The task's navigation guard (the data-flow rule's browser half). */
  private readonly navigationStops: NavigationStops;
  private readonly tabList: SessionTabs;
  private readonly watcher: ActionWatcher;
  private readonly observer: PageObserver;
  private readonly liveView: LiveView;

  constructor(
    readonly sessionId: string,
    private readonly context: BrowserContext,
    page: Page,
    settings: SessionSettings,
    onClosed: () => void,
  ) {
    this.actionTimeoutMs = settings.actionTimeoutMs;
    this.navigationTimeoutMs = settings.navigationTimeoutMs;
    this.egress = settings.egress;
    this.life = new SessionLifecycle(context, onClosed);
    this.sessionFiles = settings.acquire.files;
    this.downloads = new SessionDownloads(this.sessionFiles);
    this.secrets = new SecretFills(settings.acquire.vault, this.frameIndices);
    this.navigationStops = new NavigationStops(context, (text) => this.secrets.redact(text) !== text, (url) => this.secrets.redact(url));
    this.tabList = new SessionTabs(context, page, this.dialogs, this.actionTimeoutMs, (tab) => this.adopt(tab));
    this.watcher = new ActionWatcher(this.tabList, this.dialogs, this.downloads, this.navigationTimeoutMs);
    this.observer = new PageObserver({
      tabs: this.tabList,
      dialogs: this.dialogs,
      frameIndices: this.frameIndices,
      secrets: this.secrets,
      downloads: this.downloads,
      files: this.sessionFiles,
      actionTimeoutMs: this.actionTimeoutMs,
      navigationTimeoutMs: this.navigationTimeoutMs,
    });
    this.liveView = new LiveView(context, this.tabList, this.dialogs, this.actionTimeoutMs);
  }

  // ---- SessionBrowser ----

  async navigate(url: string, options?: CallOptions): Promise<PageInfo> {
    const progress = CallProgress.begin(this.life, options);
    const parsed = this.navigableUrl(url);
    const page = await this.tabList.activePage();
    // Whoever navigates (the agent's start URL, a client's navigate command) leaves the dialog behind.
    await this.dialogs.dismiss(page, 'the tab was navigated');
    const refusals = recordRefusals(this.egress?.channel);
    const stops = this.navigationStops.record();
    try {
      const response = await progress.race(page.goto(parsed.href, { waitUntil: 'domcontentloaded', timeout: this.navigationTimeoutMs }), {
        onAbort: () => void page.evaluate('window.stop()').catch(() => undefined),
      });
      // The proxy answered this navigation (or its last redirect hop) with its refusal page.
      const refused = response === null ? undefined : refusals.of(response.url());
      if (refused !== undefined) throw new EgressBlockedError(response?.url() ?? parsed.href, refused.reason);
    } catch (error) {
      if (error instanceof EgressBlockedError) throw error;
      progress.rethrowIfFatal(error);
      // A refused CONNECT fails the navigation with a tunnel error; the proxy said why.
      const tunnel = /ERR_TUNNEL_CONNECTION_FAILED/.test(String(error)) ? refusals.lastTunnel() : undefined;
      if (tunnel !== undefined) throw new EgressBlockedError(parsed.href, tunnel.reason, { cause: error });
      const stopped = stops.stops[0];
      if (stopped !== undefined) throw new NavigationError(`Stopped before leaving for ${stopped.url}: ${stopped.reason}`, { cause: error });
      throw new NavigationError(`Could not open ${this.secrets.redact(parsed.href)}: ${this.secrets.redact(readableError(error))}`, { cause: error });
    } finally {
      refusals.stop();
      stops.stop();
    }
    return this.pageInfo();
  }

  async startScreencast(onFrame: (frame: ScreencastFrame) => void, options?: ScreencastOptions): Promise<{ stop(): Promise<void> }> {
    this.life.ensureAlive();
    return this.liveView.startScreencast(onFrame, options);
  }

  async input(event: LiveInput, options?: CallOptions): Promise<void> {
    return this.liveView.input(event, CallProgress.begin(this.life, options));
  }

  async screenshot(options?: ScreenshotOptions): Promise<{ jpeg: Buffer } & PageInfo> {
    if (options?.marks) return this.screenshotWithMarks(options);
    const quality = Math.round(Math.min(100, Math.max(1, options?.quality ?? 70)));
    if (options?.maxWidth !== undefined) {
      const scaled = { maxWidth: options.maxWidth, quality, timeoutMs: this.actionTimeoutMs };
      return this.shoot(options, async (page) => ({ jpeg: await scaledScreenshot(this.context, page, scaled) }));
    }
    return this.shoot(options, (page) => page.screenshot({ type: 'jpeg', quality, timeout: this.actionTimeoutMs }).then((jpeg) => ({ jpeg })));
  }

  /**
   * `screenshot()` with the indices of the latest observation drawn on their elements, for vision
   * models. `marks` counts the labelled elements.
   */
  async screenshotWithMarks(options?: CallOptions): Promise<{ jpeg: Buffer; marks: number } & PageInfo> {
    return this.shoot(options, (page) => screenshotWithMarks(page, this.frameIndices, this.actionTimeoutMs));
  }

  async observe(options?: CallOptions): Promise<Observation> {
    return this.observer.observe(CallProgress.begin(this.life, options));
  }

  async act(action: BrowserAction, options?: CallOptions): Promise<ActionResult> {
    const progress = CallProgress.begin(this.life, options);
    progress.throwIfAborted();
    const refusals = recordRefusals(this.egress?.channel);
    const stops = this.navigationStops.record();
    try {
      const result = this.secrets.redactResult(await progress.race(this.actOnActiveTab(action, progress.signal)));
      // The action's navigation (a link, a form's submission) was stopped by the task's guard.
      const stopped = stops.stops[0];
      if (stopped !== undefined) return { ok: false, message: `Did ${action.kind}, but the navigation it started was stopped before leaving for ${stopped.url}: ${stopped.reason}`, pageChanged: true };
      if (!result.ok || refusals.events.length === 0) return result;
      // The action led the tab (or a new one) to a destination the firewall refused.
      const url = (await this.tabList.activePage()).url();
      const refused = refusals.of(url);
      return refused === undefined
        ? result
        : { ok: false, message: this.secrets.redact(`Blocked by the egress policy: ${url} (${refused.reason})`), pageChanged: true };
    } catch (error) {
      progress.rethrowIfFatal(error);
      return { ok: false, message: this.secrets.redact(readableError(error)), pageChanged: false };
    } finally {
      refusals.stop();
      stops.stop();
    }
  }

  async setNavigationGuard(guard: NavigationGuard | undefined): Promise<void> {
    this.life.ensureAlive();
    await this.navigationStops.set(guard);
  }

  async pageInfo(): Promise<PageInfo> {
    this.life.ensureAlive();
    const page = await this.tabList.activePage();
    return this.secrets.redactPageInfo({ url: page.url(), title: await this.tabList.titleOf(page) });
  }

  async storageState(): Promise<StorageState> {
    const progress = CallProgress.begin(this.life);
    try {
      return (await this.context.storageState()) as unknown as StorageState;
    } catch (error) {
      progress.rethrowIfFatal(error);
      throw error;
    }
  }

  onCrash(listener: (reason: string) => void): () => void {
    return this.life.onCrash(listener);
  }

  close(): Promise<void> {
    return this.life.close();
  }

  // ---- called by the pool ----

  /** The browser died under this session. */
  browserGone(reason: string): void {
    this.life.browserGone(reason);
  }

  get isClosed(): boolean {
    return this.life.isClosed;
  }

  // ---- ActionHost ----

  async activePage(): Promise<Page> {
    return this.tabList.activePage();
  }

  locate(index: number): Promise<LocatedElement | undefined>;
  locate<A, R>(index: number, inspection: ElementInspection<A, R>): Promise<(LocatedElement & { inspected: Awaited<R> }) | undefined>;
  async locate<A, R>(index: number, inspection?: ElementInspection<A, R>): Promise<(LocatedElement & { inspected?: Awaited<R> }) | undefined> {
    return locateIndexed(await this.tabList.activePage(), this.frameIndices, index, inspection);
  }

  async watch(run: () => Promise<unknown>, signal: AbortSignal | undefined, opensTab = false, dispatchesInput = true): Promise<WatchOutcome> {
    return this.watcher.watch(run, signal, opensTab, dispatchesInput);
  }

  async navigateFor(url: string, signal: AbortSignal | undefined): Promise<PageInfo> {
    return this.navigate(url, { signal });
  }

  tabs(): Page[] {
    return this.tabList.list();
  }

  async activate(page: Page): Promise<void> {
    return this.tabList.activate(page);
  }

  async openTab(url: string, signal: AbortSignal | undefined): Promise<PageInfo> {
    this.navigableUrl(url); // refuse before a tab exists
    const previous = await this.tabList.activePage();
    const page = await this.tabList.open(anySignal(signal, AbortSignal.timeout(this.actionTimeoutMs)));
    try {
      return await this.navigate(url, { signal });
    } catch (error) {
      await page.close({ runBeforeUnload: false }).catch(() => undefined);
      if (!previous.isClosed()) await this.tabList.activate(previous);
      throw error;
    }
  }

  // ---- internals ----

  /**
   * The action, unless a dialog waits on the tab (then only answer_dialog runs). An action that
   * opens a dialog stalls until it is answered, so it returns saying the dialog is open.
   */
  private async actOnActiveTab(action: BrowserAction, signal: AbortSignal | undefined): Promise<ActionResult> {
    const page = await this.tabList.activePage();
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

  /** A screenshot of the active tab, never while a dialog is up (Chromium paints nothing then), with secrets hidden. */
  private async shoot<T extends { jpeg: Buffer }>(options: CallOptions | undefined, take: (page: Page) => Promise<T>): Promise<T & PageInfo> {
    const progress = CallProgress.begin(this.life, options);
    const page = await this.tabList.activePage();
    const open = this.dialogs.openOn(page);
    if (open !== undefined) throw new ScreenshotError(`Screenshot failed: a ${open.type} dialog is open on the page and must be answered first`, true);
    try {
      await this.secrets.guardRendering(page, this.actionTimeoutMs);
      const shot = await progress.race(take(page));
      return { ...shot, ...(await this.pageInfo()) };
    } catch (error) {
      return progress.fail(error, (cause) => new ScreenshotError(`Screenshot failed: ${readableError(cause)}`, false, { cause }));
    }
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

  /** Every tab: its dialogs and downloads are the session's, and a crash of the active one ends it. */
  private adopt(page: Page): void {
    page.on('dialog', (dialog) => this.dialogs.handle(page, dialog));
    page.on('download', (download) => this.downloads.capture(download));
    void this.downloads.guard.watch(this.context, page);
    page.on('crash', () => {
      if (page === this.tabList.current) this.life.die('The page crashed');
    });
  }
}
