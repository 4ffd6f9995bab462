import type { LiveInput, LiveView as LiveViewClient } from '@steward/client';
import { useEffect, useRef, useState } from 'preact/hooks';

interface Props {
  live: LiveViewClient;
  sessionId: string;
  /** The `vnc_url` capability, when the page was opened with it instead of a key. */
  token: string | undefined;
  /** The person has taken over: clicks, the wheel and keys go to the page. */
  controlling: boolean;
  /** False once the session is over: no stream to open. */
  alive: boolean;
  onInputError(message: string): void;
}

type StreamState = 'connecting' | 'live' | 'ended';

/** The session's browser as it changes (the MJPEG live stream), and, when taken over, its input. */
export function LiveView({ live, sessionId, token, controlling, alive, onInputError }: Props) {
  const image = useRef<HTMLImageElement>(null);
  const [state, setState] = useState<StreamState>('connecting');
  const [hasFrame, setHasFrame] = useState(false);

  useEffect(() => {
    if (!alive) {
      setState('ended');
      return;
    }
    const stop = new AbortController();
    let shown: string | undefined;
    void (async () => {
      // A stream ends when the session's browser restarts or the connection drops: open it again.
      for (let attempt = 0; !stop.signal.aborted; attempt++) {
        setState('connecting');
        try {
          for await (const frame of live.frames(sessionId, { token, signal: stop.signal })) {
            const url = URL.createObjectURL(new Blob([frame as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
            if (image.current) image.current.src = url;
            if (shown) URL.revokeObjectURL(shown);
            shown = url;
            attempt = 0;
            setHasFrame(true);
            setState('live');
          }
        } catch {
          // Refused or dropped: retried below, more slowly each time.
        }
        if (stop.signal.aborted) break;
        setState('ended');
        await new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** attempt, 10_000)));
      }
    })();
    return () => {
      stop.abort();
      if (shown) URL.revokeObjectURL(shown);
    };
  }, [live, sessionId, token, alive]);

  useEffect(() => {
    const screen = image.current;
    if (!screen || !controlling) return;
    const send = (input: LiveInput): void => {
      live.input(sessionId, input, { token }).catch((error: unknown) => onInputError(error instanceof Error ? error.message : String(error)));
    };
    const point = (event: MouseEvent): { x: number; y: number } => {
      const box = screen.getBoundingClientRect();
      return {
        x: Math.max(0, Math.round(((event.clientX - box.left) * screen.naturalWidth) / box.width)),
        y: Math.max(0, Math.round(((event.clientY - box.top) * screen.naturalHeight) / box.height)),
      };
    };
    const onClick = (event: MouseEvent): void => {
      screen.focus();
      send({ type: 'click', ...point(event) });
    };
    const onContextMenu = (event: MouseEvent): void => {
      event.preventDefault();
      send({ type: 'click', button: 'right', ...point(event) });
    };
    // A trackpad fires ~60 wheel events a second: summed and sent at most ten times a second,
    // which keeps scrolling inside the session's live-view quota.
    let wheel: Extract<LiveInput, { type: 'wheel' }> | undefined;
    const onWheel = (event: WheelEvent): void => {
      event.preventDefault();
      if (wheel) {
        wheel.deltaX += event.deltaX;
        wheel.deltaY += event.deltaY;
        return;
      }
      wheel = { type: 'wheel', ...point(event), deltaX: event.deltaX, deltaY: event.deltaY };
      setTimeout(() => {
        if (wheel) send(wheel);
        wheel = undefined;
      }, 100);
    };
    const onKeyDown = (event: KeyboardEvent): void => {
      // Tab still moves the focus out, so the keyboard alone can leave the view.
      if (event.key === 'Tab') return;
      event.preventDefault();
      if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) send({ type: 'type', text: event.key });
      else send({ type: 'key', key: [event.ctrlKey && 'Control', event.altKey && 'Alt', event.metaKey && 'Meta', event.key].filter(Boolean).join('+') });
    };
    screen.addEventListener('click', onClick);
    screen.addEventListener('contextmenu', onContextMenu);
    screen.addEventListener('wheel', onWheel, { passive: false });
    screen.addEventListener('keydown', onKeyDown);
    screen.focus();
    return () => {
      screen.removeEventListener('click', onClick);
      screen.removeEventListener('contextmenu', onContextMenu);
      screen.removeEventListener('wheel', onWheel);
      screen.removeEventListener('keydown', onKeyDown);
    };
  }, [live, sessionId, token, controlling, onInputError]);

  const caption = !alive ? 'The session has ended.' : state === 'live' ? (controlling ? 'You have control: click, scroll and type into the page.' : 'Live') : state === 'connecting' ? 'Connecting…' : 'Stream ended; reconnecting…';
  return (
    <section class={controlling ? 'live-view controlling' : 'live-view'} aria-label="Live view">
      <div class="screen-frame">
        <img
          ref={image}
          class={hasFrame ? 'screen' : 'screen empty'}
          tabIndex={controlling ? 0 : -1}
          alt={controlling ? "The session's browser: you have control" : "The session's browser, live"}
        />
      </div>
      <p class="live-state" role="status">{caption}</p>
    </section>
  );
}
