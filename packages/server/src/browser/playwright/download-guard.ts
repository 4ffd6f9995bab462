import type { BrowserContext, Download, Page } from 'playwright-core';

interface Arriving {
  guid: string;
  url: string;
  name: string;
  received: number;
  total: number;
  /** The Playwright download this is, once matched. */
  limit?: Limit | undefined;
}

interface Limit {
  download: Download;
  capBytes: number;
  exceeded: boolean;
  matched: boolean;
}

/**
 * Stops a download while it is still arriving once it passes its cap. Playwright hands over a
 * download's bytes only when Chromium has all of them; Chromium's DevTools protocol reports the
 * progress (and the announced size) of every download of a page, so a page gets a DevTools
 * session of its own for it. A download begun before that session is ready is capped only when
 * it is read (`SessionFileAccess.saveDownload`).
 */
export class DownloadGuard {
  private readonly arriving: Arriving[] = [];
  private readonly unmatched: Limit[] = [];

  /** Starts following the downloads of `page`; failures only mean this page is not guarded. */
  async watch(context: BrowserContext, page: Page): Promise<void> {
    try {
      const cdp = await context.newCDPSession(page);
      cdp.on('Page.downloadWillBegin', (event) => {
        const entry: Arriving = { guid: event.guid, url: event.url, name: event.suggestedFilename, received: 0, total: 0 };
        this.arriving.push(entry);
        this.match(entry);
      });
      cdp.on('Page.downloadProgress', (event) => {
        const at = this.arriving.findIndex((entry) => entry.guid === event.guid);
        const entry = this.arriving[at];
        if (entry === undefined) return;
        if (event.state !== 'inProgress') {
          this.arriving.splice(at, 1);
          return;
        }
        entry.received = event.receivedBytes;
        entry.total = event.totalBytes;
        this.check(entry);
      });
      await cdp.send('Page.enable');
    } catch {
      // a page closed before its session was set up has no downloads to guard
    }
  }

  /**
   * Cancels `download` as soon as it has (or announces) more than `capBytes`. `exceeded()` says
   * whether that happened; `stop()` forgets the download.
   */
  limit(download: Download, capBytes: number): { exceeded(): boolean; stop(): void } {
    const limit: Limit = { download, capBytes, exceeded: false, matched: false };
    const entry = this.arriving.find((e) => e.limit === undefined && e.url === download.url() && e.name === download.suggestedFilename());
    if (entry === undefined) this.unmatched.push(limit);
    else this.attach(entry, limit);
    return {
      exceeded: () => limit.exceeded,
      stop: () => {
        const at = this.unmatched.indexOf(limit);
        if (at >= 0) this.unmatched.splice(at, 1);
        for (const e of this.arriving) if (e.limit === limit) e.limit = undefined;
      },
    };
  }

  /** The DevTools notice can come after Playwright's: match it to a download waiting for it. */
  private match(entry: Arriving): void {
    const at = this.unmatched.findIndex((l) => l.download.url() === entry.url && l.download.suggestedFilename() === entry.name);
    const limit = this.unmatched[at];
    if (limit === undefined) return;
    this.unmatched.splice(at, 1);
    this.attach(entry, limit);
  }

  private attach(entry: Arriving, limit: Limit): void {
    entry.limit = limit;
    limit.matched = true;
    this.check(entry);
  }

  private check(entry: Arriving): void {
    const limit = entry.limit;
    if (limit === undefined || limit.exceeded) return;
    if (entry.received > limit.capBytes || entry.total > limit.capBytes) {
      limit.exceeded = true;
      limit.download.cancel().catch(() => undefined);
    }
  }
}
