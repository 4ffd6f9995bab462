/**
 * The browser seen from the rest of the server. Only `browser/playwright/` knows Playwright.
 *
 * Contract shared by every method that takes `{ signal }`: it returns or rejects promptly once the
 * signal aborts, leaves the session usable, and never hangs past its own timeout.
 * Actions never throw for page-level problems (missing element, timeout, navigation error): they
 * return `{ ok: false, message }` the model can read. They throw only when the browser itself is
 * gone (`BrowserClosedError`).
 */
export interface BrowserPool {
  /** Starts the shared browser and fills the warm pool. Idempotent. */
  start(): Promise<void>;
  /**
   * A fresh isolated context with one page, taken from the warm pool when one is ready.
   * Throws `BrowserCapacityError` when no context can be created.
   */
  acquire(options: AcquireOptions): Promise<SessionBrowser>;
  stats(): BrowserPoolStats;
  /** Closes every context and the browser; no Chromium process survives it. */
  close(): Promise<void>;
}

export interface AcquireOptions {
  sessionId: string;
  /** Storage state to restore (cookies, origins' localStorage) — snapshots, issue 3. */
  storageState?: StorageState | undefined;
  /** This session's domain lists (issue 3): deny wins; a non-empty allow list limits the session to it. */
  egress?: { allowDomains?: string[] | undefined; denyDomains?: string[] | undefined } | undefined;
  /** The API key that owns the session: with per-key isolation its sessions share a Chromium of their own. */
  apiKeyId?: string | undefined;
  /**
   * An upstream proxy every allowed request of this session is forwarded through
   * (`http://[user:pass@]host:port` or `socks5://[user:pass@]host:port`); the firewall decides first.
   */
  upstreamProxy?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What a session asks of its browser beyond its id: kept by the session so a fresh context gets the same. */
export type SessionBrowserOptions = Omit<AcquireOptions, 'sessionId' | 'storageState' | 'signal'>;

export interface BrowserPoolStats {
  warm: number;
  active: number;
  browserConnected: boolean;
}

export type StorageState = Record<string, unknown>;

export interface PageInfo {
  url: string;
  title: string;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
}

export interface ScreenshotOptions extends CallOptions {
  /** Draw the latest observation's indices on the elements in view (for vision models). */
  marks?: boolean | undefined;
}

export interface SessionBrowser {
  readonly sessionId: string;
  /**
   * Navigates the active tab; rejects with `EgressBlockedError` for a URL the egress policy
   * refuses (the API answers 403 `url_blocked`) and `NavigationError` for one that cannot be loaded.
   */
  navigate(url: string, options?: CallOptions): Promise<PageInfo>;
  /** JPEG of the active tab's viewport. */
  screenshot(options?: ScreenshotOptions): Promise<{ jpeg: Buffer } & PageInfo>;
  /** What the model sees: see `Observation`. */
  observe(options?: CallOptions): Promise<Observation>;
  act(action: BrowserAction, options?: CallOptions): Promise<ActionResult>;
  pageInfo(): Promise<PageInfo>;
  storageState(): Promise<StorageState>;
  /**
   * Streams the active tab's screen as JPEG frames (CDP screencast) until `stop`. Frames come as
   * fast as the page changes, at most `maxWidth` × `maxHeight`; a slow consumer should drop frames.
   */
  startScreencast(onFrame: (frame: ScreencastFrame) => void, options?: ScreencastOptions): Promise<{ stop(): Promise<void> }>;
  /** Mouse and keyboard input from a person watching the live view (CSS pixels of the viewport). */
  input(event: LiveInput, options?: CallOptions): Promise<void>;
  /** Called once if the context, its page or the browser dies under this session; returns the unsubscribe. */
  onCrash(listener: (reason: string) => void): () => void;
  /** Closes the context. Idempotent. */
  close(): Promise<void>;
}

export interface ScreencastFrame {
  jpeg: Buffer;
  /** Size of the page area the frame shows, in CSS pixels (for mapping clicks back). */
  width: number;
  height: number;
}

export interface ScreencastOptions {
  maxWidth?: number;
  maxHeight?: number;
  quality?: number;
}

export type LiveInput =
  | { type: 'click'; x: number; y: number; button?: 'left' | 'right' | 'middle' | undefined }
  | { type: 'move'; x: number; y: number }
  | { type: 'wheel'; x: number; y: number; deltaX: number; deltaY: number }
  | { type: 'type'; text: string }
  | { type: 'key'; key: string };

/** One interactive element, indexed for the model. */
export interface ObservedElement {
  index: number;
  /** ARIA role or tag-derived role: button, link, textbox, checkbox, combobox, … */
  role: string;
  /** Accessible name (label, aria-label, text, placeholder, alt, title). */
  name: string;
  tag: string;
  value?: string;
  href?: string;
  /** e.g. checked, disabled, required, expanded, selected. */
  states?: string[];
  /** For selects: the option labels. */
  options?: string[];
  /** True when the element was not in the previous observation of this session. */
  isNew: boolean;
}

export interface Observation {
  url: string;
  title: string;
  elements: ObservedElement[];
  /** Visible text outline (headings, paragraphs, list items), trimmed to a budget. */
  text: string;
  /** True when `text` or `elements` were cut to fit; the model can scroll or read more. */
  truncated: boolean;
  scroll: { y: number; height: number; viewportHeight: number };
  tabs: { index: number; url: string; title: string; active: boolean }[];
  /** A native dialog waiting for an answer, if any. */
  dialog?: { type: string; message: string };
}

export type BrowserAction =
  | { kind: 'navigate'; url: string }
  | { kind: 'click'; index: number }
  | { kind: 'type'; index: number; text: string; clear?: boolean; submit?: boolean }
  | { kind: 'select'; index: number; option: string }
  /**
   * Without `index` or `toText`: the page by `amount` viewports (direction defaults to down).
   * `index` alone: that element into view; with a direction: inside the element's scroll
   * container. `toText`: to the first visible occurrence of that text.
   */
  | {
      kind: 'scroll';
      direction?: 'up' | 'down' | undefined;
      amount?: number | undefined;
      index?: number | undefined;
      toText?: string | undefined;
    }
  | { kind: 'press'; key: string }
  | { kind: 'hover'; index: number }
  /** Sets a checkbox, radio or switch to `checked`; does nothing when it already is. */
  | { kind: 'check'; index: number; checked: boolean }
  | { kind: 'back' }
  | { kind: 'forward' }
  | { kind: 'reload' }
  /** Opens `url` in a new tab that becomes active; the URL passes the same checks as navigate. */
  | { kind: 'open_tab'; url: string }
  /** `index` as in `Observation.tabs`. */
  | { kind: 'switch_tab'; index: number }
  /** Closes the tab at `index` (default: the active one); never the last tab. */
  | { kind: 'close_tab'; index?: number | undefined }
  /** Waits for `text` to be visible on the active page, or without text for the page to settle. */
  | { kind: 'wait_for'; text?: string | undefined; timeoutMs?: number | undefined }
  | { kind: 'read_text'; page?: number };

export interface ActionResult {
  ok: boolean;
  /** Human- and model-readable outcome ("Clicked button 'Submit'", "No element with index 12"). */
  message: string;
  /** True when the URL or the document changed, so later actions planned on the old page stop. */
  pageChanged: boolean;
  /** Text returned by read_text. */
  text?: string;
}

export class BrowserClosedError extends Error {
  constructor(message = 'The browser context is closed', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrowserClosedError';
  }
}

export class BrowserCapacityError extends Error {
  constructor(message = 'No browser capacity available', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrowserCapacityError';
  }
}

export class NavigationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NavigationError';
  }
}

/** The egress policy refused the URL (or a redirect hop of it); `reason` is readable by people and models. */
export class EgressBlockedError extends NavigationError {
  constructor(
    readonly url: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Blocked by the egress policy: ${url} (${reason})`, options);
    this.name = 'EgressBlockedError';
  }
}
