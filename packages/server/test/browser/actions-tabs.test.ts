import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import type { Observation, SessionBrowser } from '../../src/browser/port.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import { EgressPolicy } from '../../src/safety/egress-policy.ts';
import { chromiumProcesses } from './chromium-processes.ts';
import { BlockedEvents, startCountingServer, stubResolver, type CountingServer } from './egress-servers.ts';

// The fixture server is the one allowed destination; the counting server must never be reached.
let fixtures: FixtureServer;
let forbidden: CountingServer;
let pool: PlaywrightBrowserPool;
let session: SessionBrowser | undefined;
let sessionCount = 0;
const blocked = new BlockedEvents();
const resolver = stubResolver({ 'evil.test': ['127.0.0.1'] });

beforeAll(async () => {
  fixtures = await startFixtureServer();
  forbidden = await startCountingServer('127.0.0.1');
  pool = createPlaywrightBrowserPool({
    warmContexts: 1,
    actionTimeoutMs: 5_000,
    navigationTimeoutMs: 10_000,
    egress: {
      policy: new EgressPolicy({ allow: [`127.0.0.1:${new URL(fixtures.url).port}`] }),
      resolver: resolver.resolve,
      onBlocked: blocked.record,
    },
  });
  await pool.start();
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  expect(forbidden.connections).toBe(0);
});

afterAll(async () => {
  await pool?.close();
  await Promise.all([fixtures?.close(), forbidden?.close()]);
  expect(chromiumProcesses()).toEqual([]);
});

async function open(path: string): Promise<SessionBrowser> {
  session = await pool.acquire({ sessionId: `tabs-${++sessionCount}` });
  await session.navigate(`${fixtures.url}${path}`);
  return session;
}

function tabs(observation: Observation): string[] {
  return observation.tabs.map((t) => `${t.index}${t.active ? '*' : ''} ${t.url.replace(fixtures.url, '')}`);
}

describe('open_tab', () => {
  it('opens the URL in a new tab that becomes active', async () => {
    const browser = await open('/pages/start.html');
    const result = await browser.act({ kind: 'open_tab', url: `${fixtures.url}/shop/` });
    expect(result).toEqual({
      ok: true,
      message: `Opened ${fixtures.url}/shop/ ('Tiny Shop') in a new tab (tab 1), which is now active`,
      pageChanged: true,
    });
    const observation = await browser.observe();
    expect(tabs(observation)).toEqual(['0 /pages/start.html', '1* /shop/']);
    expect(observation.title).toBe('Tiny Shop');
  });

  it('refuses what navigate refuses, before a tab exists, and keeps the current tab active', async () => {
    const browser = await open('/pages/start.html');
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', `http://127.0.0.1:${forbidden.port}/`, 'not a url']) {
      const result = await browser.act({ kind: 'open_tab', url });
      expect(result.ok, url).toBe(false);
      expect(result.pageChanged).toBe(false);
      expect(result.message).not.toContain('\n');
    }
    const literal = await browser.act({ kind: 'open_tab', url: `http://127.0.0.1:${forbidden.port}/` });
    expect(literal.message).toBe(`Blocked by the egress policy: http://127.0.0.1:${forbidden.port}/ (refused: 127.0.0.1 is a loopback address)`);
    expect(tabs(await browser.observe())).toEqual(['0* /pages/start.html']);
  });

  it('closes the new tab again when the firewall refuses the resolved address', async () => {
    const browser = await open('/pages/start.html');
    const result = await browser.act({ kind: 'open_tab', url: `http://evil.test:${forbidden.port}/` });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^Blocked by the egress policy: http:\/\/evil\.test:\d+\/ \(refused: /);
    expect(tabs(await browser.observe())).toEqual(['0* /pages/start.html']);
  });
});

describe('switch_tab and close_tab', () => {
  it('switches between a popup and its opener by the indices of observation.tabs', async () => {
    const browser = await open('/torture/');
    const link = (await browser.observe()).elements.find((e) => e.name === 'Open the popup');
    expect(link).toBeDefined();
    const click = await browser.act({ kind: 'click', index: link?.index ?? -1 });
    expect(click.pageChanged).toBe(true);
    expect(tabs(await browser.observe())).toEqual(['0 /torture/', '1* /torture/popup.html']);

    expect(await browser.act({ kind: 'switch_tab', index: 0 })).toEqual({
      ok: true,
      message: `Switched to tab 0: ${fixtures.url}/torture/ ('Torture page')`,
      pageChanged: true,
    });
    expect((await browser.observe()).title).toBe('Torture page');
    expect(await browser.act({ kind: 'switch_tab', index: 0 })).toEqual({
      ok: true,
      message: `Tab 0 (${fixtures.url}/torture/) is already active`,
      pageChanged: false,
    });
    const missing = await browser.act({ kind: 'switch_tab', index: 5 });
    expect(missing).toEqual({
      ok: false,
      message: `No tab with index 5; open tabs: 0 ${fixtures.url}/torture/, 1 ${fixtures.url}/torture/popup.html`,
      pageChanged: false,
    });
  });

  it('closes the active tab (its left neighbour takes over), a background tab by index, never the last one', async () => {
    const browser = await open('/pages/start.html');
    await browser.act({ kind: 'open_tab', url: `${fixtures.url}/shop/` });
    await browser.act({ kind: 'open_tab', url: `${fixtures.url}/form/` });
    expect(tabs(await browser.observe())).toEqual(['0 /pages/start.html', '1 /shop/', '2* /form/']);

    expect(await browser.act({ kind: 'close_tab' })).toEqual({
      ok: true,
      message: `Closed tab 2 (${fixtures.url}/form/); tab 1 (${fixtures.url}/shop/) is active`,
      pageChanged: true,
    });
    expect(tabs(await browser.observe())).toEqual(['0 /pages/start.html', '1* /shop/']);

    const background = await browser.act({ kind: 'close_tab', index: 0 });
    expect(background).toEqual({
      ok: true,
      message: `Closed tab 0 (${fixtures.url}/pages/start.html); tab 0 (${fixtures.url}/shop/) is active`,
      pageChanged: true,
    });
    expect(await browser.act({ kind: 'close_tab' })).toEqual({
      ok: false,
      message: 'Tab 0 is the only open tab; it cannot be closed (navigate instead)',
      pageChanged: false,
    });
    expect(await browser.act({ kind: 'close_tab', index: 3 })).toMatchObject({ ok: false, message: `No tab with index 3; open tabs: 0 ${fixtures.url}/shop/` });
    expect(tabs(await browser.observe())).toEqual(['0* /shop/']);
  });
});
