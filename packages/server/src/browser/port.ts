import type { Readable } from 'node:stream';
import type { PaymentSecretRef, SecretVault } from './secret-vault.ts';

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
  /**
   * This session's domain lists (issue 3): deny wins; a non-empty allow list limits the session to
   * it. `onlyAddress` (`ip:port`) instead: the one destination of the session, reached although
   * the address rules refuse it — the server's own demo site on loopback (`EgressPolicy.forSession`).
   */
  egress?: { allowDomains?: string[] | undefined; denyDomains?: string[] | undefined; onlyAddress?: string | undefined } | undefined;
  /** The API key that owns the session: with per-key isolation its sessions share a Chromium of their own. */
  apiKeyId?: string | undefined;
  /**
   * An upstream proxy every allowed request of this session is forwarded through
   * (`http://[user:pass@]host:port` or `socks5://[user:pass@]host:port`); the firewall decides first.
   */
  upstreamProxy?: string | undefined;
  /** The session's files: what `upload` may put into a page, and where downloads are kept. */
  files?: SessionFileAccess | undefined;
  /** Where `fill_secret` gets the values it fills (payment tokens); without it that action is refused. */
  vault?: SecretVault | undefined;
  /**
   * An `external-cdp` session: the DevTools WebSocket (`ws://host:port/devtools/browser/<id>`) of
   * the client's own Chromium. The session gets a context of its own in that browser instead of one
   * of the pool's; the address passes the egress policy first. Throws `ExternalBrowserError`.
   */
  externalCdpUrl?: string | undefined;
  /**
   * A `desktop` session: no browser at all. The session's "browser" is the client's own screen
   * (`ClientScreen`), seen through the screenshots the client sends with each step and driven by
   * the actions it is answered with.
   */
  clientScreen?: true | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * The session's files as its browser sees them (the sessions layer provides them). Names are those
 * of the session's file list; a download's suggested name is made safe and unique on saving.
 */
export interface SessionFileAccess {
  /** Oldest first. */
  names(): Promise<string[]>;
  /** Where the file lies on this machine, or undefined when the session has no file of that name. */
  pathOf(name: string): Promise<string | undefined>;
  /** Most bytes a download may have now: the per-file cap, or what is left of the session's total. */
  room(): Promise<{ bytes: number; limit: 'file' | 'session' }>;
  /**
   * Keeps a download. Past `room` it stops reading (the caller drops the rest) and answers
   * `too_large`; rejects when the session is gone or the signal aborts.
   */
  saveDownload(suggestedName: string, data: Readable, signal?: AbortSignal): Promise<SavedDownload>;
}

export type SavedDownload =
  | { ok: true; name: string; size: number }
  | { ok: false; reason: 'too_large'; limit: 'file' | 'session'; limitBytes: number };

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
  /**
   * Scale the image down (aspect kept) to at most this many pixels wide; never up. For small
   * pictures kept in bulk (the session's replay). Not with `marks`, and a client's screen ignores it.
   */
  maxWidth?: number | undefined;
  /** JPEG quality, 1–100 (default 70). Not with `marks`, and a client's screen ignores it. */
  quality?: number | undefined;
}

export interface SessionBrowser {
  readonly sessionId: string;
  /**
   * Navigates the active tab; rejects with `EgressBlockedError` for a URL the egress policy
   * refuses (the API answers 403 `url_blocked`) and `NavigationError` for one that cannot be loaded.
   */
  navigate(url: string, options?: CallOptions): Promise<PageInfo>;
  /**
   * JPEG of the active tab's viewport. A client's screen answers with the image the client sent,
   * which may be a PNG: `mediaType` says so (absent means JPEG).
   */
  screenshot(options?: ScreenshotOptions): Promise<{ jpeg: Buffer; mediaType?: 'image/png' | undefined } & PageInfo>;
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
  /**
   * Asks `guard` about every document request (a tab's or a frame's navigation, a form
   * submission) before it leaves, and stops the ones it refuses; undefined removes it. An action
   * whose navigation was stopped fails, saying why. A task's agent sets one for the task's life.
   */
  setNavigationGuard(guard: NavigationGuard | undefined): Promise<void>;
  /** Closes the context. Idempotent. */
  close(): Promise<void>;
}

/** A document request about to leave the browser. */
export interface NavigationRequest {
  url: string;
  method: string;
  /** The form body of a POST, as sent (e.g. `a=1&b=2`). */
  body: string | undefined;
  /** The `Referer` it carries: the referring page's full URL where its referrer policy allows. */
  referer?: string | undefined;
  /** It holds a value only this adapter knows: a payment card's number, a session secret. */
  carriesSecret: boolean;
}

