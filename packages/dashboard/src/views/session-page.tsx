import type { Steward } from '@steward/client';
import { useCallback, useMemo, useState } from 'preact/hooks';
import { describeError, ErrorBanner } from '../components/error-banner.tsx';
import { LiveView } from '../components/live-view.tsx';
import { ReplyBox } from '../components/reply-box.tsx';
import { saveBlob, SessionFiles } from '../components/session-files.tsx';
import { Timeline } from '../components/timeline.tsx';
import { onLinkClick, sessionPath } from '../router.ts';
import { openQuestion } from '../timeline.ts';
import { useSessionFeed, type Connection } from '../use-session-feed.ts';

const CONNECTION_TEXT: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  idle: 'Up to date',
  lost: 'Connection lost — reconnecting…',
};

/** One session: the live browser beside the timeline, the controls, the reply box and the files. */
export function SessionPage({ client, sessionId, token }: { client: Steward; sessionId: string; token: string | undefined }) {
  const feed = useSessionFeed(client, sessionId);
  const { session, items, status } = feed;
  const [problem, setProblem] = useState<string>();
  const [controlling, setControlling] = useState(false);
  const [pausedForTakeOver, setPausedForTakeOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [navigateTo, setNavigateTo] = useState('');
  const fail = useCallback((error: unknown) => setProblem(describeError(error)), []);
  const onInputError = useCallback((message: string) => setProblem(`Input refused: ${message}`), []);

  const act = async (work: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setProblem(undefined);
    try {
      await work();
    } catch (error) {
      fail(error);
      throw error;
    } finally {
      setBusy(false);
      feed.refresh();
    }
  };
  const run = (work: () => Promise<unknown>) => () => void act(work).catch(() => {});

  const alive = session !== undefined && session.status !== 'terminated' && !feed.gone;
  const browserSession = session?.agentSessionType !== 'desktop';
  const question = openQuestion(items, status === 'waiting_for_input');

  const takeOver = async (): Promise<void> => {
    // The agent waits between actions while a person has the page, and goes on when handed back.
    if (status === 'running') {
      await client.sessions.pause(sessionId);
      setPausedForTakeOver(true);
    }
    setControlling(true);
  };
  const handBack = async (): Promise<void> => {
    setControlling(false);
    if (pausedForTakeOver) {
      setPausedForTakeOver(false);
      await client.sessions.resume(sessionId);
    }
  };
  const screenshot = async (): Promise<void> => {
    const shot = await client.sessions.screenshot(sessionId);
    saveBlob(dataUrlBlob(shot.screenshot), `${sessionId}-${new Date().toISOString().replace(/[:.]/g, '-')}.jpg`);
  };

  const live = useMemo(() => client.liveView, [client]);
  if (feed.gone) {
    return (
      <main class="page">
        <p role="alert">This session does not exist, or it belongs to another key.</p>
        <a href="/" onClick={(event) => onLinkClick(event, '/')}>Back to the sessions</a>
      </main>
    );
  }
  return (
    <main class="page session-page">
      <header class="session-header">
        <a href="/" onClick={(event) => onLinkClick(event, '/')}>← Sessions</a>
        <h1>
          Session <code>{sessionId}</code>
        </h1>
        {session ? <span class={`badge status-${session.status}`}>{session.status}</span> : null}
        {status ? <span class={`badge exec-${status}`}>task: {status.replace(/_/g, ' ')}</span> : null}
        {session ? <span class="muted">{session.agentName}</span> : null}
        {session?.demo ? <span class="badge demo">scripted demo — not a model</span> : null}
        <span class={`connection ${feed.connection}`} role="status">{CONNECTION_TEXT[feed.connection]}</span>
      </header>
      <ErrorBanner message={problem} onDismiss={() => setProblem(undefined)} />
      <div class="controls" role="toolbar" aria-label="Session controls">
        <button type="button" disabled={busy || status !== 'running'} onClick={run(() => client.sessions.pause(sessionId))}>Pause</button>
        <button type="button" disabled={busy || status !== 'paused'} onClick={run(() => client.sessions.resume(sessionId))}>Resume</button>
        <button type="button" class="danger" disabled={busy || !(status === 'running' || status === 'paused' || status === 'waiting_for_input')} onClick={run(() => client.sessions.cancel(sessionId))}>Cancel</button>
        {browserSession ? (
          controlling ? (
            <button type="button" class="primary" disabled={busy} onClick={run(handBack)}>Hand back</button>
          ) : (
            <button type="button" disabled={busy || !alive} onClick={run(takeOver)}>Take over</button>
          )
        ) : null}
        {browserSession ? <button type="button" disabled={busy || !alive} onClick={run(screenshot)}>Screenshot</button> : null}
        <a class="button-like" href={sessionPath(sessionId, '/replay')} onClick={(event) => onLinkClick(event, sessionPath(sessionId, '/replay'))}>Replay</a>
      </div>
      <div class="session-grid">
        {browserSession ? (
          <div class="browser-column">
            <LiveView live={live} sessionId={sessionId} token={token} controlling={controlling} alive={alive} onInputError={onInputError} />
            <form
              class="navigate"
              onSubmit={(event) => {
                event.preventDefault();
                void act(() => client.sessions.navigate(sessionId, navigateTo)).then(() => setNavigateTo(''), () => {});
              }}
            >
              <label for="navigate-url">URL</label>
              <input id="navigate-url" type="url" required value={navigateTo} placeholder="https://…" onInput={(event) => setNavigateTo(event.currentTarget.value)} />
              <button type="submit" disabled={busy || !alive}>Navigate</button>
            </form>
          </div>
        ) : null}
        <div class="timeline-column">
          <Timeline items={items} />
          <ReplyBox question={question} disabled={!alive} send={(text) => act(() => client.sessions.sendMessage(sessionId, text))} />
          <SessionFiles client={client} sessionId={sessionId} version={items.length} onError={fail} />
        </div>
      </div>
    </main>
  );
}

/** `data:image/jpeg;base64,…` as a Blob. */
function dataUrlBlob(dataUrl: string): Blob {
  const [head = '', base64 = ''] = dataUrl.split(',', 2);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: /^data:([^;,]+)/.exec(head)?.[1] ?? 'image/jpeg' });
}
