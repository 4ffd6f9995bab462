import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EgressBlockedError, type SessionBrowser } from '../../src/browser/port.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from '../../src/browser/playwright/index.ts';
import { EgressPolicy } from '../../src/safety/egress-policy.ts';
import { chromiumProcesses } from './chromium-processes.ts';
import { BlockedEvents, startCountingServer, stubResolver, type CountingServer } from './egress-servers.ts';

// Every server is on loopback. The allow list permits one of them (127.0.0.1:<allowed.port>);
// the others count connections and must see none.
let allowed: CountingServer;
let forbidden: CountingServer;
let rebound: CountingServer;
let pool: PlaywrightBrowserPool;
let session: SessionBrowser | undefined;
const blocked = new BlockedEvents();
let rebindAnswers = 0;
const resolver = stubResolver({
  'shop.test': ['127.0.0.1'],
  'evil.test': ['127.0.0.1'],
  'rebind.test': () => (rebindAnswers++ === 0 ? ['127.0.0.1'] : ['127.0.0.2']),
});

const html = (res: ServerResponse, body: string, type = 'text/html'): void => {
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
};

function allowedSite(req: IncomingMessage, res: ServerResponse): void {
  const q = forbidden.port;
  switch (req.url) {
    case '/':
      return html(res, `<title>Allowed</title><a href="http://evil.test:${q}/clicked">bad link</a> <a href="file:///etc/passwd">file link</a>`);
    case '/redirect-literal':
      res.writeHead(302, { location: `http://127.0.0.1:${q}/after-redirect` }).end();
      return;
    case '/redirect-name':
      res.writeHead(302, { location: `http://evil.test:${q}/after-redirect` }).end();
      return;
    case '/probes':
      return html(
        res,
        `<title>Probes</title>
        <iframe src="http://evil.test:${q}/iframe-name"></iframe>
        <iframe src="http://2130706433:${q}/iframe-decimal"></iframe>
        <img src="http://127.1:${q}/img-short">
        <script>
          fetch('http://0x7f000001:${q}/fetch-hex').catch(() => {});
          fetch('http://[::ffff:127.0.0.1]:${q}/fetch-mapped').catch(() => {});
          fetch('http://localhost:${q}/fetch-localhost').catch(() => {});
          const xhr = new XMLHttpRequest(); xhr.open('GET', 'http://evil.test:${q}/xhr'); xhr.send();
          new WebSocket('ws://evil.test:${q}/ws-name');
          new WebSocket('ws://127.0.0.1:${q}/ws-literal');
        </script>`,
      );
    case '/rebind':
      // Served as http://rebind.test:<port>/rebind; the same-origin fetch resolves the name again.
      return html(res, `<title>Rebind</title><script>fetch('/secret').catch(() => {});</script>`);
    case '/sw.html':
      return html(res, `<title>SW</title><script>navigator.serviceWorker.register('/sw.js');</script>`);
    case '/sw.js':
      return html(
        res,
        `self.addEventListener('install', (e) => e.waitUntil(fetch('http://evil.test:${q}/from-service-worker').catch(() => {})));`,
        'text/javascript',
      );
    default:
      res.writeHead(404).end('not found');
  }
}

beforeAll(async () => {
  allowed = await startCountingServer('127.0.0.1', allowedSite);
  forbidden = await startCountingServer('127.0.0.1');
  rebound = await startCountingServer('127.0.0.2', undefined, allowed.port);
  pool = createPlaywrightBrowserPool({
    warmContexts: 1,
    actionTimeoutMs: 3_000,
    navigationTimeoutMs: 10_000,
    egress: {
      policy: new EgressPolicy({ allow: [`127.0.0.1:${allowed.port}`] }),
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
  expect(rebound.connections).toBe(0);
});

afterAll(async () => {
  await pool?.close();
  await Promise.all([allowed?.close(), forbidden?.close(), rebound?.close()]);
  expect(chromiumProcesses()).toEqual([]);
});

async function fresh(egress?: { allowDomains?: string[]; denyDomains?: string[] }): Promise<SessionBrowser> {
  session = await pool.acquire({ sessionId: `egress-${Math.random().toString(36).slice(2)}`, egress });
  return session;
}

async function refusal(promise: Promise<unknown>): Promise<EgressBlockedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof EgressBlockedError)) throw new Error(`expected EgressBlockedError, got ${String(error)}`);
  return error;
}

