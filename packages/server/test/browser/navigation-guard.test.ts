import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NavigationRequest } from '../../src/browser/port.ts';
import type { SecretVault } from '../../src/browser/secret-vault.ts';
import { elementNamed, usePagesHarness } from './pages-harness.ts';

// The navigation guard of the Playwright adapter: a document request the guard refuses never
// leaves the browser — the trap on another loopback origin counts every byte its sockets receive,
// not only requests — and the action that started it fails saying why. (Without a proxy,
// Chromium's speculative preconnect may open a TCP connection to a form's or link's host as the
// navigation starts; it sends no byte. Through the egress proxy, as the server runs it, there is
// no connection at all: see the injection suite.)

const pages = usePagesHarness('navigation-guard', {
  // The destination comes from the query, so one page serves every trap port.
  // A page script that reads its site's session cookie and puts it in a link to another origin.
  '/cookie.html': `<!doctype html><title>Account</title><a id="out">Help</a>
    <script>
      document.cookie = 'sid=cookie-value-5e7a91; path=/';
      const sid = document.cookie.split('; ').find((c) => c.startsWith('sid=')).slice(4);
      document.getElementById('out').href = new URLSearchParams(location.search).get('to') + '?s=' + sid;
    </script>`,
  '/form.html': `<!doctype html><title>Newsletter</title>
    <form method="post"><label>Email <input name="email"></label><button>Subscribe</button></form>
    <a id="away">Continue</a>
    <a id="plain" referrerpolicy="unsafe-url">Plain</a>
    <script>
      const to = new URLSearchParams(location.search).get('to');
      document.forms[0].action = to;
      document.getElementById('away').href = to + '?q=' + encodeURIComponent('leak-value-123');
      document.getElementById('plain').href = to;
    </script>`,
});

let trap: Server;
let trapUrl = '';
/** Bytes the trap's sockets received: a handshake is 0, any request more. */
let received = 0;
const bodies: string[] = [];
const referers: (string | undefined)[] = [];

beforeAll(async () => {
  trap = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push(`${req.method} ${req.url} ${body}`);
      referers.push(req.headers.referer);
      // An icon of its own: Chromium's /favicon.ico request would reach the trap after an action
      // returned, into the next test's count.
      res.end('<link rel="icon" href="data:,"><title>Got it</title>got it');
    });
  });
  trap.on('connection', (socket) => socket.on('data', (chunk: Buffer) => (received += chunk.length)));
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.2', resolve));
  trapUrl = `http://127.0.0.2:${(trap.address() as AddressInfo).port}/collect`;
});
afterAll(async () => {
  trap.closeAllConnections();
  await new Promise((resolve) => trap.close(resolve));
});

const refuseLeaks = (seen: NavigationRequest[]) => (request: NavigationRequest): string | undefined => {
  seen.push(request);
  return request.carriesSecret || `${request.url} ${request.body ?? ''}`.includes('leak-value') ? 'it carries session data' : undefined;
};

