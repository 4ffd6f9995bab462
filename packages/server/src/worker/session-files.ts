import type { Readable } from 'node:stream';
import type { SavedDownload, SessionFileAccess } from '../browser/port.ts';
import { AppError } from '../errors/index.ts';
import { checkFileName, sanitizeFileName, type FileLimit, type SessionFileStore, type StoredFile } from '../files/index.ts';
import { errorMessage } from '../util/index.ts';
import { formatBytes } from '../util/format-bytes.ts';
import type { SessionCore } from './session-core.ts';

/**
 * One live session's say over its saves: once the session ends no save may start, those in
 * flight are aborted and awaited, and only then is its folder removed, so nothing is written
 * after it is gone.
 */
class FileGate {
  closed = false;
  readonly abort = new AbortController();
  private readonly saving = new Set<Promise<unknown>>();

  track<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new AppError('session_terminated'));
    const running = work();
    this.saving.add(running);
    void running.catch(() => undefined).finally(() => this.saving.delete(running));
    return running;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort(new Error('The session has ended'));
    await Promise.allSettled([...this.saving]);
  }
}

/**
 * The files of sessions (Steward extension): uploads from clients, downloads of the agent's
 * browser. They live as long as the session: deleting or terminating it removes them.
 * Methods that take an API key answer 404 for other keys' sessions, as every session route does.
 */
export class SessionFiles {
  private readonly gates = new Map<string, FileGate>();

  constructor(
    private readonly core: SessionCore,
    private readonly store: SessionFileStore | undefined,
  ) {}

  /** Why `name` cannot be an uploaded file's name, or undefined. */
  nameProblem(name: string): string | undefined {
    return checkFileName(name.normalize('NFC'));
  }

  /** What a live session's browser gets (`AcquireOptions.files`); called once per live session. */
  accessFor(sessionId: string): SessionFileAccess | undefined {
    const store = this.store;
    if (store === undefined) return undefined;
    const gate = new FileGate();
    this.gates.set(sessionId, gate);
    return {
      names: async () => (await store.list(sessionId)).map((file) => file.name),
      pathOf: async (name) => (checkFileName(name) === undefined ? store.pathOf(sessionId, name) : undefined),
      room: () => store.room(sessionId),
      saveDownload: (suggestedName, data, signal) =>
        gate.track(async (): Promise<SavedDownload> => {
          const saveSignal = signal === undefined ? gate.abort.signal : AbortSignal.any([signal, gate.abort.signal]);
          const result = await store.save(sessionId, sanitizeFileName(suggestedName), data, { source: 'download', signal: saveSignal });
          return result.ok ? { ok: true, name: result.file.name, size: result.file.size } : result;
        }),
    };
  }

  /**
   * Stores an upload under `name` (a taken name gets a number: `report (1).csv`). 413 when
   * `declaredBytes` or the bytes that arrive pass a cap (the rest of the body is discarded),
   * 422 for a bad name, 409 for a session that has ended.
   */
  async upload(apiKeyId: string, sessionId: string, name: string, body: Readable, declaredBytes: number | undefined): Promise<StoredFile> {
    const store = this.requireStore();
    await this.core.owned(apiKeyId, sessionId);
    const gate = this.gates.get(sessionId);
    if (gate === undefined || gate.closed) throw new AppError('session_terminated');
    this.core.touch(sessionId);
    const problem = this.nameProblem(name);
    if (problem !== undefined) throw new AppError('validation_error', { detail: `name: ${problem}` });
    const room = await store.room(sessionId);
    if (declaredBytes !== undefined && declaredBytes > room.bytes) throw tooLarge(store, room.limit);
    const result = await gate.track(() => store.save(sessionId, name.normalize('NFC'), body, { source: 'upload', signal: gate.abort.signal }));
    if (!result.ok) {
      // The client gets its answer once it has sent the body; the rest goes nowhere.
      body.resume();
      throw tooLarge(store, result.limit);
    }
    return result.file;
  }

  async list(apiKeyId: string, sessionId: string): Promise<StoredFile[]> {
    const store = this.requireStore();
    await this.core.owned(apiKeyId, sessionId);
    this.core.touch(sessionId);
    return store.list(sessionId);
  }

  async open(apiKeyId: string, sessionId: string, name: string): Promise<{ file: StoredFile; stream: Readable }> {
    const store = this.requireStore();
    await this.core.owned(apiKeyId, sessionId);
    this.core.touch(sessionId);
    const opened = checkFileName(name) === undefined ? await store.open(sessionId, name) : undefined;
    if (opened === undefined) throw noSuchFile(name);
    return opened;
  }

  async delete(apiKeyId: string, sessionId: string, name: string): Promise<void> {
    const store = this.requireStore();
    await this.core.owned(apiKeyId, sessionId);
    this.core.touch(sessionId);
    const deleted = checkFileName(name) === undefined && (await store.delete(sessionId, name));
    if (!deleted) throw noSuchFile(name);
  }

  /** The session ended (deleted, terminated): no more saves, and every file of it is removed. */
  async drop(sessionId: string): Promise<void> {
    const gate = this.gates.get(sessionId);
    this.gates.delete(sessionId);
    await gate?.close();
    // Ending the session must not fail on a file system hiccup; the log says what stayed behind.
    await this.store?.deleteAll(sessionId).catch((error: unknown) => {
      this.core.deps.logger.warn({ sessionId, err: errorMessage(error) }, 'could not remove the files of a session');
    });
  }

  private requireStore(): SessionFileStore {
    if (this.store === undefined) throw new AppError('not_found', { detail: 'This server keeps no session files.' });
    return this.store;
  }
}

function tooLarge(store: SessionFileStore, limit: FileLimit): AppError {
  const { maxFileBytes, maxSessionBytes } = store.limits;
  return new AppError('payload_too_large', {
    detail:
      limit === 'file'
        ? `The file is larger than the limit of ${formatBytes(maxFileBytes)} per file.`
        : `The session's files would pass their limit of ${formatBytes(maxSessionBytes)} in all; delete some first.`,
  });
}

function noSuchFile(name: string): AppError {
  return new AppError('not_found', { detail: `This session has no file named ${JSON.stringify(name.slice(0, 200))}.` });
}
