import { describe, expect, it } from 'vitest';
import type { SessionBrowser } from '../../src/browser/port.ts';
import { elementNamed, usePagesHarness } from './pages-harness.ts';

const page = (title: string, body: string, script = ''): string =>
  `<!doctype html><html><head><title>${title}</title></head><body>${body}<p id="log">clicks: none</p><script>${script}
    const log = (what) => { document.getElementById('log').textContent = 'clicks: ' + what; };
  </script></body></html>`;

const pages = usePagesHarness('click-covered', {
  // An autocomplete whose open list lies on the button under the field; Escape closes it.
  '/autocomplete.html': page(
    'Autocomplete',
    `<div style="position:relative">
       <label>City <input id="city" value="Pa"></label>
       <ul id="list" role="listbox" aria-label="Suggestions" style="position:absolute;top:24px;left:0;margin:0;width:300px;height:120px;background:#fff;border:1px solid #888;z-index:5">
         <li role="option">Paris</li><li role="option">Palermo</li>
       </ul>
       <p style="margin-top:40px"><button onclick="log('search')">Search</button></p>
     </div>`,
    `document.addEventListener('keydown', (e) => { if (e.key === 'Escape') document.getElementById('list').remove(); });`,
  ),
  // A cookie banner over the whole page.
  '/modal.html': page(
    'Modal',
    `<button onclick="log('buy')">Buy now</button>
     <div style="position:fixed;inset:0;background:rgba(0,0,0,.4);z-index:10"><div style="background:#fff;margin:80px auto;width:300px;padding:10px">We use cookies <button onclick="this.closest('div[style]').parentElement.remove()">Accept</button></div></div>`,
  ),
  // A button sliding into place, and one under a veil that fades out on its own.
  '/moving.html': page(
    'Moving',
    `<style>#slide{transition:transform .6s linear;transform:translateX(400px)} #slide.in{transform:none}</style>
     <button id="slide" onclick="log('slide')">Slide</button>
     <div style="position:relative;margin-top:20px"><button onclick="log('veiled')">Veiled</button>
       <div id="veil" style="position:absolute;inset:-10px;background:rgba(255,255,255,.5)"></div></div>`,
    `requestAnimationFrame(() => requestAnimationFrame(() => document.getElementById('slide').classList.add('in')));
     setTimeout(() => document.getElementById('veil').remove(), 250);`,
  ),
  // A still button that records how it was pressed; on the second page, a script that replaced
  // requestAnimationFrame with a function that never calls back.
  '/still.html': page(
    'Still',
    `<button id="still" style="margin:40px;width:120px;height:40px">Press me</button>`,
    `const seen = [];
     for (const type of ['pointermove', 'mousedown', 'mouseup', 'click']) document.getElementById('still').addEventListener(type, (e) => {
       if (!seen.includes(type)) seen.push(type);
       if (type === 'click') log(seen.join('_') + (e.isTrusted ? '_trusted' : '_synthetic'));
     });`,
  ),
  '/no-frames.html': page('No frames', `<button onclick="log('pressed')">Press me</button>`, `window.requestAnimationFrame = () => 0;`),
  // A fixed header over the top of the viewport, and a button scrolled right under it.
  '/sticky.html': page(
    'Sticky',
    `<header style="position:fixed;top:0;left:0;right:0;height:120px;background:#eee;z-index:3">Site header</header>
     <div style="height:1500px"></div><button id="under" onclick="log('under')">Under the header</button><div style="height:1500px"></div>`,
  ),
});

async function clicks(session: SessionBrowser): Promise<string> {
  return (await session.observe()).text.match(/clicks: \w+/)?.[0] ?? '';
}

describe('a click on a covered element', () => {
  it('fails at once naming the open list that covers it and suggesting Escape; after Escape it works', async () => {
    const s = await pages.open('/autocomplete.html');
    const search = elementNamed(await s.observe(), 'Search');
    const result = await s.act({ kind: 'click', index: search.index });
    expect(result.ok).toBe(false);
    expect(result.message).toBe(
      "Could not click button 'Search': <ul role=listbox> 'Suggestions' covers it (an open list, menu or dialog on top of it); press Escape or close it, then try again",
    );
    // The answer comes from the hit test before the click: Playwright alone would have waited out
    // the whole action timeout and said "Timeout 2000ms exceeded" (no timed assertion in tests).
    expect(await clicks(s)).toBe('clicks: none');

    await s.act({ kind: 'press', key: 'Escape' });
    expect(await s.act({ kind: 'click', index: search.index })).toMatchObject({ ok: true, message: "Clicked button 'Search'" });
    expect(await clicks(s)).toBe('clicks: search');
  });

  it('names an overlay without a role by what it shows', async () => {
    const s = await pages.open('/modal.html');
    const buy = elementNamed(await s.observe(), 'Buy now');
    const result = await s.act({ kind: 'click', index: buy.index });
    expect(result).toMatchObject({ ok: false });
    expect(result.message).toMatch(/^Could not click button 'Buy now': <div> showing 'We use cookies Accept' covers it .*press Escape or close it/);
  });

  it('still clicks an element that is sliding into place or whose cover goes away within the grace', async () => {
    const s = await pages.open('/moving.html');
    const o = await s.observe();
    expect(await s.act({ kind: 'click', index: elementNamed(o, 'Slide').index })).toMatchObject({ ok: true });
    expect(await clicks(s)).toBe('clicks: slide');
    expect(await s.act({ kind: 'click', index: elementNamed(o, 'Veiled').index })).toMatchObject({ ok: true });
    expect(await clicks(s)).toBe('clicks: veiled');
  });

  it('clicks an element a fixed header covers at the current scroll', async () => {
    const s = await pages.open('/sticky.html');
    const o = await s.observe();
    await s.act({ kind: 'scroll', index: elementNamed(o, 'Under the header').index });
    // put the button right under the header
    await s.act({ kind: 'scroll', direction: 'down', amount: 0.1 });
    expect(await s.act({ kind: 'click', index: elementNamed(o, 'Under the header').index })).toMatchObject({ ok: true });
    expect(await clicks(s)).toBe('clicks: under');
  });

  it('presses a still, uncovered element as a mouse does, and still clicks on a page whose animation frames never come', async () => {
    const s = await pages.open('/still.html');
    expect(await s.act({ kind: 'click', index: elementNamed(await s.observe(), 'Press me').index })).toMatchObject({ ok: true, message: "Clicked button 'Press me'" });
    expect(await clicks(s)).toBe('clicks: pointermove_mousedown_mouseup_click_trusted');
    const frozen = await pages.open('/no-frames.html');
    expect(await frozen.act({ kind: 'click', index: elementNamed(await frozen.observe(), 'Press me').index })).toMatchObject({ ok: true });
    expect(await clicks(frozen)).toBe('clicks: pressed');
  });
});
