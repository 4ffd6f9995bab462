import { liveViewWithToken, type Steward } from '@steward/client';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { LiveView } from './components/live-view.tsx';
import { clientFor, forgetKey, onAuthLost, storedKey } from './connection.ts';
import { onLinkClick, useRoute } from './router.ts';
import { ReplayPage } from './views/replay-page.tsx';
import { SessionList } from './views/session-list.tsx';
import { SessionPage } from './views/session-page.tsx';
import { SignIn } from './views/sign-in.tsx';

export function App() {
  const route = useRoute();
  const [client, setClient] = useState<Steward | undefined>(() => {
    const key = storedKey();
    return key === undefined ? undefined : clientFor(key);
  });
  const [notice, setNotice] = useState<string>();
  const signOut = (why?: string): void => {
    forgetKey();
    setNotice(why);
    setClient(undefined);
  };

  // A key revoked while the tab is open sends the person back to sign in.
  useEffect(() => onAuthLost(() => signOut('The server no longer accepts this key: sign in again.')), []);

  if (client === undefined) {
    const signIn = <SignIn notice={notice} onSignedIn={setClient} />;
    // Opened from a session's vnc_url without a key: its live view still shows, with the URL's token.
    if (route.page === 'session' && route.token !== undefined) return <TokenLiveView sessionId={route.sessionId} token={route.token}>{signIn}</TokenLiveView>;
    return signIn;
  }
  return (
    <>
      <nav class="top-bar" aria-label="Steward">
        <a class="brand" href="/" onClick={(event) => onLinkClick(event, '/')}>Steward</a>
        <button type="button" class="quiet" onClick={() => signOut()}>Sign out</button>
      </nav>
      {route.page === 'list' ? <SessionList client={client} /> : null}
      {route.page === 'session' ? <SessionPage key={route.sessionId} client={client} sessionId={route.sessionId} token={route.token} /> : null}
      {route.page === 'replay' ? <ReplayPage key={route.sessionId} client={client} sessionId={route.sessionId} /> : null}
      {route.page === 'not-found' ? (
        <main class="page">
          <h1>Not found</h1>
          <p>There is no page at <code>{route.path}</code>.</p>
        </main>
      ) : null}
    </>
  );
}

/** The live view alone, for a visitor holding a `vnc_url` but no key; signing in shows the rest. */
function TokenLiveView({ sessionId, token, children }: { sessionId: string; token: string; children: preact.ComponentChildren }) {
  const live = useMemo(() => liveViewWithToken({ baseUrl: location.origin }), []);
  const [problem, setProblem] = useState<string>();
  const [controlling, setControlling] = useState(false);
  return (
    <div class="token-view">
      <main class="page">
        <h1>
          Session <code>{sessionId}</code>
        </h1>
        {problem ? <p class="banner error" role="alert">{problem}</p> : null}
        <div class="controls">
          {/* Without a key the agent cannot be paused: the person's input goes to the page as it is. */}
          {controlling ? (
            <button type="button" class="primary" onClick={() => setControlling(false)}>Hand back</button>
          ) : (
            <button type="button" onClick={() => setControlling(true)}>Take over</button>
          )}
        </div>
        <LiveView live={live} sessionId={sessionId} token={token} controlling={controlling} alive onInputError={setProblem} />
        <p class="muted">Sign in with the session's API key to see its timeline and controls.</p>
      </main>
      {children}
    </div>
  );
}
