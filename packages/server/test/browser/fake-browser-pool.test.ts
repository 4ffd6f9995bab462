import { describe, expect, it } from 'vitest';
import { BrowserCapacityError, BrowserClosedError, NavigationError } from '../../src/browser/port.ts';
import { createFakeBrowserPool, emptyObservation, FAKE_JPEG } from '../../src/browser/fake/fake-browser-pool.ts';

describe('FakeBrowserPool', () => {
  it('records calls per session and answers with defaults', async () => {
    const pool = createFakeBrowserPool();
    await pool.start();
    const session = await pool.acquire({ sessionId: 's1' });
    expect(await session.navigate('https://example.test/')).toEqual({ url: 'https://example.test/', title: 'Page at https://example.test/' });
    await expect(session.navigate('file:///etc/passwd')).rejects.toBeInstanceOf(NavigationError);
    expect((await session.screenshot()).jpeg).toEqual(FAKE_JPEG);
    expect(await session.observe()).toEqual(emptyObservation({ url: 'https://example.test/', title: 'Page at https://example.test/' }));
    expect(await session.act({ kind: 'click', index: 3 })).toEqual({ ok: true, message: 'Performed click', pageChanged: false });
    expect(await session.act({ kind: 'navigate', url: 'https://other.test/' })).toMatchObject({ ok: true, pageChanged: true });
    expect((await session.pageInfo()).url).toBe('https://other.test/');
    expect(pool.callsOf('act').map((c) => c.arg)).toEqual([
      { kind: 'click', index: 3 },
      { kind: 'navigate', url: 'https://other.test/' },
    ]);
    expect(pool.calls.every((c) => c.sessionId === 's1')).toBe(true);
    expect(pool.stats()).toEqual({ warm: 0, active: 1, browserConnected: true });
  });

  it('uses configured observations, queued results and an action handler', async () => {
    const pool = createFakeBrowserPool();
    const session = await pool.acquire({ sessionId: 's' });
    pool.setObservation((s) => ({ ...emptyObservation({ url: s.url, title: 't' }), text: 'hello' }));
    expect((await session.observe()).text).toBe('hello');
    pool.queueActionResults({ ok: false, message: 'queued', pageChanged: false });
    pool.setActionHandler((action) => ({ ok: true, message: `handled ${action.kind}`, pageChanged: true }));
    expect((await session.act({ kind: 'back' })).message).toBe('queued');
    expect((await session.act({ kind: 'back' })).message).toBe('handled back');
  });

  it('simulates crashes, capacity and closing', async () => {
    const pool = createFakeBrowserPool({ maxContexts: 2 });
    const a = await pool.acquire({ sessionId: 'a' });
    const b = await pool.acquire({ sessionId: 'b' });
    await expect(pool.acquire({ sessionId: 'c' })).rejects.toBeInstanceOf(BrowserCapacityError);
    const reasons: string[] = [];
    a.onCrash((r) => reasons.push(r));
    pool.crashAll('boom');
    expect(reasons).toEqual(['boom']);
    await expect(a.observe()).rejects.toBeInstanceOf(BrowserClosedError);
    const late = await new Promise<string>((resolve) => b.onCrash(resolve));
    expect(late).toBe('boom');
    const c = await pool.acquire({ sessionId: 'c' });
    await pool.close();
    await expect(c.observe()).rejects.toBeInstanceOf(BrowserClosedError);
    const aborted = AbortSignal.abort(new Error('nope'));
    await expect(pool.acquire({ sessionId: 'd', signal: aborted })).rejects.toThrow('nope');
  });
});
