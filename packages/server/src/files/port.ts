import type { Readable } from 'node:stream';

/** Who put a file into the session: its client (API upload) or its browser (a download). */
export type FileSource = 'upload' | 'download';

export interface StoredFile {
  /** The file's name in the session: unique there, safe as a path segment (see `checkFileName`). */
  name: string;
  size: number;
  source: FileSource;
  createdAt: Date;
}

/** Which cap a file ran into: the one per file, or what is left of the session's total. */
export type FileLimit = 'file' | 'session';

export type SaveResult =
  | { ok: true; file: StoredFile }
  | { ok: false; reason: 'too_large'; limit: FileLimit; limitBytes: number };

export interface SaveOptions {
  source: FileSource;
  /** Aborting stops the write: the source is destroyed, nothing is kept, and `save` rejects with the reason. */
  signal?: AbortSignal | undefined;
}

/**
 * The files of each session, kept across restarts until the session is deleted or terminated.
 *
 * Contract: names passed in are valid (`checkFileName`) or the call throws `InvalidFileNameError`;
 * `save` never overwrites: a taken name becomes `name (1).ext`, `name (2).ext`, … and the result
 * says which. A file is visible to `list`/`get`/`open` only once it is complete, and a save that
 * runs past a cap keeps nothing. Caps hold under concurrent saves of one session.
 */
export interface SessionFileStore {
  readonly limits: { maxFileBytes: number; maxSessionBytes: number };
  /** Most bytes a new file of this session may have now, and which cap sets that. */
  room(sessionId: string): Promise<{ bytes: number; limit: FileLimit }>;
  /**
   * Streams `data` into a new file. Past the cap it stops reading (the source is left as it is,
   * for the caller to drain or destroy) and answers `too_large`.
   */
  save(sessionId: string, name: string, data: Readable, options: SaveOptions): Promise<SaveResult>;
  /** Oldest first. */
  list(sessionId: string): Promise<StoredFile[]>;
  get(sessionId: string, name: string): Promise<StoredFile | undefined>;
  /** Where the file lies on this machine, for the browser to read (uploads into a page). */
  pathOf(sessionId: string, name: string): Promise<string | undefined>;
  open(sessionId: string, name: string): Promise<{ file: StoredFile; stream: Readable } | undefined>;
  delete(sessionId: string, name: string): Promise<boolean>;
  /** Removes every file of the session. Idempotent. */
  deleteAll(sessionId: string): Promise<void>;
}

export class InvalidFileNameError extends Error {
  constructor(
    readonly fileName: string,
    readonly reason: string,
  ) {
    super(`Invalid file name ${JSON.stringify(fileName.slice(0, 100))}: ${reason}`);
    this.name = 'InvalidFileNameError';
  }
}
