import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionBrowser } from '../../src/browser/port.ts';
import { startPagesServer, type PagesServer } from './observe-pages-server.ts';
import { elementNamed, usePagesHarness } from './pages-harness.ts';

// click_at, hover_at, drag and mouse_wheel reach what has no element to name, at points of the
// viewport (the screenshot's CSS pixels); observed elements carry boxes in the same pixels.

const page = (title: string, body: string): string =>
  `<!doctype html><html><head><title>${title}</title><style>body { margin: 0; font: 16px sans-serif }</style></head><body>
    <p id="status" style="position:absolute; left:600px; top:0">none</p>${body}
    <script>const say = (text) => { document.getElementById('status').textContent = text; };</script></body></html>`;

let other: PagesServer;
beforeAll(async () => {
  other = await startPagesServer({
    '/inner.html': '<!doctype html><title>Inner</title><body style="margin:0"><button style="position:absolute; left:7px; top:9px; width:50px; height:20px">Far button</button></body>',
  });
});
afterAll(async () => {
  await other.close();
});

const pages = usePagesHarness('pointer', {
  // Shapes with listeners and nothing to name: a red circle centred at (70, 150), a blue square at (210, 150).
  '/svg.html': page(
    'Shapes',
    `<svg width="300" height="120" style="position:absolute; left:20px; top:100px">
      <circle id="red" cx="50" cy="50" r="40" fill="#ff0000"></circle>
      <rect id="blue" x="150" y="10" width="80" height="80" style="fill: rgb(0, 0, 255)"></rect>
    </svg>
    <button style="position:absolute; left:20px; top:300px; width:100px; height:30px" onclick="say('button pressed')">Plain button</button>
    <script>
      for (const shape of document.querySelectorAll('circle, rect')) shape.addEventListener('click', () => say('clicked ' + shape.id));
      document.getElementById('blue').addEventListener('dblclick', () => say('double-clicked blue'));
      document.getElementById('red').addEventListener('contextmenu', (e) => { e.preventDefault(); say('context menu on red'); });
      document.getElementById('blue').addEventListener('mouseenter', () => say('hovering blue'));
    </script>`,
  ),
  '/canvas.html': page(
    'Canvas',
    `<canvas width="200" height="100" style="position:absolute; left:100px; top:200px"></canvas>
    <script>document.querySelector('canvas').addEventListener('click', (e) => say('canvas at ' + e.offsetX + ',' + e.offsetY));</script>`,
  ),
  '/drag.html': page(
    'Drag',
    `<div id="box" draggable="true" style="position:absolute; left:20px; top:20px; width:60px; height:60px; background:#c00">Box</div>
    <div id="target" style="position:absolute; left:300px; top:20px; width:120px; height:120px; border:2px dashed #333">Target</div>
    <div id="track" style="position:absolute; left:20px; top:200px; width:300px; height:20px; background:#ddd; touch-action:none"></div>
    <ul id="list" style="position:absolute; left:20px; top:300px; margin:0; padding:0; list-style:none">
      <li><button style="width:120px; height:30px">Alpha</button></li>
      <li><button style="width:120px; height:30px">Beta</button></li>
      <li><button style="width:120px; height:30px">Gamma</button></li>
    </ul>
    <script>
      // HTML5 drag and drop.
      const box = document.getElementById('box');
      const target = document.getElementById('target');
      box.addEventListener('dragstart', (e) => e.dataTransfer.setData('text/plain', 'the box'));
      target.addEventListener('dragover', (e) => e.preventDefault());
      target.addEventListener('drop', (e) => { e.preventDefault(); say('dropped ' + e.dataTransfer.getData('text/plain')); });
      // A pointer-event slider with pointer capture.
      const track = document.getElementById('track');
      let sliding = false;
      const valueAt = (e) => Math.round(Math.min(Math.max((e.clientX - 20) / 300, 0), 1) * 100);
      track.addEventListener('pointerdown', (e) => { sliding = true; track.setPointerCapture(e.pointerId); });
      track.addEventListener('pointermove', (e) => { if (sliding) say('sliding ' + valueAt(e)); });
      track.addEventListener('pointerup', (e) => { sliding = false; say('slider at ' + valueAt(e)); });
      // A sortable list in the style of jQuery UI: mouse events on the document, a start distance.
      const list = document.getElementById('list');
      let dragged = null, start = null, moving = false;
      list.addEventListener('mousedown', (e) => { dragged = e.target.closest('li'); start = e.clientY; moving = false; });
      document.addEventListener('mousemove', (e) => {
        if (dragged === null || (!moving && Math.abs(e.clientY - start) < 4)) return;
        moving = true;
        const items = Array.from(list.children);
        const over = items.find((li) => li !== dragged && e.clientY >= li.getBoundingClientRect().top && e.clientY < li.getBoundingClientRect().bottom);
        if (over === undefined) return;
        if (items.indexOf(dragged) < items.indexOf(over)) over.after(dragged); else over.before(dragged);
      });
      document.addEventListener('mouseup', () => {
        if (moving) say('order ' + Array.from(list.children, (li) => li.textContent.trim()).join(','));
        dragged = null;
      });
    </script>`,
  ),
  '/wheel.html': page(
    'Wheel',
    `<div id="pad" style="position:absolute; left:20px; top:20px; width:300px; height:200px; background:#eef">Zoom pad</div>
    <div style="height:3000px"></div>
    <script>
      let total = 0;
      document.getElementById('pad').addEventListener('wheel', (e) => { e.preventDefault(); total += e.deltaY; say('wheel ' + total); }, { passive: false });
    </script>`,
  ),
  '/boxes.html': page(
    'Boxes',
    `<button style="position:absolute; left:40px; top:60px; width:100px; height:30px">Placed button</button>
    <iframe src="/frame.html" style="position:absolute; left:200px; top:300px; width:300px; height:150px; border:5px solid #000; padding:0"></iframe>
    <iframe id="far" style="position:absolute; left:600px; top:300px; width:300px; height:150px; border:3px solid #000"></iframe>
    <script>document.getElementById('far').src = new URLSearchParams(location.search).get('far');</script>`,
  ),
  '/link.html': page('Link', '<a href="/svg.html" style="position:absolute; left:0; top:0; width:200px; height:50px; display:block">To the shapes</a>'),
  '/frame.html': '<!doctype html><title>Frame</title><body style="margin:0"><button style="position:absolute; left:10px; top:20px; width:80px; height:25px">Framed button</button></body>',
});

