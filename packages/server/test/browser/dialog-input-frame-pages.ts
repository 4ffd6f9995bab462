/**
 * Pages for the dialog, typed-input and frame tests, served by `startPagesServer`. The frame
 * pages take the URL of a second loopback origin, since another port is another origin.
 */

const page = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

export const DIALOG_PAGES: Record<string, string> = {
  '/dialogs.html': page(
    'Dialogs',
    `<h1>Dialogs</h1>
    <button type="button" style="position: fixed; left: 0; top: 0; width: 200px; height: 60px"
      onclick="document.getElementById('out').textContent = confirm('Delete the draft?') ? 'deleted' : 'kept'">Delete draft</button>
    <div style="height: 80px"></div>
    <button type="button" onclick="const name = prompt('Your name?', 'Ada'); document.getElementById('out').textContent = name === null ? 'no name' : 'name: ' + name">Ask name</button>
    <button type="button" onclick="alert('Saved'); document.getElementById('out').textContent = 'after alert'">Save</button>
    <button type="button" onclick="setTimeout(() => { document.getElementById('out').textContent = confirm('Later?') ? 'later yes' : 'later no'; }, 50)">Confirm later</button>
    <label>Code <input id="code" oninput="if (this.value.length === 3) document.getElementById('out').textContent = confirm('Use code ' + this.value + '?') ? 'code used' : 'code refused'"></label>
    <p id="out">nothing yet</p>`,
  ),
  '/leave.html': page('Elsewhere', '<h1>Elsewhere</h1><p>Another page</p>'),
};

export const INPUT_PAGES: Record<string, string> = {
  '/inputs.html': page(
    'Typed inputs',
    `<form id="form">
      <label>Departure <input type="date" name="departure" min="2025-01-01" max="2025-12-31"></label>
      <label>Start time <input type="time" name="start"></label>
      <label>Meeting <input type="datetime-local" name="meeting"></label>
      <label>Billing month <input type="month" name="month"></label>
      <label>Week <input type="week" name="week"></label>
      <label>Guests <input type="number" name="guests" min="1" max="9" step="1"></label>
      <label>Volume <input type="range" name="volume" min="0" max="10" step="2" value="4"></label>
      <label>Colour <input type="color" name="colour" value="#112233"></label>
      <label>Email <input type="email" name="email"></label>
      <label>Phone <input type="tel" name="phone"></label>
      <label>Site <input type="url" name="site"></label>
      <label>Plain <input type="text" name="plain"></label>
    </form>`,
  ),
  '/untyped.html': page(
    'Other controls',
    `<div contenteditable="true" aria-label="Notes">First words</div>
    <label>Size <select name="size"><option>Small</option><option>Large</option></select></label>
    <label><input type="checkbox" name="gift"> Gift wrap</label>
    <label><input type="radio" name="speed" value="slow" checked> Slow</label>
    <label><input type="radio" name="speed" value="fast"> Fast</label>
    <label>Comment <textarea name="comment"></textarea></label>`,
  ),
};

/** The outer page and its same-origin frames; `other` is the second origin's base URL. */
export function framePages(other: string): Record<string, string> {
  return {
    '/frames.html': page(
      'Frames',
      `<h1>Outer heading</h1>
      <p>Outer words</p>
      <iframe src="/same-frame.html" width="400" height="150"></iframe>
      <iframe src="${other}/cross-frame.html" width="400" height="150"></iframe>
      <shadow-box><span>Slotted words</span></shadow-box>
      <script>
        customElements.define('shadow-box', class extends HTMLElement {
          connectedCallback() {
            const root = this.attachShadow({ mode: 'open' });
            root.innerHTML = '<p>Shadow paragraph</p><slot></slot><p id="late"></p>';
            setTimeout(() => { root.getElementById('late').textContent = 'Late shadow words'; }, 300);
          }
        });
      </script>`,
    ),
    '/same-frame.html': page(
      'Same frame',
      `<p>Same-origin frame words</p><p id="late"></p>
      <script>setTimeout(() => { document.getElementById('late').textContent = 'Late same-frame words'; }, 300);</script>`,
    ),
    '/frame-later.html': page(
      'Frame later',
      `<h1>A frame comes later</h1>
      <script>
        setTimeout(() => {
          const frame = document.createElement('iframe');
          frame.src = '${other}/cross-frame.html';
          document.body.append(frame);
        }, 300);
      </script>`,
    ),
  };
}

/** The second origin's pages. */
export const CROSS_ORIGIN_PAGES: Record<string, string> = {
  '/cross-frame.html': page(
    'Cross frame',
    `<p>Cross-origin frame words</p><p id="late"></p>
    <script>setTimeout(() => { document.getElementById('late').textContent = 'Late cross-frame words'; }, 300);</script>`,
  ),
};
