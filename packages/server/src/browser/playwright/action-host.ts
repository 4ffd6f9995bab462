import type { Locator, Page } from 'playwright-core';
import type { PageInfo, SessionFileAccess } from '../port.ts';
import type { RegistryDescription } from './observe-page.ts';

export interface LocatedElement {
  locator: Locator;
  description: RegistryDescription;
}

/**
 * A self-contained page function run on the element while it is being found, in the same round
 * trip: `locator.evaluate` would first resolve the locator's selector through every shadow root
 * of the page (about 13 ms on the torture page), the lookup by index costs nothing more.
 */
export interface ElementInspection<A, R> {
  inspect: (node: Element, arg: A) => R;
  arg: A;
}

export interface WatchOutcome {
  pageChanged: boolean;
  /** Extra sentence for the result message (a new tab, a dialog), or ''. */
  note: string;
}

/** What the session offers an action: the active page, tabs, element lookup and navigation watching. */
export interface ActionHost {
  readonly actionTimeoutMs: number;
  readonly navigationTimeoutMs: number;
  /** The session's files, for `upload`; undefined when the session keeps none. */
  readonly sessionFiles?: SessionFileAccess | undefined;
  activePage(): Promise<Page>;
  /** The open tabs, in the order (and with the indices) of `Observation.tabs`. */
  tabs(): Page[];
  /** Makes `page` the active tab and brings it to the front. */
  activate(page: Page): Promise<void>;
  /**
   * Opens `url` in a new tab that becomes active, with navigate's checks and errors. When it
   * throws, the new tab is closed again and the previous tab is active.
   */
  openTab(url: string, signal: AbortSignal | undefined): Promise<PageInfo>;
  locate(index: number): Promise<LocatedElement | undefined>;
  /** `locate`, and what `inspection` says of the element, found in one call into the page. */
  locate<A, R>(index: number, inspection: ElementInspection<A, R>): Promise<(LocatedElement & { inspected: Awaited<R> }) | undefined>;
  /**
   * Runs `run`, then waits for a navigation or new tab it started. `opensTab`: the action is
   * expected to open a tab (a link with a target), which may take longer to appear.
   * `dispatchesInput` (default true): `run` sends input to the page, so the page's handlers must
   * be watched from before it starts; false lets `run` start at once (a wait).
   */
  watch(run: () => Promise<unknown>, signal: AbortSignal | undefined, opensTab?: boolean, dispatchesInput?: boolean): Promise<WatchOutcome>;
  navigateFor(url: string, signal: AbortSignal | undefined): Promise<PageInfo>;
}
