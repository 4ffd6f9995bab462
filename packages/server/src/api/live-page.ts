/**
 * The live-view page behind `vnc_url`: the screen as an MJPEG image, and the person's clicks,
 * wheel and keys sent back as input. Plain HTML and a few lines of script; no assets to serve.
 */
export function livePage(sessionId: string, token: string): string {
  const q = `?token=${encodeURIComponent(token)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Steward live view</title>
<style>
  body { margin: 0; background: #111; color: #ddd; font: 14px system-ui, sans-serif; }
  header { padding: 6px 10px; display: flex; gap: 12px; align-items: center; }
  #screen { display: block; max-width: 100%; margin: 0 auto; cursor: crosshair; outline: none; }
  #state { opacity: .7; }
</style></head>
<body>
<header><strong>Steward</strong><span>session ${sessionId}</span><span id="state">connecting…</span></header>
<img id="screen" tabindex="0" alt="Live view of the session's browser">
<script>
const screen = document.getElementById('screen');
const state = document.getElementById('state');
// The stream is MJPEG; it is read with fetch and shown frame by frame, which works in every
// browser (native multipart images do not render everywhere, headless Chromium among them).
(async () => {
  const response = await fetch('live/stream${q}');
  if (!response.ok) { state.textContent = 'stream refused (' + response.status + ')'; return; }
  const reader = response.body.getReader();
  let buffer = new Uint8Array(0);
  let shown;
  const find = (bytes, text, from) => {
    const needle = new TextEncoder().encode(text);
    outer: for (let i = from; i <= bytes.length - needle.length; i++) {
      for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
      return i;
    }
    return -1;
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const merged = new Uint8Array(buffer.length + value.length);
    merged.set(buffer); merged.set(value, buffer.length); buffer = merged;
    for (;;) {
      const end = find(buffer, '\\r\\n\\r\\n', 0);
      if (end < 0) break;
      const head = new TextDecoder().decode(buffer.subarray(0, end));
      const length = /Content-Length: (\\d+)/i.exec(head);
      if (!length) { buffer = buffer.subarray(end + 4); continue; }
      const size = Number(length[1]);
      if (buffer.length < end + 4 + size) break;
      const url = URL.createObjectURL(new Blob([buffer.slice(end + 4, end + 4 + size)], { type: 'image/jpeg' }));
      screen.src = url;
      if (shown) URL.revokeObjectURL(shown);
      shown = url;
      state.textContent = 'live — click the screen to take over';
      buffer = buffer.subarray(end + 4 + size);
    }
  }
  state.textContent = 'stream ended';
})().catch(() => { state.textContent = 'stream ended'; });
const send = (event) => fetch('live/input${q}', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(event) })
  .then((r) => { if (!r.ok) state.textContent = 'input refused (' + r.status + ')'; });
const point = (e) => {
  const box = screen.getBoundingClientRect();
  return { x: Math.round((e.clientX - box.left) * screen.naturalWidth / box.width), y: Math.round((e.clientY - box.top) * screen.naturalHeight / box.height) };
};
screen.addEventListener('click', (e) => { screen.focus(); send({ type: 'click', ...point(e) }); });
screen.addEventListener('contextmenu', (e) => { e.preventDefault(); send({ type: 'click', button: 'right', ...point(e) }); });
// A trackpad fires ~60 wheel events a second: they are summed and sent at most ten times a
// second, so scrolling stays well inside the session's live-view quota.
let wheel = null;
screen.addEventListener('wheel', (e) => {
  e.preventDefault();
  if (wheel) { wheel.deltaX += e.deltaX; wheel.deltaY += e.deltaY; return; }
  wheel = { type: 'wheel', ...point(e), deltaX: e.deltaX, deltaY: e.deltaY };
  setTimeout(() => { const sum = wheel; wheel = null; send(sum); }, 100);
}, { passive: false });
screen.addEventListener('keydown', (e) => {
  e.preventDefault();
  if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) send({ type: 'type', text: e.key });
  else send({ type: 'key', key: [e.ctrlKey && 'Control', e.altKey && 'Alt', e.metaKey && 'Meta', e.key].filter(Boolean).join('+') });
});
</script>
</body></html>`;
}