/** Why the request must not leave, or undefined to let it go. Pure and quick: it runs for every navigation. */
export type NavigationGuard = (request: NavigationRequest) => string | undefined;

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
  /**
   * Set when a field had no accessible name and `name` is a guess: `nearby-text`, the label-like
   * text beside it (before it, the table cell before it, its wrapper's text); `position`, its place
   * among the fields of its kind ("text field 3 of 4 of form 'Sign up'").
   */
  nameFrom?: 'nearby-text' | 'position';
  /**
   * For an element with no name: what tells it apart to the eye — `circle, fill #ff0000 red` (an
   * SVG shape), `colour #00ff00 green` (a swatch), `icon trash` (from its class), `image cart.png`.
   */
  looks?: string;
  tag: string;
  /** The current value, cut at 200 characters (then `valueLength` is set). */
  value?: string;
  /** Set when `value` was cut: the whole value's length. `read_text` with the element's index reads all of it. */
  valueLength?: number;
  href?: string;
  /** e.g. checked, disabled, required, expanded, selected. */
  states?: string[];
  /** For selects: the option labels. */
  options?: string[];
  /** For inputs whose value has a type (date, time, number, range, color, email, …): see `InputDetails`. */
  input?: InputDetails;
  /** For file inputs (role `file`, `value` = the chosen file names): the types the page asks for, when it says. */
  accept?: string;
  /**
   * A field whose value is a secret: a password, or an input the page marks as a one-time code,
   * card number or security code (`autocomplete`). Its `value` is `••••` when filled, and what the
   * agent types into it is masked in everything Steward records.
   */
  sensitive?: true;
  /**
   * Set while a payment token's card is filled into the page (`fill_secret`): `filled` on each
   * field holding a card value (its `value` is `•••• 4242` or `•••`), `submit` on a control that
   * submits the form holding them.
   */
  payment?: 'filled' | 'submit';
  /**
   * The document of the cross-origin frame the element is in (absent: the tab's own document). Its
   * site, not the tab's, is where what is typed into the element goes.
   */
  frameUrl?: string;
  /**
   * Where the element is drawn: its border box in CSS pixels of the tab's viewport, the
   * coordinates of the screenshot and of `click_at`, `hover_at`, `drag` and `mouse_wheel` (so
   * it may lie partly or wholly outside the viewport). Rounded to whole pixels.
   */
  box?: ElementBox;
  /** True when the element was not in the previous observation of this session. */
  isNew: boolean;
}

/** A rectangle in CSS pixels of the tab's viewport, from its top-left corner. */
export interface ElementBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A point in CSS pixels of the tab's viewport (the screenshot's pixels), from its top-left corner. */
export interface ViewportPoint {
  x: number;
  y: number;
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
  /** Something the browser did on its own that the model must know (a hung tab replaced). */
  notice?: string;
  /** A native dialog: see `ObservedDialog`. */
  dialog?: ObservedDialog;
  /** Names of the session's files, which `upload` can put into a file input; absent when there are none. */
  files?: string[];
  /** Downloads that ended since the previous observation and were not reported in an action's result. */
  downloads?: string[];
  /**
   * A client's screen (desktop session) rather than a page: its size in pixels of the screenshot.
   * There are no elements and no text; the screenshot is all there is to see. `digest` names the
   * image's bytes, so an unchanged screen can be told from a changed one.
   */
  screen?: { width: number; height: number; digest: string };
}

/**
 * An `<input>` whose value is typed: date, time, datetime-local, month, week, number, range,
 * color, email, tel or url. Attributes the page did not set are absent.
 */
export interface InputDetails {
  type: string;
  min?: string;
  max?: string;
  step?: string;
  /** How `type` must write the value, for date-like and color inputs: `yyyy-mm-dd`, `hh:mm`, … */
  format?: string;
}

/**
 * `open: true`: a confirm or prompt on the active tab waiting for `answer_dialog`; the tab runs no
 * script until it is answered (or dismissed automatically after a bounded time), so the
 * observation has no elements then. `open: false`: a dialog answered without the model since the
 * previous observation (alerts and beforeunload are accepted at once; an unanswered one times
 * out), with how in `message`.
 */
export interface ObservedDialog {
  type: string;
  message: string;
  open: boolean;
  /** A prompt's prefilled text. */
  defaultValue?: string;
}

export type MouseButton = 'left' | 'right' | 'middle';

/** One end of a drag: the centre of the element with this index, or a point. */
export type DragEnd = { index: number } | ViewportPoint;

/** Clicks one `click_at` may make at once: a single, double or triple click. */
export const MAX_CLICKS = 3;
/** Largest wheel movement of one `mouse_wheel`, in CSS pixels each way. */
export const MAX_WHEEL_DELTA = 10_000;
/** The longest `wait` action. */
export const MAX_WAIT_SECONDS = 30;

