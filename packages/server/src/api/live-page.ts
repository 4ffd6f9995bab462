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
<img id="screen" tabindex="0" alt="Live view of the session's browser" src="live/stream${q}">
<script>
const screen = document.getElementById('screen');
const state = document.getElementById('state');
screen.addEventListener('load', () => { state.textContent = 'live — click the screen to take over'; });
screen.addEventListener('error', () => { state.textContent = 'stream ended'; });
const send = (event) => fetch('live/input${q}', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(event) })
  .then((r) => { if (!r.ok) state.textContent = 'input refused (' + r.status + ')'; });
const point = (e) => {
  const box = screen.getBoundingClientRect();
  return { x: Math.round((e.clientX - box.left) * screen.naturalWidth / box.width), y: Math.round((e.clientY - box.top) * screen.naturalHeight / box.height) };
};
screen.addEventListener('click', (e) => { screen.focus(); send({ type: 'click', ...point(e) }); });
screen.addEventListener('contextmenu', (e) => { e.preventDefault(); send({ type: 'click', button: 'right', ...point(e) }); });
screen.addEventListener('wheel', (e) => { e.preventDefault(); send({ type: 'wheel', ...point(e), deltaX: e.deltaX, deltaY: e.deltaY }); }, { passive: false });
screen.addEventListener('keydown', (e) => {
  e.preventDefault();
  if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) send({ type: 'type', text: e.key });
  else send({ type: 'key', key: [e.ctrlKey && 'Control', e.altKey && 'Alt', e.metaKey && 'Meta', e.key].filter(Boolean).join('+') });
});
</script>
</body></html>`;
}
