import { describe, expect, it } from 'vitest';
import type { SessionBrowser } from '../../src/browser/port.ts';
import { usePagesHarness } from './pages-harness.ts';

const page = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

/** Things that appear or happen 300 ms after load, for each kind of wait. */
const PAGES: Record<string, string> = {
  '/late.html': page(
    'Late',
    `<h1>Checkout</h1>
    <pay-box></pay-box>
    <iframe src="/late-frame.html" width="400" height="120"></iframe>
    <script>
      customElements.define('pay-box', class extends HTMLElement {
        connectedCallback() {
          const root = this.attachShadow({ mode: 'open' });
          setTimeout(() => { root.innerHTML = '<button>Pay now</button>'; }, 300);
        }
      });
    </script>`,
  ),
  '/late-frame.html': page(
    'Late frame',
    `<div id="slot"></div>
    <script>setTimeout(() => { document.getElementById('slot').innerHTML = '<label>Coupon code <input></label>'; }, 300);</script>`,
  ),
  '/redirects.html': page('Redirects', `<p>Taking you there</p><script>setTimeout(() => { location.href = '/landing.html?order=42'; }, 300);</script>`),
  '/landing.html': page('Landing', '<p>Order placed</p>'),
};

const pages = usePagesHarness('wait-kinds', PAGES);
const open = (path: string): Promise<SessionBrowser> => pages.open(path);

describe('wait_for an element', () => {
  it('by role and name, inside an open shadow root', async () => {
    const s = await open('/late.html');
    expect(await s.act({ kind: 'wait_for', role: 'button', name: 'Pay now', timeoutMs: 5_000 })).toEqual({
      ok: true,
      message: `an element button 'Pay now' is visible on ${pages.url}/late.html`,
      pageChanged: false,
    });
    expect((await s.observe()).elements.map((e) => e.name)).toContain('Pay now');
  });

  it('by name alone (a label), inside a frame', async () => {
    const s = await open('/late.html');
    expect(await s.act({ kind: 'wait_for', name: 'Coupon code', timeoutMs: 5_000 })).toMatchObject({ ok: true });
  });

  it('says so when the element does not come', async () => {
    const s = await open('/late.html');
    expect(await s.act({ kind: 'wait_for', role: 'link', name: 'Pay now', timeoutMs: 800 })).toEqual({
      ok: false,
      message: `an element link 'Pay now' not seen within 800 ms on ${pages.url}/late.html`,
      pageChanged: false,
    });
  });
});

describe('wait_for a navigation', () => {
  it('until the address contains a string', async () => {
    const s = await open('/redirects.html');
    expect(await s.act({ kind: 'wait_for', urlContains: 'order=42', timeoutMs: 5_000 })).toEqual({
      ok: true,
      message: `The address now contains 'order=42': ${pages.url}/landing.html?order=42`,
      pageChanged: true,
    });
  });

  it('until the tab loads a new document', async () => {
    const s = await open('/redirects.html');
    const result = await s.act({ kind: 'wait_for', navigation: true, timeoutMs: 5_000 });
    expect(result).toEqual({ ok: true, message: `The tab navigated to ${pages.url}/landing.html?order=42`, pageChanged: true });
    expect((await s.observe()).title).toBe('Landing');
  });

  it('says so when nothing navigates, and when the address never matches', async () => {
    const s = await open('/landing.html');
    expect(await s.act({ kind: 'wait_for', navigation: true, timeoutMs: 300 })).toEqual({
      ok: false,
      message: `No navigation within 300 ms; still on ${pages.url}/landing.html`,
      pageChanged: false,
    });
    expect(await s.act({ kind: 'wait_for', urlContains: '/checkout', timeoutMs: 300 })).toMatchObject({
      ok: false,
      message: `The address did not come to contain '/checkout' within 300 ms; it is ${pages.url}/landing.html`,
    });
  });
});

it('refuses to wait for several things at once', async () => {
  const s = await open('/landing.html');
  expect(await s.act({ kind: 'wait_for', text: 'Order placed', navigation: true })).toMatchObject({
    ok: false,
    message: expect.stringContaining('waits for one thing'),
  });
});
