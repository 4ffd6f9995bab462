import { describe, expect, it } from 'vitest';
import { BrowserClosedError, NavigationError, type SessionBrowser } from '../../../src/browser/port.ts';
import { JPEG_MAGIC, jpegSize } from '../../support/jpeg-size.ts';

/** What a contract run needs of an adapter: fresh sessions, and an http page they can open. */
export interface ContractSubject {
  /** A new session of the adapter under test; closed by the suite. */
  open(): Promise<SessionBrowser>;
  /** An http(s) URL the adapter's sessions can load (`CONTRACT_PAGE` where it serves pages). */
  pageUrl(): string;
}

/** The page a subject serves for the suite. */
export const CONTRACT_PAGE = '<!doctype html><html><head><title>Contract page</title></head><body><h1>Contract</h1><button>Go</button></body></html>';


/**
 * The `SessionBrowser` port's contract (browser/port.ts), one suite for every adapter: the fake
 * that unit tests of the layers above stand on must behave as the Playwright adapter does where
 * those layers look. An adapter's own behaviour beyond the port is tested beside it.
 */
export function describeSessionBrowserContract(adapter: string, subject: () => ContractSubject): void {
  describe(`SessionBrowser contract: ${adapter}`, () => {
    const withSession = async (use: (session: SessionBrowser, s: ContractSubject) => Promise<void>): Promise<void> => {
      const s = subject();
      const session = await s.open();
      try {
        await use(session, s);
      } finally {
        await session.close();
      }
    };

    it('navigates to an http page and reports it the same way in navigate, pageInfo and observe', () =>
      withSession(async (session, s) => {
        const info = await session.navigate(s.pageUrl());
        expect(info.url).toBe(s.pageUrl());
        expect(await session.pageInfo()).toEqual(info);
        const observation = await session.observe();
        expect(observation.url).toBe(info.url);
        expect(observation.tabs.filter((tab) => tab.active)).toHaveLength(1);
        expect(observation.tabs.find((tab) => tab.active)?.url).toBe(info.url);
        expect(typeof observation.text).toBe('string');
        expect(Array.isArray(observation.elements)).toBe(true);
      }));

    it('refuses a URL that is not http(s) with a NavigationError, and the session stays usable', () =>
      withSession(async (session, s) => {
        await expect(session.navigate('file:///etc/passwd')).rejects.toBeInstanceOf(NavigationError);
        expect((await session.navigate(s.pageUrl())).url).toBe(s.pageUrl());
      }));

    it('answers an action on the page with a result, never a throw, for page-level outcomes', () =>
      withSession(async (session, s) => {
        await session.navigate(s.pageUrl());
        const result = await session.act({ kind: 'scroll', direction: 'down', amount: 0.5 });
        expect(result).toMatchObject({ ok: expect.any(Boolean), message: expect.any(String), pageChanged: expect.any(Boolean) });
        const refused = await session.act({ kind: 'navigate', url: 'file:///etc/passwd' });
        expect(refused.ok).toBe(false);
      }));

    it('takes a JPEG screenshot with the page it shows', () =>
      withSession(async (session, s) => {
        await session.navigate(s.pageUrl());
        const shot = await session.screenshot();
        expect([...shot.jpeg.subarray(0, 3)]).toEqual(JPEG_MAGIC);
        expect(shot.url).toBe(s.pageUrl());
      }));

    it('takes a smaller JPEG no wider than maxWidth when asked, with the page it shows', () =>
      withSession(async (session, s) => {
        await session.navigate(s.pageUrl());
        const full = await session.screenshot();
        const small = await session.screenshot({ maxWidth: 320, quality: 40 });
        expect([...small.jpeg.subarray(0, 3)]).toEqual(JPEG_MAGIC);
        expect(small.url).toBe(s.pageUrl());
        expect(small.jpeg.length).toBeLessThanOrEqual(full.jpeg.length);
        // An image with pixels states its width in its frame header (the fake's stub has none).
        const size = jpegSize(small.jpeg);
        if (size !== undefined) expect(size.width).toBeLessThanOrEqual(320);
      }));

    it('rejects a call whose signal has already fired', () =>
      withSession(async (session, s) => {
        await session.navigate(s.pageUrl());
        const aborted = AbortSignal.abort(new Error('cancelled by the test'));
        await expect(session.observe({ signal: aborted })).rejects.toThrow();
        await expect(session.act({ kind: 'scroll', direction: 'down' }, { signal: aborted })).rejects.toThrow();
        // and is usable again with a live one
        expect((await session.observe()).url).toBe(s.pageUrl());
      }));

    it('gives storage state, takes a navigation guard, and hands out a crash unsubscribe', () =>
      withSession(async (session) => {
        const state = await session.storageState();
        expect(Array.isArray(state['cookies'])).toBe(true);
        await session.setNavigationGuard(() => undefined);
        await session.setNavigationGuard(undefined);
        const unsubscribe = session.onCrash(() => undefined);
        expect(typeof unsubscribe).toBe('function');
        unsubscribe();
      }));

    it('closes idempotently; afterwards every call rejects with BrowserClosedError', async () => {
      const s = subject();
      const session = await s.open();
      await session.navigate(s.pageUrl());
      await session.close();
      await session.close();
      await expect(session.observe()).rejects.toBeInstanceOf(BrowserClosedError);
      await expect(session.act({ kind: 'scroll', direction: 'down' })).rejects.toBeInstanceOf(BrowserClosedError);
      await expect(session.navigate(s.pageUrl())).rejects.toBeInstanceOf(BrowserClosedError);
      await expect(session.screenshot()).rejects.toBeInstanceOf(BrowserClosedError);
    });
  });
}
