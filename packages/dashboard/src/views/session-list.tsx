import type { Session, SessionStatus, Steward } from '@steward/client';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeError, ErrorBanner } from '../components/error-banner.tsx';
import { age, truncate } from '../format.ts';
import { reportAuthFailure } from '../connection.ts';
import { navigate, onLinkClick, sessionPath } from '../router.ts';
import { NewSessionForm } from './new-session-form.tsx';

const STATUSES: SessionStatus[] = ['initializing', 'ready', 'running', 'paused', 'completed', 'error', 'terminated'];
const POLL_MS = 2_000;

/** Every session of the key, newest first, updating live; create, filter, delete. */
export function SessionList({ client }: { client: Steward }) {
  const [sessions, setSessions] = useState<Session[]>();
  const [filter, setFilter] = useState<SessionStatus | 'all'>('all');
  const [creating, setCreating] = useState(false);
  const [confirmingDeleteAll, setConfirmingDeleteAll] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [offline, setOffline] = useState(false);
  const [now, setNow] = useState(Date.now());
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (): Promise<void> => {
      try {
        const listed = await client.sessions.list();
        if (stopped) return;
        setSessions(listed);
        setOffline(false);
      } catch (error) {
        if (reportAuthFailure(error)) return;
        if (!stopped) setOffline(true);
      }
      setNow(Date.now());
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client, tick]);

  const remove = async (sessionId: string): Promise<void> => {
    try {
      await client.sessions.delete(sessionId);
      reload();
    } catch (error) {
      setProblem(describeError(error));
    }
  };
  const removeAll = async (): Promise<void> => {
    setConfirmingDeleteAll(false);
    try {
      await client.sessions.deleteAll();
      reload();
    } catch (error) {
      setProblem(describeError(error));
    }
  };

  const [startingDemo, setStartingDemo] = useState(false);
  const startDemo = async (): Promise<void> => {
    setStartingDemo(true);
    try {
      const session = await client.demo.start();
      navigate(sessionPath(session.sessionId));
    } catch (error) {
      setProblem(describeError(error));
      setStartingDemo(false);
    }
  };

  const shown = (sessions ?? []).filter((session) => filter === 'all' || session.status === filter);
  return (
    <main class="page">
      <div class="list-header">
        <h1>Sessions</h1>
        <div class="list-actions">
          <button type="button" class="primary" onClick={() => setCreating(true)}>New session</button>
          <button type="button" class="danger" disabled={!sessions || sessions.length === 0} onClick={() => setConfirmingDeleteAll(true)}>Delete all</button>
        </div>
      </div>
      {offline ? <p class="banner warn" role="status">Connection lost — retrying…</p> : null}
      <ErrorBanner message={problem} onDismiss={() => setProblem(undefined)} />
      {confirmingDeleteAll ? (
        <div class="banner warn" role="alertdialog" aria-label="Delete all sessions">
          <span>Delete all {sessions?.length ?? 0} sessions of this key? Running tasks are cancelled.</span>
          <button type="button" class="danger" onClick={() => void removeAll()}>Yes, delete all</button>
          <button type="button" onClick={() => setConfirmingDeleteAll(false)}>Keep them</button>
        </div>
      ) : null}
      {creating ? <NewSessionForm client={client} onCancel={() => setCreating(false)} onCreated={(id) => navigate(sessionPath(id))} /> : null}
      <div class="filter">
        <label for="status-filter">Status</label>
        <select id="status-filter" value={filter} onChange={(event) => setFilter(event.currentTarget.value as SessionStatus | 'all')}>
          <option value="all">All</option>
          {STATUSES.map((status) => <option key={status} value={status}>{status}</option>)}
        </select>
      </div>
      {sessions !== undefined && sessions.length === 0 ? (
        <div class="empty card">
          <h2>No sessions yet</h2>
          <p>Create one with <strong>New session</strong>, or from code with the SDK or the <code>steward</code> CLI.</p>
          <p>No model configured yet? Watch a task end to end on a bundled demo shop, driven by a scripted demo policy (not a language model).</p>
          <button type="button" class="primary" disabled={startingDemo} onClick={() => void startDemo()}>Try a demo</button>
        </div>
      ) : (
        <div class="table-scroll">
          <table class="sessions">
            <caption class="visually-hidden">Sessions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Status</th>
                <th scope="col">Model</th>
                <th scope="col">Age</th>
                <th scope="col">Task</th>
                <th scope="col">Last message</th>
                <th scope="col"><span class="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {shown.map((session) => (
                <tr key={session.sessionId}>
                  <td>
                    <a href={sessionPath(session.sessionId)} onClick={(event) => onLinkClick(event, sessionPath(session.sessionId))}>
                      <code>{session.sessionId}</code>
                    </a>
                  </td>
                  <td><span class={`badge status-${session.status}`}>{session.status}</span></td>
                  <td>{session.agentName}</td>
                  <td>{age(session.createdAt, now)}</td>
                  <td>{truncate(session.task ?? session.goal ?? '', 80)}</td>
                  <td>{session.lastMessage ? `${session.lastMessage.type}: ${truncate(session.lastMessage.text, 80)}` : ''}</td>
                  <td>
                    <button type="button" class="quiet" aria-label={`Delete session ${session.sessionId}`} onClick={() => void remove(session.sessionId)}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {sessions === undefined ? <p class="muted">Loading…</p> : shown.length === 0 ? <p class="muted">No session has the status {filter}.</p> : null}
        </div>
      )}
    </main>
  );
}
