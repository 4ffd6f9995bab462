/**
 * Runs INSIDE the page or a frame: boxes each element of the latest observation (the registry's
 * `previous` set, see `observe-page.ts`) and labels it with its index, in an overlay that the
 * screenshot captures and `clearMarks` removes. `labels` maps registry indices to the numbers the
 * model knows (session-wide ones in a cross-origin frame); without it they are the same.
 */
export function drawMarks(labels: Record<string, number> | null): number {
  type Registry = { byIndex: Map<number, WeakRef<Element>>; previous: Set<number> };
  const registry = (window as unknown as Record<symbol, Registry | undefined>)[Symbol.for('steward.registry')];
  document.getElementById('__steward_marks')?.remove();
  if (registry === undefined) return 0;
  const layer = document.createElement('div');
  layer.id = '__steward_marks';
  layer.style.cssText = 'position:fixed;inset:0;pointer-events:none;z-index:2147483647;';
  let drawn = 0;
  for (const index of registry.previous) {
    const el = registry.byIndex.get(index)?.deref();
    const label = labels === null ? index : labels[String(index)];
    if (el === undefined || !el.isConnected || label === undefined) continue;
    // Elements of same-origin frames: shift by each frame's position in its parent.
    const rect = el.getBoundingClientRect();
    let x = rect.left;
    let y = rect.top;
    let view = el.ownerDocument.defaultView;
    while (view !== null && view !== window && view.frameElement !== null) {
      const frameRect = view.frameElement.getBoundingClientRect();
      x += frameRect.left + (view.frameElement as HTMLElement).clientLeft;
      y += frameRect.top + (view.frameElement as HTMLElement).clientTop;
      view = view.frameElement.ownerDocument.defaultView;
    }
    if (y + rect.height < 0 || y > window.innerHeight || x + rect.width < 0 || x > window.innerWidth) continue;
    const box = document.createElement('div');
    box.style.cssText = `position:absolute;left:${x}px;top:${y}px;width:${rect.width}px;height:${rect.height}px;outline:2px solid #e0115f;`;
    const tag = document.createElement('span');
    tag.textContent = String(label);
    tag.style.cssText = 'position:absolute;left:0;top:-14px;font:bold 11px/13px monospace;color:#fff;background:#e0115f;padding:0 2px;';
    box.append(tag);
    layer.append(box);
    drawn++;
  }
  document.documentElement.append(layer);
  return drawn;
}

export function clearMarks(): void {
  document.getElementById('__steward_marks')?.remove();
}
