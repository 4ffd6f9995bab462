import type { Page, Request } from 'playwright-core';

export interface ActivityMark {
  navigationRequests: number;
  documents: number;
  mainFrameNavigations: number;
  settledNavigations: number;
}

/**
 * Counts what happens to one page's main frame (navigation requests, committed navigations,
 * new documents), so an action can tell whether it started a navigation and wait for exactly
 * that, instead of sleeping.
 */
export class PageActivity {
  private navigationRequests = 0;
  private documents = 0;
  private mainFrameNavigations = 0;
  /** Navigation requests that ended without a new document: failed, aborted, 204, download. */
  private settledNavigations = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly page: Page) {
    page.on('request', (request) => {
      if (this.isMainNavigation(request)) this.bump(() => this.navigationRequests++);
    });
    page.on('requestfailed', (request) => {
      if (this.isMainNavigation(request)) this.bump(() => this.settledNavigations++);
    });
    page.on('requestfinished', (request) => {
      if (!this.isMainNavigation(request)) return;
      request
        .response()
        .then((response) => {
          const status = response?.status() ?? 0;
          const attachment = /attachment/i.test(response?.headers()['content-disposition'] ?? '');
          if (status === 204 || status === 205 || attachment) this.bump(() => this.settledNavigations++);
        })
        .catch(() => undefined);
    });
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) this.bump(() => this.mainFrameNavigations++);
    });
    page.on('domcontentloaded', () => this.bump(() => this.documents++));
  }

  mark(): ActivityMark {
    return {
      navigationRequests: this.navigationRequests,
      documents: this.documents,
      mainFrameNavigations: this.mainFrameNavigations,
      settledNavigations: this.settledNavigations,
    };
  }

  /**
   * Resolves true as soon as `predicate(current)` holds, false after `timeoutMs`; rejects
   * with the signal's reason when it aborts.
   */
  waitFor(predicate: (now: ActivityMark) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      if (predicate(this.mark())) {
        resolve(true);
        return;
      }
      const finish = (fn: () => void): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const check = (): void => {
        if (predicate(this.mark())) finish(() => resolve(true));
      };
      const onAbort = (): void => finish(() => reject(signal?.reason));
      const timer = setTimeout(() => finish(() => resolve(false)), timeoutMs);
      this.listeners.add(check);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private isMainNavigation(request: Request): boolean {
    try {
      return request.isNavigationRequest() && request.frame() === this.page.mainFrame();
    } catch {
      // Service-worker requests have no frame.
      return false;
    }
  }

  /** Re-checks pending waits after something outside this page happened (a new tab). */
  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private bump(change: () => void): void {
    change();
    this.notify();
  }
}
