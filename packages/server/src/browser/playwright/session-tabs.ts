import type { BrowserContext, Page } from 'playwright-core';
import { raceSignal } from '../../util/abort.ts';
import type { Observation } from '../port.ts';
import { PageActivity } from './page-activity.ts';
import type { SessionDialogs } from './session-dialogs.ts';

/**
 * A session's tabs: which one is active, what happens on each (`PageActivity`), how many have
 * opened, and what was seen of each last, for observing a tab whose dialog blocks its scripts.
 * Every tab, the first ones and those pages open later, is handed to `adopt` once.
 */
export class SessionTabs {
  private active: Page | undefined;
  private readonly activities = new WeakMap<Page, PageActivity>();
  private opened = 0;
  private readonly lastTitles = new WeakMap<Page, string>();
  private readonly lastScrolls = new WeakMap<Page, Observation['scroll']>();

  constructor(
    private readonly context: BrowserContext,
    first: Page,
    private readonly dialogs: SessionDialogs,
    private readonly actionTimeoutMs: number,
    adopt: (page: Page) => void,
  ) {
    const take = (page: Page): void => {
      this.activityOf(page);
      adopt(page);
    };
    for (const existing of context.pages()) take(existing);
    this.active = first;
    context.on('page', (page) => {
      this.opened++;
      take(page);
      // An action watching the active tab learns that a tab opened.
      if (this.active !== undefined) this.activityOf(this.active).notify();
    });
  }

  /** The tab actions go to: the chosen one while it is open, else the newest (a new one when none is left). */
  async activePage(): Promise<Page> {
    if (this.active !== undefined && !this.active.isClosed()) return this.active;
    const open = this.list();
    this.active = open[open.length - 1] ?? (await this.context.newPage());
    return this.active;
  }

  /** The active tab as last chosen, without opening one. */
  get current(): Page | undefined {
    return this.active;
  }

  /** The open tabs, in the order (and with the indices) of `Observation.tabs`. */
  list(): Page[] {
    return this.context.pages().filter((p) => !p.isClosed());
  }

  /** Tabs opened since the session began: an action compares it before and after. */
  get openedCount(): number {
    return this.opened;
  }

  /** Makes `page` the active tab; `front` also raises it (background tabs are throttled, and a person watches the front one). */
  async activate(page: Page, front = true): Promise<void> {
    this.active = page;
    if (front) await page.bringToFront().catch(() => undefined);
  }

  /** A new blank tab, now active. */
  async open(signal: AbortSignal): Promise<Page> {
    const page = await raceSignal(this.context.newPage(), signal);
    this.active = page;
    return page;
  }

  activityOf(page: Page): PageActivity {
    let activity = this.activities.get(page);
    if (activity === undefined) {
      activity = new PageActivity(page);
      this.activities.set(page, activity);
    }
    return activity;
  }

  /** What an observation saw of `page`, kept for when a dialog stops its scripts. */
  remember(page: Page, title: string, scroll: Observation['scroll']): void {
    this.lastTitles.set(page, title);
    this.lastScrolls.set(page, scroll);
  }

  lastTitleOf(page: Page): string {
    return this.lastTitles.get(page) ?? '';
  }

  lastScrollOf(page: Page): Observation['scroll'] {
    return this.lastScrolls.get(page) ?? { y: 0, height: 0, viewportHeight: page.viewportSize()?.height ?? 0 };
  }

  /** `Observation.tabs`, with `active` marked. */
  observe(active: Page): Promise<Observation['tabs']> {
    return Promise.all(
      this.context.pages().map(async (tab, index) => ({ index, url: tab.url(), title: await this.titleOf(tab), active: tab === active })),
    );
  }

  /** The tab's title; while a dialog blocks its scripts, the last one seen. */
  async titleOf(page: Page): Promise<string> {
    if (this.dialogs.openOn(page) !== undefined) return this.lastTitleOf(page);
    const title = await safeTitle(page, this.actionTimeoutMs);
    // page.title() answers '' at once while a dialog is up; keep the title from before it.
    if (this.dialogs.openOn(page) === undefined) this.lastTitles.set(page, title);
    return title;
  }
}

async function safeTitle(page: Page, timeoutMs: number): Promise<string> {
  try {
    return await raceSignal(page.title(), AbortSignal.timeout(timeoutMs));
  } catch {
    return '';
  }
}