async function status(s: SessionBrowser): Promise<string> {
  const line = (await s.observe()).text.split('\n').find((l) => l !== '') ?? '';
  return line.trim();
}

describe('click_at', () => {
  it('clicks an SVG shape at its point and says what was there, with its fill', async () => {
    const s = await pages.open('/svg.html');
    const result = await s.act({ kind: 'click_at', x: 70, y: 150 });
    expect(result).toMatchObject({ ok: true, pageChanged: false });
    expect(result.message).toBe('Clicked at (70, 150) on circle, fill #ff0000');
    expect(await status(s)).toBe('clicked red');
  });

  it('double-clicks and right-clicks', async () => {
    const s = await pages.open('/svg.html');
    expect(await s.act({ kind: 'click_at', x: 210, y: 150, clicks: 2 })).toMatchObject({ ok: true, message: 'Double-clicked at (210, 150) on rect, fill #0000ff' });
    expect(await status(s)).toBe('double-clicked blue');
    // Observed now, the shapes (they have listeners) are listed: the result names them by index.
    const red = (await s.observe()).elements.find((e) => e.looks === 'circle, fill #ff0000 red');
    expect(await s.act({ kind: 'click_at', x: 70, y: 150, button: 'right' })).toMatchObject({
      ok: true,
      message: `Right-clicked at (70, 150) on [${red?.index}] clickable circle, fill #ff0000`,
    });
    expect(await status(s)).toBe('context menu on red');
  });

  it('clicks a canvas at exactly that point', async () => {
    const s = await pages.open('/canvas.html');
    expect(await s.act({ kind: 'click_at', x: 150.4, y: 230 })).toMatchObject({ ok: true, message: 'Clicked at (150, 230) on canvas' });
    expect(await status(s)).toBe('canvas at 50,30');
  });

  it('names the observed element at the point by its index', async () => {
    const s = await pages.open('/svg.html');
    const button = elementNamed(await s.observe(), 'Plain button');
    const result = await s.act({ kind: 'click_at', x: 70, y: 315 });
    expect(result.message).toBe(`Clicked at (70, 315) on [${button.index}] button 'Plain button'`);
    expect(await status(s)).toBe('button pressed');
  });

  it('refuses a point outside the viewport and a click count it does not make', async () => {
    const s = await pages.open('/svg.html');
    expect(await s.act({ kind: 'click_at', x: 1400, y: 10 })).toEqual({
      ok: false,
      message: "(1400, 10) is outside the viewport (1280×800 CSS pixels, the screenshot's size, from its top-left corner)",
      pageChanged: false,
    });
    expect(await s.act({ kind: 'click_at', x: 10, y: 10, clicks: 4 })).toMatchObject({ ok: false, message: 'clicks must be 1 to 3' });
    expect(await status(s)).toBe('none');
  });

  it('follows a navigation the click starts', async () => {
    const s = await pages.open('/link.html');
    expect(await s.act({ kind: 'click_at', x: 100, y: 25 })).toMatchObject({ ok: true, pageChanged: true });
    expect((await s.pageInfo()).title).toBe('Shapes');
  });
});

