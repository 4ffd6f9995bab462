import type { BrowserContext, Route } from 'playwright-core';
import type { NavigationGuard } from '../port.ts';

export interface NavigationStop {
  url: string;
  reason: string;
}

/**
 * The browser half of the data-flow rule: while a task's guard is set, every document request of
 * the session's context (a tab's or a frame's navigation, a form submission, a popup) is shown to
 * it before it leaves, and the ones it refuses are aborted, so that a page the agent clicks on
 * cannot carry what the agent typed to a site the task never named. A stopped request is answered
 * in the browser itself and the tab stays where it was. Other requests pass untouched
 * (`fallback`), and with no guard set nothing is routed at all.
 *
 * A request carrying the value of another site's cookie counts as carrying a secret.
 * The guard sees the `Referer` the request would carry: a page whose referrer policy is
 * `unsafe-url` sends its full URL (a search the agent typed, an order number) along; the header
 * cannot be rewritten through the route (Chromium sets it from the request's referrer), so such a
 * request is judged by it too.
 *
 * Limits: Chromium follows a redirect without asking the route again, so a site the task named
 * that redirects elsewhere with the data is that site's doing; subresource requests of a page (its
 * scripts' fetches) are the page's, not the agent's.
 */
export class NavigationStops {
  #guard: NavigationGuard | undefined;
  #routed = false;
  readonly #listeners = new Set<(stop: NavigationStop) => void>();

  constructor(
    private readonly context: BrowserContext,
    /** Whether text holds a value only the adapter knows (a card number, a session secret). */
    private readonly holdsSecret: (text: string) => boolean,
    /** The URL as it may be reported (secrets masked). */
    private readonly shown: (url: string) => string,
  ) {}

  async set(guard: NavigationGuard | undefined): Promise<void> {
    this.#guard = guard;
    if (guard === undefined || this.#routed) return;
    this.#routed = true;
    await this.context.route('**/*', (route) => this.#decide(route));
  }

  /** Collects the stops made until `stop` is called (one action's). */
  record(): { stops: NavigationStop[]; stop: () => void } {
    const stops: NavigationStop[] = [];
    const listener = (stop: NavigationStop): void => void stops.push(stop);
    this.#listeners.add(listener);
    return { stops, stop: () => this.#listeners.delete(listener) };
  }

  /**
   * Whether the URL or body holds the value of a cookie of another site than the request's (a
   * session id a page's script read from `document.cookie`): the destination's own cookies are
   * its own. Asked only of requests that carry data at all.
   */
  async #carriesCookie(url: string, body: string | undefined): Promise<boolean> {
    let host: string;
    let payload: string;
    try {
      const parsed = new URL(url);
      host = parsed.hostname;
      payload = decoded(`${parsed.pathname}${parsed.search}${parsed.hash} ${body ?? ''}`);
    } catch {
      return false;
    }
    if (payload.trim().length < MIN_COOKIE_VALUE) return false;
    const cookies = await this.context.cookies().catch(() => []);
    return cookies.some((cookie) => {
      const domain = cookie.domain.replace(/^\./, '');
      const own = host === domain || host.endsWith(`.${domain}`);
      return !own && cookie.value.length >= MIN_COOKIE_VALUE && payload.includes(cookie.value);
    });
  }

  async #decide(route: Route): Promise<void> {
    const request = route.request();
    const guard = this.#guard;
    // A document the browser fetches ahead (a link prefetched on hover) carries what its URL does.
    if (guard === undefined || (!request.isNavigationRequest() && request.resourceType() !== 'document')) return fallback(route);
    const url = request.url();
    const body = request.postData() ?? undefined;
    const carriesSecret = this.holdsSecret(decoded(url)) || (body !== undefined && this.holdsSecret(decoded(body)));
    const referer = (await request.headerValue('referer').catch(() => null)) ?? undefined;
    const secret = carriesSecret || (referer !== undefined && this.holdsSecret(decoded(referer))) || (await this.#carriesCookie(url, body));
    const reason = guard({ url, method: request.method(), body, referer, carriesSecret: secret });
    if (reason === undefined) return fallback(route);
    const stop = { url: this.shown(url), reason };
    for (const listener of this.#listeners) listener(stop);
    // Answered here, never sent: a 204 makes Chromium stay on the page it was on (an abort would
    // replace the tab with an error page, and the agent would lose the page it was working on).
    await route.fulfill({ status: 204, body: '' }).catch(() => undefined);
  }
}

/** Cookie values shorter than this are too common ("1", "en", "true") to be anyone's session. */
const MIN_COOKIE_VALUE = 8;

/** Lets the request go on as if unrouted; a page closed meanwhile is no error. */
function fallback(route: Route): Promise<void> {
  return route.fallback().catch(() => undefined);
}

/** Percent-encoding and form `+` undone, so a value is found however the form encoded it. */
function decoded(text: string): string {
  const plus = text.replace(/\+/g, ' ');
  try {
    return `${text} ${decodeURIComponent(plus)}`;
  } catch {
    return `${text} ${plus}`;
  }
}
