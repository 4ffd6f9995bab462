import type { SessionFile, Steward } from '@steward/client';
import { useEffect, useState } from 'preact/hooks';

/** The session's files (uploads and the agent's downloads), each downloadable. */
export function SessionFiles({ client, sessionId, version, onError }: { client: Steward; sessionId: string; version: number; onError(error: unknown): void }) {
  const [files, setFiles] = useState<SessionFile[]>([]);
  useEffect(() => {
    const stop = new AbortController();
    client.files.list(sessionId, { signal: stop.signal }).then(setFiles, () => setFiles([]));
    return () => stop.abort();
  }, [client, sessionId, version]);
  if (files.length === 0) return null;
  const download = async (name: string): Promise<void> => {
    try {
      const response = await client.files.download(sessionId, name);
      saveBlob(await response.blob(), name);
    } catch (error) {
      onError(error);
    }
  };
  return (
    <section class="files" aria-label="Files">
      <h2>Files</h2>
      <ul>
        {files.map((file) => (
          <li key={file.name}>
            <button type="button" class="link" onClick={() => void download(file.name)}>{file.name}</button>
            <span class="muted"> {formatBytes(file.size)} · {file.source}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}