describe('allowed destinations work end to end', () => {
  it('loads the allowed loopback server by address and by a name that resolves to it', async () => {
    const browser = await fresh();
    expect(await browser.navigate(`http://127.0.0.1:${allowed.port}/`)).toEqual({ url: `http://127.0.0.1:${allowed.port}/`, title: 'Allowed' });
    expect((await browser.navigate(`http://shop.test:${allowed.port}/`)).title).toBe('Allowed');
    expect(allowed.connections).toBeGreaterThan(0);
  });
});

describe('navigate refuses with EgressBlockedError', () => {
  it.each([
    ['decimal', () => `http://2130706433:${forbidden.port}/`, 'refused: 127.0.0.1 is a loopback address'],
    ['hex', () => `http://0x7f000001:${forbidden.port}/`, 'refused: 127.0.0.1 is a loopback address'],
    ['IPv6-mapped', () => `http://[::ffff:127.0.0.1]:${forbidden.port}/`, 'refused: ::ffff:7f00:1 is an IPv4-mapped form of a loopback address (127.0.0.1)'],
    ['localhost', () => `http://localhost:${forbidden.port}/`, 'refused: localhost is a loopback name'],
    ['the allowed address on another port', () => `http://127.0.0.1:${forbidden.port}/`, 'refused: 127.0.0.1 is a loopback address'],
    ['file:', () => 'file:///etc/passwd', 'refused: file: URLs are not allowed (only http, https, ws and wss)'],
    ['chrome:', () => 'chrome://version', 'refused: chrome: URLs are not allowed (only http, https, ws and wss)'],
    ['javascript:', () => 'javascript:alert(1)', 'refused: javascript: URLs are not allowed (only http, https, ws and wss)'],
    ['view-source:', () => `view-source:http://127.0.0.1:${allowed.port}/`, 'refused: view-source: URLs are not allowed (only http, https, ws and wss)'],
  ])('%s, before anything is sent', async (_form, url, reason) => {
    const browser = await fresh();
    const before = allowed.connections;
    const error = await refusal(browser.navigate(url()));
    expect(error.reason).toBe(reason);
    expect(allowed.connections).toBe(before);
  });

  it('a name that resolves to a refused address (checked by the proxy)', async () => {
    const browser = await fresh();
    const error = await refusal(browser.navigate(`http://evil.test:${forbidden.port}/`));
    expect(error.reason).toBe('refused: 127.0.0.1 is a loopback address (evil.test resolved to it)');
  });

  it('https to such a name (a refused CONNECT tunnel)', async () => {
    const browser = await fresh();
    const error = await refusal(browser.navigate(`https://evil.test:${forbidden.port}/`));
    expect(error.reason).toBe('refused: 127.0.0.1 is a loopback address (evil.test resolved to it)');
  });

  it.each([
    ['an IP literal', '/redirect-literal'],
    ['a name', '/redirect-name'],
  ])('a redirect from the allowed server to %s', async (_kind, path) => {
    const browser = await fresh();
    const error = await refusal(browser.navigate(`http://127.0.0.1:${allowed.port}${path}`));
    expect(error.url).toMatch(/\/after-redirect$/);
    expect(error.reason).toMatch(/^refused: 127\.0\.0\.1 is a loopback address/);
  });

  it("a session's deny list, without touching another session", async () => {
    const denied = await pool.acquire({ sessionId: 'denied', egress: { denyDomains: ['shop.test'] } });
    try {
      const error = await refusal(denied.navigate(`http://shop.test:${allowed.port}/`));
      expect(error.reason).toBe("refused: shop.test is on this session's deny list");
      const other = await fresh();
      expect((await other.navigate(`http://shop.test:${allowed.port}/`)).title).toBe('Allowed');
    } finally {
      await denied.close();
    }
  });
});

