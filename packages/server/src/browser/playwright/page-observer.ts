import type { Page } from 'playwright-core';
import { anySignal } from '../../util/abort.ts';
import type { Observation, SessionFileAccess } from '../port.ts';
import type { CallProgress } from './call-progress.ts';
import type { FrameIndices } from './frame-indices.ts';
import { abandonHungPage, isHung } from './hung-page.ts';
import { observeFrames } from './observe-frames.ts';
import type { ObserveArgs } from './observe-page.ts';
import { awaitLoadBriefly } from './page-load.ts';
import { readableError } from './readable-error.ts';
import type { SecretFills } from './secret-fills.ts';
import { dialogNotice, observedDialog, type OpenDialog, type SessionDialogs } from './session-dialogs.ts';
import type { SessionDownloads } from './session-downloads.ts';
import type { SessionTabs } from './session-tabs.ts';

const OBSERVE_LIMITS: Omit<ObserveArgs, 'indexFloor' | 'frameRootOnly'> = {
  maxElements: 150,
  textBudget: 6_000,
  maxNameLength: 80,
  maxOptions: 20,
};
/** Session files an observation names, the newest. */
const MAX_OBSERVED_FILES = 50;

export interface PageObserverParts {
  tabs: SessionTabs;
  dialogs: SessionDialogs;
  frameIndices: FrameIndices;
  secrets: SecretFills;
  downloads: SessionDownloads;
  files: SessionFileAccess | undefined;
  actionTimeoutMs: number;
  navigationTimeoutMs: number;
}

/**
 * What the agent sees of the active tab: its elements and text (every frame, `observeFrames`),
 * its tabs, the dialog that was handled or waits, the session's files and untold downloads, with
 * secrets and card numbers hidden. A tab whose dialog waits is described without its scripts; a
 * tab whose renderer hangs is replaced by a new one, and the model is told why.
 */
export class PageObserver {
  /** Indices handed out so far: a later observation never hands one out again. */
  private indexFloor = 0;

  constructor(private readonly parts: PageObserverParts) {}

  async observe(progress: CallProgress): Promise<Observation> {
    const { tabs, dialogs, secrets, actionTimeoutMs } = this.parts;
    progress.ensureAlive();
    const page = await tabs.activePage();
    const waiting = dialogs.openOn(page);
    if (waiting !== undefined) return secrets.toObservation(await this.observeDialog(page, waiting), page, actionTimeoutMs);
    await awaitLoadBriefly(page, progress.signal);
    // A dialog that opens meanwhile stops the page's scripts, and the observation with them.
    const dialog = dialogs.whenOpened(page);
    const collect = () =>
      progress.race(
        Promise.race([
          observeFrames(page, {
            limits: OBSERVE_LIMITS,
            indexFloor: this.indexFloor,
            frameIndices: this.parts.frameIndices,
            frameTimeoutMs: actionTimeoutMs,
          }).then((merged) => {
            // Also when the dialog won: indices this run handed out must never be handed out again.
            this.indexFloor = Math.max(this.indexFloor, merged.maxIndex);
            return merged;
          }),
          dialog.opened.then(() => undefined),
        ]),
        { withinMs: actionTimeoutMs * 2 },
      );
    let raw;
    try {
      try {
        raw = await collect();
      } catch (error) {
        // A navigation replaced the document mid-evaluation: observe the new one.
        if (!/Execution context was destroyed|navigat/i.test(String(error)) || progress.aborted) throw error;
        await progress.race(page.waitForLoadState('domcontentloaded', { timeout: this.parts.navigationTimeoutMs }));
        raw = await collect();
      }
    } catch (error) {
      progress.rethrowIfFatal(error);
      if (!progress.aborted && dialogs.openOn(page) === undefined && (await isHung(page))) return this.replaceHungPage(page, progress);
      throw new Error(`Observation failed: ${readableError(error)}`, { cause: error });
    } finally {
      dialog.stop();
    }
    // A dialog opened while the page was read: observe it.
    if (raw === undefined) return this.observe(progress);
    tabs.remember(page, raw.title, raw.scroll);
    const observation: Observation = {
      url: raw.url,
      title: raw.title,
      elements: raw.elements,
      text: raw.text,
      truncated: raw.truncated,
      scroll: raw.scroll,
      tabs: await tabs.observe(page),
    };
    const handled = dialogs.takeReport();
    if (handled !== undefined) observation.dialog = handled;
    await this.addFilesTo(observation);
    // Card fields show `•••• 4242`, and no text carries a card number.
    return secrets.toObservation(observation, page, actionTimeoutMs);
  }

  /** The session's files (what `upload` can use) and the downloads no action result has told. */
  private async addFilesTo(observation: Observation): Promise<void> {
    const files = (await this.parts.files?.names().catch(() => undefined)) ?? [];
    if (files.length > 0) observation.files = files.slice(-MAX_OBSERVED_FILES);
    const downloads = this.parts.downloads.forObservation();
    if (downloads.length > 0) observation.downloads = downloads;
  }

  /** A tab whose dialog waits runs no script: what is known without it, and the dialog. */
  private async observeDialog(page: Page, open: OpenDialog): Promise<Observation> {
    const { tabs, dialogs } = this.parts;
    return {
      url: page.url(),
      title: tabs.lastTitleOf(page),
      elements: [],
      text: dialogNotice(open, dialogs.answerTimeoutMs),
      truncated: false,
      scroll: tabs.lastScrollOf(page),
      tabs: await tabs.observe(page),
      dialog: observedDialog(open),
    };
  }

  /**
   * A tab whose renderer no longer runs scripts (an endless loop) would fail every observation
   * and action from now on: a new tab takes its place and the model is told why.
   */
  private async replaceHungPage(hung: Page, progress: CallProgress): Promise<Observation> {
    const url = hung.url();
    const fresh = await this.parts.tabs.open(anySignal(progress.signal, AbortSignal.timeout(this.parts.actionTimeoutMs)));
    await this.parts.tabs.activate(fresh);
    abandonHungPage(hung);
    const observation = await this.observe(progress);
    observation.notice = `The page ${url} stopped responding (its scripts never yielded), so its tab was closed; this is a new blank tab.`;
    return observation;
  }
}