describe('hover_at', () => {
  it('moves the mouse onto a shape', async () => {
    const s = await pages.open('/svg.html');
    expect(await s.act({ kind: 'hover_at', x: 210, y: 150 })).toMatchObject({ ok: true, message: 'Moved the mouse to (210, 150) on rect, fill #0000ff' });
    expect(await status(s)).toBe('hovering blue');
  });
});

describe('drag', () => {
  it('drops a box on a target by HTML5 drag and drop', async () => {
    const s = await pages.open('/drag.html');
    const result = await s.act({ kind: 'drag', from: { x: 50, y: 50 }, to: { x: 360, y: 80 } });
    expect(result).toMatchObject({ ok: true, message: 'Dragged from (50, 50) on div to (360, 80) on div' });
    expect(await status(s)).toBe('dropped the box');
  });

  it('moves a pointer-event slider that captures the pointer', async () => {
    const s = await pages.open('/drag.html');
    expect(await s.act({ kind: 'drag', from: { x: 20, y: 210 }, to: { x: 170, y: 210 } })).toMatchObject({ ok: true });
    expect(await status(s)).toBe('slider at 50');
  });

  it('sorts a list by dragging one item onto another, by index', async () => {
    const s = await pages.open('/drag.html');
    const observation = await s.observe();
    const alpha = elementNamed(observation, 'Alpha');
    const gamma = elementNamed(observation, 'Gamma');
    const result = await s.act({ kind: 'drag', from: { index: alpha.index }, to: { index: gamma.index } });
    expect(result.message).toBe(`Dragged from (80, 315) on [${alpha.index}] button 'Alpha' to (80, 375) on [${gamma.index}] button 'Gamma'`);
    expect(await status(s)).toBe('order Beta,Gamma,Alpha');
  });

  it('refuses an end out of view and an index it does not know', async () => {
    const s = await pages.open('/drag.html');
    expect(await s.act({ kind: 'drag', from: { x: 50, y: 50 }, to: { x: 50, y: 900 } })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^The drag's end: \(50, 900\) is outside the viewport .*; scroll so both ends are in view$/),
    });
    expect(await s.act({ kind: 'drag', from: { index: 999 }, to: { x: 50, y: 50 } })).toMatchObject({ ok: false, message: 'No element with index 999; observe the page again' });
  });
});

describe('mouse_wheel', () => {
  it('turns the wheel over an element that handles it, and scrolls the page elsewhere', async () => {
    const s = await pages.open('/wheel.html');
    expect(await s.act({ kind: 'mouse_wheel', x: 100, y: 100, deltaY: 300 })).toMatchObject({
      ok: true,
      message: 'Turned the wheel by (0, 300) at (100, 100) on div; the page is scrolled to y=0',
    });
    expect(await status(s)).toBe('wheel 300');
    const scrolled = await s.act({ kind: 'mouse_wheel', x: 600, y: 500, deltaY: 400 });
    expect(scrolled).toMatchObject({ ok: true });
    expect((await s.observe()).scroll.y).toBeGreaterThan(0);
  });
});

describe('element boxes', () => {
  it('are border boxes in the viewport, frames included, and click_at at a box centre hits its element', async () => {
    // The second frame is another origin's, observed by its own run: its boxes are moved into the tab's viewport.
    const s = await pages.open(`/boxes.html?far=${encodeURIComponent(`${other.url}/inner.html`)}`);
    await s.act({ kind: 'wait_for', text: 'Far button', timeoutMs: 5_000 });
    const observation = await s.observe();
    expect(elementNamed(observation, 'Placed button').box).toEqual({ x: 40, y: 60, width: 100, height: 30 });
    expect(elementNamed(observation, 'Framed button').box).toEqual({ x: 215, y: 325, width: 80, height: 25 });
    expect(elementNamed(observation, 'Far button').box).toEqual({ x: 610, y: 312, width: 50, height: 20 });
    const framed = elementNamed(observation, 'Framed button');
    expect((await s.act({ kind: 'click_at', x: 255, y: 337 })).message).toBe(`Clicked at (255, 337) on [${framed.index}] button 'Framed button'`);
    // What is inside another origin's frame is not looked into by the page.
    expect((await s.act({ kind: 'click_at', x: 635, y: 322 })).message).toBe('Clicked at (635, 322) on frame');
  });
});
