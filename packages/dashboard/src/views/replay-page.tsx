import type { ReplayStep, Steward } from '@steward/client';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { describeError } from '../components/error-banner.tsx';
import { ResultView } from '../components/result-view.tsx';
import { onLinkClick, sessionPath } from '../router.ts';
import { mergeMessages, stepKey, stepsOf, type TimelineItem } from '../timeline.ts';

/** A session's steps one by one: the screenshot taken at each, beside its thought and actions. */
export function ReplayPage({ client, sessionId }: { client: Steward; sessionId: string }) {
  const [frames, setFrames] = useState<ReplayStep[]>();
  const [items, setItems] = useState<TimelineItem[]>([]);
  const [problem, setProblem] = useState<string>();
  const [at, setAt] = useState(0);
  const [image, setImage] = useState<string>();

  useEffect(() => {
    const stop = new AbortController();
    Promise.all([client.replay.list(sessionId, { signal: stop.signal }), client.sessions.getMessages(sessionId, 0, true, { signal: stop.signal })]).then(
      ([replay, messages]) => {
        setFrames(replay.steps);
        setItems(mergeMessages([], messages.messages));
      },
      (error: unknown) => {
        if (!stop.signal.aborted) setProblem(describeError(error));
      },
    );
    return () => stop.abort();
  }, [client, sessionId]);

  const frame = frames?.[at];
  useEffect(() => {
    if (frame === undefined) return;
    const stop = new AbortController();
    let url: string | undefined;
    client.replay.screenshot(sessionId, frame.step, { signal: stop.signal }).then(
      (bytes) => {
        url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
        setImage(url);
      },
      (error: unknown) => {
        if (!stop.signal.aborted) setProblem(describeError(error));
      },
    );
    return () => {
      stop.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [client, sessionId, frame]);

  const steps = useMemo(() => stepsOf(items), [items]);
  const outcome = items.findLast((item) => item.kind === 'done' || item.kind === 'error');
  const count = frames?.length ?? 0;
  const go = (index: number): void => setAt(Math.max(0, Math.min(count - 1, index)));
  const detail = frame === undefined ? undefined : steps.get(stepKey(frame.taskId, frame.taskStep));

  return (
    <main
      class="page replay-page"
      onKeyDown={(event) => {
        if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
        if (event.key === 'ArrowLeft') go(at - 1);
        if (event.key === 'ArrowRight') go(at + 1);
      }}
    >
      <header class="session-header">
        <a href={sessionPath(sessionId)} onClick={(event) => onLinkClick(event, sessionPath(sessionId))}>← Session</a>
        <h1>
          Replay of <code>{sessionId}</code>
        </h1>
      </header>
      {problem ? <p class="banner error" role="alert">{problem}</p> : null}
      {frames !== undefined && count === 0 ? <p>No step of this session was recorded (replay keeps a picture of each agent step of a browser session).</p> : null}
      {frame ? (
        <div class="replay-grid">
          <figure class="replay-frame" aria-label="Step screenshot">
            {image ? <img src={image} alt={`The page at step ${frame.taskStep}: ${frame.title || frame.url}`} /> : <div class="screen empty" />}
            <figcaption class="muted">{frame.url}</figcaption>
          </figure>
          <section class="replay-detail" aria-label="Step">
            <div class="replay-nav">
              <button type="button" disabled={at === 0} onClick={() => go(at - 1)}>Previous step</button>
              <span role="status">
                Step {frame.taskStep} of task {frame.taskId} ({at + 1} of {count})
              </span>
              <button type="button" disabled={at >= count - 1} onClick={() => go(at + 1)}>Next step</button>
            </div>
            <label for="replay-position">Position</label>
            <input id="replay-position" type="range" min={0} max={count - 1} value={at} onInput={(event) => go(Number(event.currentTarget.value))} />
            <h2>Thought</h2>
            <p>{detail?.thought ?? <span class="muted">(none recorded)</span>}</p>
            <h2>Actions</h2>
            {detail && detail.actions.length > 0 ? (
              <ul class="replay-actions">
                {detail.actions.map((action) => (
                  <li key={action.id} class={action.ok ? '' : 'failed'}>
                    <span class="tag">{action.tool}</span> {action.text}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">(no action)</p>
            )}
            {at === count - 1 && outcome ? (
              <div class="replay-outcome">
                <h2>{outcome.kind === 'done' ? 'Result' : 'Error'}</h2>
                {outcome.kind === 'done' ? <ResultView result={outcome.result} /> : outcome.kind === 'error' ? <p>{outcome.text}</p> : null}
              </div>
            ) : null}
          </section>
        </div>
      ) : null}
    </main>
  );
}
