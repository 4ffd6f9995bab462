import type { Steward } from '@steward/client';
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../components/error-banner.tsx';

/** Creates a session and sends it its task: model, start URL, the task, an optional result schema. */
export function NewSessionForm({ client, onCreated, onCancel }: { client: Steward; onCreated(sessionId: string): void; onCancel(): void }) {
  const [models, setModels] = useState<string[]>(['agi-0', 'agi-0-fast']);
  const [model, setModel] = useState('agi-0');
  const [task, setTask] = useState('');
  const [startUrl, setStartUrl] = useState('');
  const [schema, setSchema] = useState('');
  const [problem, setProblem] = useState<string>();
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    client.models.list().then(
      (answer) => {
        if (answer.models.length > 0) setModels(answer.models);
      },
      () => {},
    );
  }, [client]);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    let outputSchema: unknown;
    if (schema.trim() !== '') {
      try {
        outputSchema = JSON.parse(schema);
      } catch (error) {
        setProblem(`The result schema is not JSON: ${describeError(error)}`);
        return;
      }
    }
    setStarting(true);
    setProblem(undefined);
    try {
      const session = await client.sessions.create(model as 'agi-0');
      try {
        await client.sessions.sendMessage(session.sessionId, task, {
          ...(startUrl.trim() === '' ? {} : { startUrl: startUrl.trim() }),
          ...(outputSchema === undefined ? {} : { configUpdates: { output_schema: outputSchema as Record<string, unknown> } }),
        });
      } catch (error) {
        // The task was refused (a bad schema, say): the empty session would only be in the way.
        await client.sessions.delete(session.sessionId).catch(() => {});
        throw error;
      }
      onCreated(session.sessionId);
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setStarting(false);
    }
  };

  return (
    <form class="new-session card" aria-label="New session" onSubmit={(event) => void submit(event)}>
      <h2>New session</h2>
      <label for="new-task">Task</label>
      <textarea id="new-task" required rows={3} value={task} placeholder="Find the cheapest flight from Paris to Rome next Friday" onInput={(event) => setTask(event.currentTarget.value)} />
      <div class="form-row">
        <div>
          <label for="new-start-url">Start URL</label>
          <input id="new-start-url" type="url" value={startUrl} placeholder="https://… (optional)" onInput={(event) => setStartUrl(event.currentTarget.value)} />
        </div>
        <div>
          <label for="new-model">Model</label>
          <select id="new-model" value={model} onChange={(event) => setModel(event.currentTarget.value)}>
            {models.map((name) => <option key={name} value={name}>{name}</option>)}
          </select>
        </div>
      </div>
      <label for="new-schema">Result schema (JSON Schema, optional)</label>
      <textarea id="new-schema" rows={3} class="mono" value={schema} placeholder='{"type":"object","properties":{"price":{"type":"number"}}}' onInput={(event) => setSchema(event.currentTarget.value)} />
      {problem ? <p class="banner error" role="alert">{problem}</p> : null}
      <div class="form-actions">
        <button type="submit" class="primary" disabled={starting || task.trim() === ''}>Start</button>
        <button type="button" onClick={onCancel}>Close</button>
      </div>
    </form>
  );
}
