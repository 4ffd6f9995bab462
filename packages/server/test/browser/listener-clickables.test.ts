import { describe, expect, it } from 'vitest';
import { usePagesHarness } from './pages-harness.ts';

// Things made clickable by script alone (addEventListener, an onclick property): no role, href
// or onclick attribute, yet a person clicks them. They are listed with role `clickable`.

const pages = usePagesHarness('listener-clickables', {
  '/widgets.html': `<!doctype html><html><head><title>Widgets</title><style>.swatch { display:inline-block; width:24px; height:24px }</style></head><body>
    <p>Status: <span id="status">none</span></p>
    <nav><span class="fake-link">Span link</span> <span class="fake-link">Other span link</span></nav>
    <ul class="tree"><li><span class="node">Documents</span><ul><li><span class="node">Reports</span></li></ul></li></ul>
    <table><tr class="mail"><td>Alice</td><td>Lunch on Friday?</td><td><span class="star" title="Star this mail">☆</span></td></tr></table>
    <div><span class="swatch" style="background:#ff0000" data-colour="red"></span><span class="swatch" style="background:#00ff00" data-colour="green"></span></div>
    <div><span class="fa-trash" style="display:inline-block; width:16px; height:16px"></span><img class="logo" src="/pics/cart.png?v=2" width="20" height="20" alt=""></div>
    <svg width="120" height="60"><circle class="dot" cx="30" cy="30" r="20" fill="#0000ff"></circle></svg>
    <div id="prop">Property handler</div>
    <span class="fake-link" style="display:none">Hidden span link</span>
    <button id="real"><span class="inner">Real button</span></button>
    <div id="root" style="min-height:600px"><p>Inside a delegating root</p><div style="cursor:pointer">Delegated row <b>with bold words</b></div></div>
    <script>
      const say = (text) => { document.getElementById('status').textContent = text; };
      for (const el of document.querySelectorAll('.fake-link, .node')) el.addEventListener('click', () => say('clicked ' + el.textContent));
      document.querySelector('tr.mail').addEventListener('click', () => say('opened mail'));
      document.querySelector('.star').addEventListener('click', (e) => { e.stopPropagation(); say('starred'); });
      for (const el of document.querySelectorAll('.swatch')) el.addEventListener('mousedown', () => say('picked ' + el.dataset.colour));
      document.querySelector('.dot').addEventListener('click', () => say('clicked the dot'));
      document.querySelector('.fa-trash').addEventListener('click', () => say('trashed'));
      document.querySelector('.logo').addEventListener('click', () => say('cart'));
      document.getElementById('prop').onclick = () => say('property handler ran');
      document.querySelector('.inner').addEventListener('click', () => {});
      // A framework's delegation: one listener on the root for everything inside it.
      document.getElementById('root').addEventListener('click', () => {});
      document.body.addEventListener('click', () => {});
    </script></body></html>`,
  // Things only drag and drop uses: picked up (a dragstart listener, draggable="true", a grab
  // cursor) or dropped on (dragover and drop listeners), none with a role or a click listener.
  '/dnd.html': `<!doctype html><html><head><title>Board</title><style>
    .card { width:120px; padding:8px; margin:4px; background:#eee } .zone { width:200px; height:80px; margin:8px; border:2px dashed #888 }
    .handle { display:inline-block; width:100px; padding:6px; cursor:grab; background:#ddd }</style></head><body>
    <p>Status: <span id="status">none</span></p>
    <div class="card" id="task">Write the report</div>
    <div class="card" draggable="true" id="other">Book the room</div>
    <div class="handle">Resize handle</div>
    <div class="zone" id="done">Done</div>
    <script>
      const say = (text) => { document.getElementById('status').textContent = text; };
      const task = document.getElementById('task');
      task.draggable = true;
      task.addEventListener('dragstart', (e) => e.dataTransfer.setData('text/plain', task.id));
      document.getElementById('other').parentElement.addEventListener('dragstart', (e) => e.dataTransfer.setData('text/plain', e.target.id));
      const zone = document.getElementById('done');
      zone.addEventListener('dragover', (e) => e.preventDefault());
      zone.addEventListener('drop', (e) => { e.preventDefault(); say('dropped ' + e.dataTransfer.getData('text/plain') + ' on done'); });
    </script></body></html>`,
});

describe('listener clickables', () => {
  it('lists what script made clickable, with the best name available, and leaves out what a person does not click', async () => {
    const s = await pages.open('/widgets.html');
    const observation = await s.observe();
    const listed = observation.elements.map((e) => `${e.role}:${e.tag}:${e.name}${e.looks === undefined ? '' : ` (${e.looks})`}`);
    expect(listed).toEqual([
      'clickable:span:Span link',
      'clickable:span:Other span link',
      'clickable:span:Documents',
      'clickable:span:Reports',
      'clickable:tr:Alice Lunch on Friday? ☆',
      'clickable:span:Star this mail',
      'clickable:span: (colour #ff0000 red)',
      'clickable:span: (colour #00ff00 green)',
      'clickable:span: (icon trash)',
      'clickable:img: (image cart.png)',
      'clickable:circle: (circle, fill #0000ff blue)',
      'clickable:div:Property handler',
      'button:button:Real button',
      // Clickable through the root's listener: a pointer cursor of its own is the hint.
      'clickable:div:Delegated row with bold words',
    ]);
  });

  it('clicks them by index', async () => {
    const s = await pages.open('/widgets.html');
    const observation = await s.observe();
    const byName = (name: string) => observation.elements.find((e) => e.name === name)!;
    const status = async () => (await s.observe()).text.match(/Status: (.*)/)?.[1];
    expect(await s.act({ kind: 'click', index: byName('Reports').index })).toMatchObject({ ok: true, message: "Clicked clickable 'Reports'" });
    expect(await status()).toBe('clicked Reports');
    await s.act({ kind: 'click', index: byName('Star this mail').index });
    expect(await status()).toBe('starred');
    const circle = observation.elements.find((e) => e.tag === 'circle')!;
    await s.act({ kind: 'click', index: circle.index });
    expect(await status()).toBe('clicked the dot');
    const green = observation.elements.find((e) => e.looks === 'colour #00ff00 green')!;
    await s.act({ kind: 'click', index: green.index });
    expect(await status()).toBe('picked green');
  });

  it('lists what only drag and drop uses, as draggable and drop target, and drags one onto the other by index', async () => {
    const s = await pages.open('/dnd.html');
    const observation = await s.observe();
    expect(observation.elements.map((e) => `${e.role}:${e.name}`)).toEqual([
      'draggable:Write the report',
      'draggable:Book the room',
      'draggable:Resize handle',
      'drop target:Done',
    ]);
    const byName = (name: string) => observation.elements.find((e) => e.name === name)!;
    const dragged = await s.act({ kind: 'drag', from: { index: byName('Book the room').index }, to: { index: byName('Done').index } });
    expect(dragged.ok, dragged.message).toBe(true);
    expect((await s.observe()).text).toContain('Status: dropped other on done');
    await s.act({ kind: 'drag', from: { index: byName('Write the report').index }, to: { index: byName('Done').index } });
    expect((await s.observe()).text).toContain('Status: dropped task on done');
  });
});