describe('requests made by pages reach zero connections', () => {
  it('iframes, images, fetch, XHR and WebSockets in every form', async () => {
    const browser = await fresh();
    await browser.navigate(`http://127.0.0.1:${allowed.port}/probes`);
    const q = forbidden.port;
    // Only this session's refusals: earlier tests were refused the same tunnels.
    const mine = (match: (url: string) => boolean) => blocked.waitFor((e) => e.sessionId === browser.sessionId && match(e.url));
    const byPath = (path: string) => mine((url) => url.endsWith(path));
    const tunnel = (host: string) => mine((url) => url === `${host}:${q}`);
    const events = await Promise.all([
      byPath('/iframe-name'),
      byPath('/iframe-decimal'),
      byPath('/img-short'),
      byPath('/fetch-hex'),
      byPath('/fetch-mapped'),
      byPath('/fetch-localhost'),
      byPath('/xhr'),
      tunnel('evil.test'),
      tunnel('127.0.0.1'),
    ]);
    expect(events.map((event) => event.reason)).toEqual([
      'refused: 127.0.0.1 is a loopback address (evil.test resolved to it)',
      'refused: 127.0.0.1 is a loopback address',
      'refused: 127.0.0.1 is a loopback address',
      'refused: 127.0.0.1 is a loopback address',
      'refused: ::ffff:7f00:1 is an IPv4-mapped form of a loopback address (127.0.0.1)',
      'refused: localhost is a loopback name',
      'refused: 127.0.0.1 is a loopback address (evil.test resolved to it)',
      'refused: 127.0.0.1 is a loopback address (evil.test resolved to it)',
      'refused: 127.0.0.1 is a loopback address',
    ]);
  });

  it('DNS rebinding: the first answer loads the page, the rebound answer is refused', async () => {
    rebindAnswers = 0;
    const browser = await fresh();
    expect((await browser.navigate(`http://rebind.test:${allowed.port}/rebind`)).title).toBe('Rebind');
    const event = await blocked.waitFor((e) => e.url === `http://rebind.test:${allowed.port}/secret`);
    expect(event.reason).toBe('refused: 127.0.0.2 is a loopback address (rebind.test resolved to it)');
  });

  it("a service worker's fetch", async () => {
    const browser = await fresh();
    await browser.navigate(`http://127.0.0.1:${allowed.port}/sw.html`);
    const event = await blocked.waitFor((e) => e.sessionId === browser.sessionId && e.url.endsWith('/from-service-worker'));
    expect(event.reason).toBe('refused: 127.0.0.1 is a loopback address (evil.test resolved to it)');
  });
});

describe('actions', () => {
  it('a click that leads to a refused destination returns ok:false with the reason', async () => {
    const browser = await fresh();
    await browser.navigate(`http://127.0.0.1:${allowed.port}/`);
    const link = (await browser.observe()).elements.find((e) => e.name === 'bad link');
    expect(link).toBeDefined();
    const result = await browser.act({ kind: 'click', index: link?.index ?? -1 });
    expect(result).toMatchObject({ ok: false, pageChanged: true });
    expect(result.message).toContain('refused: 127.0.0.1 is a loopback address (evil.test resolved to it)');
  });

  it('the navigate action returns ok:false for a refused URL', async () => {
    const browser = await fresh();
    const result = await browser.act({ kind: 'navigate', url: `http://0x7f000001:${forbidden.port}/` });
    expect(result.ok).toBe(false);
    expect(result.message).toContain('refused: 127.0.0.1 is a loopback address');
  });

  it('a link to a file: URL does not load it', async () => {
    const browser = await fresh();
    await browser.navigate(`http://127.0.0.1:${allowed.port}/`);
    const link = (await browser.observe()).elements.find((e) => e.name === 'file link');
    await browser.act({ kind: 'click', index: link?.index ?? -1 });
    expect((await browser.pageInfo()).url).toBe(`http://127.0.0.1:${allowed.port}/`);
  });
});
