import { AuthenticationError, PermissionError, type Steward } from '@steward/client';
import { useState } from 'preact/hooks';
import { describeError } from '../components/error-banner.tsx';
import { clientFor, rememberKey } from '../connection.ts';

/** Asks for an API key and keeps it for this tab once the server accepts it. */
export function SignIn({ onSignedIn, notice }: { onSignedIn(client: Steward): void; notice?: string | undefined }) {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<string>();
  const [checking, setChecking] = useState(false);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const apiKey = key.trim();
    if (apiKey === '') return;
    setChecking(true);
    setProblem(undefined);
    const client = clientFor(apiKey);
    try {
      await client.sessions.list();
      rememberKey(apiKey);
      onSignedIn(client);
    } catch (error) {
      setProblem(
        error instanceof AuthenticationError ? 'The server does not know this key.' : error instanceof PermissionError ? 'This key has been revoked.' : `The server could not be reached: ${describeError(error)}`,
      );
    } finally {
      setChecking(false);
    }
  };
  return (
    <main class="page sign-in">
      <h1>Steward</h1>
      <p>Watch, steer and take over your browser-agent sessions.</p>
      {notice ? <p class="banner info" role="status">{notice}</p> : null}
      <form onSubmit={(event) => void submit(event)}>
        <label for="api-key">API key</label>
        {/* A text box (as the dashboard's contract names it), masked by CSS; never offered for autofill. */}
        <input id="api-key" class="secret-input" type="text" autoComplete="off" autoCapitalize="off" spellcheck={false} value={key} onInput={(event) => setKey(event.currentTarget.value)} aria-describedby="api-key-help" />
        <p id="api-key-help" class="muted">
          <code>npm start</code> printed one on its first run; <code>npx steward keys create</code> makes another. It stays in this tab only.
        </p>
        {problem ? <p class="banner error" role="alert">{problem}</p> : null}
        <button type="submit" class="primary" disabled={checking || key.trim() === ''}>Sign in</button>
      </form>
    </main>
  );
}