describe('navigation guard', () => {
  it('stops a form submission the guard refuses before a byte leaves, and lets it go once the guard is gone', async () => {
    received = 0;
    bodies.length = 0;
    const browser = await pages.open(`/form.html?to=${encodeURIComponent(trapUrl)}`);
    const seen: NavigationRequest[] = [];
    await browser.setNavigationGuard(refuseLeaks(seen));
    let o = await browser.observe();
    await browser.act({ kind: 'type', index: elementNamed(o, 'Email').index, text: 'leak-value-123', clear: true, submit: false });
    const submitted = await browser.act({ kind: 'click', index: elementNamed(o, 'Subscribe').index });
    expect(submitted.ok).toBe(false);
    expect(submitted.message).toContain(`stopped before leaving for ${trapUrl}: it carries session data`);
    expect(seen.find((r) => r.url === trapUrl)).toMatchObject({ method: 'POST', body: 'email=leak-value-123', carriesSecret: false });
    expect(received).toBe(0);

    // The same click with no guard reaches the trap: the guard is what stopped it.
    await browser.setNavigationGuard(undefined);
    o = await browser.observe();
    expect((await browser.act({ kind: 'click', index: elementNamed(o, 'Subscribe').index })).ok).toBe(true);
    expect(bodies).toEqual(['POST /collect email=leak-value-123']);
  });

  it('stops a link whose URL carries the data, and lets data-free navigations through', async () => {
    received = 0;
    bodies.length = 0;
    const browser = await pages.open(`/form.html?to=${encodeURIComponent(trapUrl)}`);
    await browser.setNavigationGuard(refuseLeaks([]));
    const followed = await browser.act({ kind: 'click', index: elementNamed(await browser.observe(), 'Continue').index });
    expect(followed.ok).toBe(false);
    expect(followed.message).toContain('stopped before leaving');
    await expect(browser.navigate(`${trapUrl}?q=leak-value-123`)).rejects.toThrow(/Stopped before leaving for .*it carries session data/);
    expect(received).toBe(0);
    await browser.navigate(trapUrl);
    expect(bodies).toEqual(['GET /collect ']);
  });

  it('shows the guard the Referer a page’s unsafe-url policy would send, so it can stop what the referring URL carries', async () => {
    bodies.length = 0;
    received = 0;
    const browser = await pages.open(`/form.html?to=${encodeURIComponent(trapUrl)}&q=typed-search-77`);
    const seen: NavigationRequest[] = [];
    await browser.setNavigationGuard((request) => {
      seen.push(request);
      return request.referer?.includes('typed-search-77') === true ? 'the referring URL carries session data' : undefined;
    });
    const followed = await browser.act({ kind: 'click', index: elementNamed(await browser.observe(), 'Plain').index });
    expect(followed.message).toContain('the referring URL carries session data');
    expect(seen.at(-1)?.referer).toContain('&q=typed-search-77');
    expect(bodies).toEqual([]);
    expect(received).toBe(0);
  });

  it('counts another site’s cookie value in a URL as a secret', async () => {
    bodies.length = 0;
    received = 0;
    const browser = await pages.open(`/cookie.html?to=${encodeURIComponent(trapUrl)}`);
    const seen: NavigationRequest[] = [];
    await browser.setNavigationGuard((request) => {
      seen.push(request);
      return request.carriesSecret ? 'a secret' : undefined;
    });
    const followed = await browser.act({ kind: 'click', index: elementNamed(await browser.observe(), 'Help').index });
    expect(followed.message).toContain('stopped before leaving');
    expect(seen.at(-1)).toMatchObject({ url: `${trapUrl}?s=cookie-value-5e7a91`, carriesSecret: true });
    expect(bodies).toEqual([]);
    expect(received).toBe(0);
  });

  it('tells the guard when a request carries a session secret the adapter typed, however the form encoded it', async () => {
    received = 0;
    const vault: SecretVault = { resolve: async () => ({ ok: true, secret: { candidates: ['s3cret value@x'], redact: ['s3cret value@x'] } }) };
    const browser = await pages.open(`/form.html?to=${encodeURIComponent(trapUrl)}`, { vault });
    const seen: NavigationRequest[] = [];
    // This guard refuses only what the adapter marks: the value itself is no string it knows.
    await browser.setNavigationGuard((request) => {
      seen.push(request);
      return request.carriesSecret ? 'a secret' : undefined;
    });
    const o = await browser.observe();
    expect((await browser.act({ kind: 'type', index: elementNamed(o, 'Email').index, text: '{{secret:S}}', clear: true, submit: false })).ok).toBe(true);
    const submitted = await browser.act({ kind: 'click', index: elementNamed(o, 'Subscribe').index });
    expect(submitted.message).toContain('stopped before leaving');
    expect(seen.at(-1)).toMatchObject({ body: 'email=s3cret+value%40x', carriesSecret: true });
    expect(received).toBe(0);
  });
});