export type BrowserAction =
  | { kind: 'navigate'; url: string }
  | { kind: 'click'; index: number }
  | { kind: 'type'; index: number; text: string; clear?: boolean; submit?: boolean }
  /**
   * Chooses the option with this label or value; a list chooses exactly those options of a
   * `<select multiple>` (a list of more than one for a single select is refused).
   */
  | { kind: 'select'; index: number; option: string | string[] }
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
  /** A mouse click at a point: `clicks` 2 is a double click. For what has no element to name (SVG, canvas, maps). */
  | { kind: 'click_at'; x: number; y: number; button?: MouseButton | undefined; clicks?: number | undefined }
  /** Moves the mouse to a point (menus and tooltips that open on hover). */
  | { kind: 'hover_at'; x: number; y: number }
  /**
   * Presses the mouse on `from`, moves it to `to` in steps and releases it there: HTML5
   * drag-and-drop, pointer-event drags and sortable lists alike. Each end is an element index
   * (its centre) or a point.
   */
  | { kind: 'drag'; from: DragEnd; to: DragEnd }
  /** Turns the mouse wheel over a point (default: the viewport's centre): a map's zoom, a custom scroller. */
  | { kind: 'mouse_wheel'; x?: number | undefined; y?: number | undefined; deltaX?: number | undefined; deltaY: number }
  /** Types `text` at the keyboard focus, wherever it is (a canvas editor, a desktop application). */
  | { kind: 'type_text'; text: string }
  /** Waits `seconds` (at most MAX_WAIT_SECONDS) for something that takes time: an animation, a slow application. */
  | { kind: 'wait'; seconds: number }
  /** Selects the first visible occurrence of `text` (at most SELECT_TEXT_MAX_CHARS), on the page or inside the element `index`. */
  | { kind: 'select_text'; text: string; index?: number | undefined }
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
  /**
   * Waits for one thing: `text` visible; an element (`role` and/or `name`) visible; the URL to
   * contain `urlContains`; a new document in the tab (`navigation`); or, with none, the page's
   * load event. Frames and open shadow roots count.
   */
  | {
      kind: 'wait_for';
      text?: string | undefined;
      role?: string | undefined;
      name?: string | undefined;
      urlContains?: string | undefined;
      navigation?: boolean | undefined;
      timeoutMs?: number | undefined;
    }
  /**
   * One page of the active tab's visible text; with `index`, of that element's whole value (a
   * field's, the selected options of a select, otherwise its visible text), up to
   * `READ_VALUE_MAX_CHARS`. A secret field's value is never read.
   */
  | { kind: 'read_text'; page?: number; index?: number }
  /**
   * Puts session files (by name) into the file input with `index`, or into the file chooser that
   * clicking the element opens (a button or label in front of a hidden input).
   */
  | { kind: 'upload'; index: number; files: string[] }
  /**
   * Answers the dialog open on the active tab: `accept` is OK, otherwise Cancel; `text` is what a
   * prompt gets. While a dialog is open every other action is refused.
   */
  | { kind: 'answer_dialog'; accept: boolean; text?: string | undefined }
  /**
   * Fills secrets the adapter resolves through the session's vault into the elements with these
   * indices; the values never leave the browser layer (observations show their `display`,
   * screenshots show them masked). All or nothing: on a refusal, what was filled is cleared.
   */
  | { kind: 'fill_secret'; fields: { index: number; ref: PaymentSecretRef }[] }
  /** Empties every field `fill_secret` filled that is still on a page (a denied or abandoned payment). */
  | { kind: 'clear_secrets' };

export interface ActionResult {
  ok: boolean;
  /** Human- and model-readable outcome ("Clicked button 'Submit'", "No element with index 12"). */
  message: string;
  /** True when the URL or the document changed, so later actions planned on the old page stop. */
  pageChanged: boolean;
  /** Text returned by read_text. */
  text?: string;
  /** read_text: how many pages the whole text has. */
  textPages?: number;
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

/** A client's browser (`externalCdpUrl`) that was refused or could not be reached: the client's to fix. */
export class ExternalBrowserError extends Error {
  constructor(
    message: string,
    readonly kind: 'refused' | 'unreachable',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExternalBrowserError';
  }
}

export class NavigationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NavigationError';
  }
}

/**
 * The page cannot be captured: a native dialog waits for an answer (`dialogOpen`), or the
 * page did not paint in time (a hung renderer).
 */
export class ScreenshotError extends Error {
  constructor(
    message: string,
    readonly dialogOpen: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ScreenshotError';
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

/** Longest phrase a `select_text` action looks for. */
export const SELECT_TEXT_MAX_CHARS = 1_000;
