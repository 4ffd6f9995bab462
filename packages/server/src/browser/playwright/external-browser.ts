import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { isIP } from 'node:net';
import { checkUrlDestination, type DestinationDecision, type EgressResolver } from '../../safety/check-destination.ts';
import type { EgressPolicy } from '../../safety/egress-policy.ts';
import { errorMessage } from '../../util/abort.ts';
import { ExternalBrowserError } from '../port.ts';
import { openPinnedCdpTransport } from './cdp-transport.ts';
import { markPointerListeners } from './listener-marks.ts';

export interface ExternalBrowserSettings {
  /** The session's egress policy; without one (no firewall configured) any address is reached. */
  policy: EgressPolicy | undefined;
  resolver: EgressResolver;
  viewport: { width: number; height: number };
  actionTimeoutMs: number;
  navigationTimeoutMs: number;
  /** How long the DevTools handshake may take. */
  connectTimeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** A context Steward opened in a client's Chromium, and how to leave that browser as it was found. */
export interface ExternalBrowser {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Where it is, for logs: `host:port`, never the path (the browser id is its only credential). */
  readonly address: string;
  /** Closes the context Steward opened, then disconnects; the browser and its own tabs stay. */
  release(): Promise<void>;
}

/**
 * Connects to the client's Chromium at `cdpUrl` (its DevTools WebSocket) and opens a context of
 * its own there, with the same init scripts and timeouts as the pool's contexts.
 *
 * Before any packet leaves: the URL must be `ws://` or `wss://`, and its host passes the egress
 * policy with its DNS answers, exactly like a page's request; the connection goes to the address
 * that was checked and follows no redirect (`openPinnedCdpTransport`). An `http://` DevTools
 * address is refused: it answers with a WebSocket URL of its choosing.
 */
export async function connectExternalBrowser(cdpUrl: string, settings: ExternalBrowserSettings): Promise<ExternalBrowser> {
  let url: URL;
  try {
    url = new URL(cdpUrl);
  } catch {
    throw new ExternalBrowserError('cdp_url is not a valid URL', 'refused');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new ExternalBrowserError(
      `cdp_url must be the browser's DevTools WebSocket, ws://host:port/devtools/browser/<id> (${url.protocol}// is not: ${url.protocol === 'http:' || url.protocol === 'https:' ? 'an HTTP DevTools address answers with a WebSocket of its choosing; take webSocketDebuggerUrl from its /json/version' : 'not a WebSocket'})`,
      'refused',
    );
  }
  const signal = settings.signal ?? new AbortController().signal;
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'wss:' ? 443 : 80;
  const address = `${url.hostname}:${port}`;
  let decision;
  try {
    decision = settings.policy === undefined ? await anyAddress(settings.resolver, url, port, signal) : await checkUrlDestination(settings.policy, settings.resolver, url, { signal });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new ExternalBrowserError(`cdp_url: ${errorMessage(error)}`, 'unreachable', { cause: error });
  }
  if (!decision.allowed) throw new ExternalBrowserError(`cdp_url was ${decision.reason} (egress policy)`, 'refused');

  let browser: Browser;
  try {
    const transport = await openPinnedCdpTransport(url, decision.address, settings.connectTimeoutMs);
    browser = await chromium.connectOverCDP(transport, { timeout: settings.connectTimeoutMs });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new ExternalBrowserError(`could not connect to the browser at cdp_url (${address}): ${firstLine(errorMessage(error))}`, 'unreachable', { cause: error });
  }
  const disconnect = (): Promise<void> => browser.close().catch(() => undefined);
  try {
    if (signal.aborted) throw signal.reason;
    const context = await browser.newContext({ viewport: settings.viewport, acceptDownloads: true });
    context.setDefaultTimeout(settings.actionTimeoutMs);
    context.setDefaultNavigationTimeout(settings.navigationTimeoutMs);
    await markPointerListeners(context);
    const page = await context.newPage();
    let released: Promise<void> | undefined;
    return {
      browser,
      context,
      page,
      address,
      release: () => {
        released ??= context
          .close()
          .catch(() => undefined)
          .then(disconnect);
        return released;
      },
    };
  } catch (error) {
    await disconnect();
    if (signal.aborted) throw signal.reason;
    throw new ExternalBrowserError(`the browser at cdp_url (${address}) would not open a context: ${firstLine(errorMessage(error))}`, 'unreachable', { cause: error });
  }
}

/** Without a firewall: the first address the name resolves to (still pinned, so it is one address). */
async function anyAddress(resolver: EgressResolver, url: URL, port: number, signal: AbortSignal): Promise<DestinationDecision> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0) return { allowed: true, address: host, port };
  const [first] = await resolver(host, { signal });
  if (first === undefined) throw new Error(`${host} has no addresses`);
  return { allowed: true, address: first, port };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
