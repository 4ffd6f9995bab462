import { startPagesServer, type PagesServer } from './observe-pages-server.ts';

/**
 * Small pages for widgets the fixture sites do not have (hover menus, ARIA switches, inner
 * scroll areas, late text), served on loopback by the action tests.
 */
const PAGES: Record<string, string> = {
  '/hover.html': `<title>Hover</title>
    <h1>Hover menu</h1>
    <button type="button" id="menu">Products</button>
    <p id="status">Not hovered</p>
    <script>
      document.getElementById('menu').addEventListener('mouseenter', () => {
        document.getElementById('status').textContent = 'Menu is open';
      });
    </script>`,
  '/switches.html': `<title>Switches</title>
    <div role="switch" aria-checked="false" tabindex="0" aria-label="Dark mode" id="dark">Dark mode</div>
    <div role="checkbox" aria-checked="true" tabindex="0" aria-label="Remember me" id="remember">Remember me</div>
    <button type="button">Plain button</button>
    <script>
      for (const el of document.querySelectorAll('[role=switch],[role=checkbox]')) {
        el.addEventListener('click', () => el.setAttribute('aria-checked', el.getAttribute('aria-checked') === 'true' ? 'false' : 'true'));
      }
    </script>`,
  '/radios.html': `<title>Radios</title>
    <fieldset><legend>Plan</legend>
      <label><input type="radio" name="plan" value="free" checked> Free</label>
      <label><input type="radio" name="plan" value="pro"> Pro</label>
    </fieldset>`,
  '/scroll.html': `<title>Scroll areas</title>
    <h1>Inner scroll area</h1>
    <div id="pane" style="height: 120px; overflow-y: auto; border: 1px solid">
      ${Array.from({ length: 40 }, (_, i) => `<p><button type="button">Row ${i + 1}</button></p>`).join('')}
    </div>
    <div style="height: 2500px"></div>
    <p><button type="button">Far button</button></p>
    <p>Footer words</p>`,
  '/late.html': `<title>Late text</title>
    <h1>Waiting room</h1>
    <p id="out"></p>
    <script>
      const params = new URLSearchParams(location.search);
      setTimeout(() => { document.getElementById('out').textContent = 'The results are ready'; }, Number(params.get('ms') ?? '300'));
      if (params.get('go')) setTimeout(() => { location.href = params.get('go'); }, Number(params.get('goms') ?? '300'));
    </script>`,
  '/soon.html': `<title>Soon</title>
    <h1>Later on</h1>
    <p id="out">Nothing done</p>
    <button type="button" onclick="setTimeout(() => { location.href = '/hover.html'; }, 40)">Go soon</button>
    <button type="button" onclick="setTimeout(() => setTimeout(() => { location.href = '/radios.html'; }, 20), 20)">Go in two steps</button>
    <button type="button" onclick="requestAnimationFrame(() => { location.href = '/scroll.html'; })">Go next frame</button>
    <button type="button" onclick="setTimeout(() => { window.open('/switches.html'); }, 40)">Open soon</button>
    <button type="button" onclick="setTimeout(() => { document.getElementById('out').textContent = 'Done soon'; }, 40)">Change soon</button>
    <button type="button">Do nothing</button>
    <label>Code <input id="code" onkeydown="if (event.key === 'Enter') setTimeout(() => { location.href = '/radios.html'; }, 30)"></label>
    <script>
      // An animation loop on setTimeout, already running before any action.
      let ticks = 0;
      (function tick() { ticks++; setTimeout(tick, 16); })();
    </script>`,
};

export type ActionPages = PagesServer;

export function startActionPages(): Promise<ActionPages> {
  const documents = Object.entries(PAGES).map(([path, body]) => [
    path,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body>${body}</body></html>`,
  ]);
  return startPagesServer(Object.fromEntries(documents));
}
