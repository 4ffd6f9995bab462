import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { link, mkdir, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { checkFileName, numberedName } from '../file-names.ts';
import { InvalidFileNameError, type FileLimit, type FileSource, type SaveOptions, type SaveResult, type SessionFileStore, type StoredFile } from '../port.ts';

export interface DiskFileStoreOptions {
  /** `<dataDir>/files`: one folder per session below it. */
  root: string;
  maxFileBytes: number;
  maxSessionBytes: number;
}

/** Session ids name folders: only the shape ids have (uuids) may. */
const SESSION_ID = /^[A-Za-z0-9-]{1,64}$/;
/** Dedupe attempts before a save gives up on a name. */
const MAX_NUMBERED = 10_000;
const TEMP_PREFIX = '.part-';
const META_PREFIX = '.meta-';

interface Meta {
  source: FileSource;
  createdAt: string;
}

/**
 * `SessionFileStore` on the local disk: `<root>/<sessionId>/<name>`, with a dotfile beside each
 * file for its source and time (names may not start with a dot, so the two never collide).
 * A save writes a hidden temporary file and links it under its name only when it is complete
 * (`link` fails on a taken name, so concurrent saves never overwrite each other).
 * Byte counts per session are kept in memory: one process owns its sessions.
 */
export class DiskFileStore implements SessionFileStore {
  readonly limits: { maxFileBytes: number; maxSessionBytes: number };
  private readonly root: string;
  /** Committed bytes per session, read from disk on first use. */
  private readonly committed = new Map<string, Promise<{ bytes: number }>>();
  /** Bytes being written per session, counted as they arrive, so concurrent saves share the cap. */
  private readonly writing = new Map<string, number>();

  constructor(options: DiskFileStoreOptions) {
    this.root = options.root;
    this.limits = { maxFileBytes: options.maxFileBytes, maxSessionBytes: options.maxSessionBytes };
  }

  async room(sessionId: string): Promise<{ bytes: number; limit: FileLimit }> {
    const used = (await this.usage(sessionId)).bytes + (this.writing.get(sessionId) ?? 0);
    const sessionRoom = Math.max(0, this.limits.maxSessionBytes - used);
    return sessionRoom < this.limits.maxFileBytes ? { bytes: sessionRoom, limit: 'session' } : { bytes: this.limits.maxFileBytes, limit: 'file' };
  }

  async save(sessionId: string, name: string, data: Readable, options: SaveOptions): Promise<SaveResult> {
    const dir = this.dirOf(sessionId);
    assertName(name);
    const { signal } = options;
    signal?.throwIfAborted();
    const usage = await this.usage(sessionId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = join(dir, `${TEMP_PREFIX}${randomUUID()}`);
    const out = createWriteStream(temp, { flags: 'wx', mode: 0o600 });
    const onAbort = (): void => void data.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    let size = 0;
    let linked: string | undefined;
    try {
      // Not destroyed when we stop early: the caller decides whether to drain or drop the rest.
      for await (const chunk of data.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer | string>) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += bytes.length;
        this.addWriting(sessionId, bytes.length);
        const over = this.overCap(usage.bytes, sessionId, size);
        if (over !== undefined) return { ok: false, reason: 'too_large', ...over };
        if (!out.write(bytes)) await drained(out, signal);
      }
      signal?.throwIfAborted();
      await closeStream(out);
      const createdAt = new Date();
      linked = await this.linkUnder(dir, temp, name);
      const file: StoredFile = { name: linked, size, source: options.source, createdAt };
      const meta: Meta = { source: file.source, createdAt: createdAt.toISOString() };
      await writeFile(join(dir, `${META_PREFIX}${linked}`), JSON.stringify(meta), { mode: 0o600 });
      usage.bytes += size;
      return { ok: true, file };
    } catch (error) {
      if (linked !== undefined) await this.removeFile(dir, linked);
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.addWriting(sessionId, -size);
      await destroyed(out);
      await unlink(temp).catch(() => undefined);
    }
  }

  async list(sessionId: string): Promise<StoredFile[]> {
    const dir = this.dirOf(sessionId);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const files = await Promise.all(names.filter((n) => checkFileName(n) === undefined).map((n) => this.describe(dir, n)));
    return files.filter((f): f is StoredFile => f !== undefined).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.name.localeCompare(b.name));
  }

  async get(sessionId: string, name: string): Promise<StoredFile | undefined> {
    const dir = this.dirOf(sessionId);
    assertName(name);
    return this.describe(dir, name);
  }

  async pathOf(sessionId: string, name: string): Promise<string | undefined> {
    return (await this.get(sessionId, name)) === undefined ? undefined : join(this.dirOf(sessionId), name);
  }

  async open(sessionId: string, name: string): Promise<{ file: StoredFile; stream: Readable } | undefined> {
    const file = await this.get(sessionId, name);
    if (file === undefined) return undefined;
    const stream = createReadStream(join(this.dirOf(sessionId), name));
    // Opened before returning, so a file deleted meanwhile is "not found", not a broken stream.
    try {
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', reject);
      });
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    return { file, stream };
  }

  async delete(sessionId: string, name: string): Promise<boolean> {
    const dir = this.dirOf(sessionId);
    assertName(name);
    const file = await this.describe(dir, name);
    if (file === undefined) return false;
    const removed = await this.removeFile(dir, name);
    if (removed) (await this.usage(sessionId)).bytes -= file.size;
    return removed;
  }

  async deleteAll(sessionId: string): Promise<void> {
    const dir = this.dirOf(sessionId);
    await rm(dir, { recursive: true, force: true });
    this.committed.delete(sessionId);
  }

  // ---- internals ----

  private dirOf(sessionId: string): string {
    if (!SESSION_ID.test(sessionId)) throw new Error(`Not a session id: ${JSON.stringify(sessionId.slice(0, 80))}`);
    return join(this.root, sessionId);
  }

  private usage(sessionId: string): Promise<{ bytes: number }> {
    let usage = this.committed.get(sessionId);
    if (usage === undefined) {
      // First use in this process: no save of ours can be writing yet, so any temporary file is
      // one a killed process left behind.
      usage = this.removeLeftovers(sessionId)
        .then(() => this.list(sessionId))
        .then((files) => ({ bytes: files.reduce((sum, f) => sum + f.size, 0) }));
      usage.catch(() => this.committed.delete(sessionId));
      this.committed.set(sessionId, usage);
    }
    return usage;
  }

  /** Deletes the temporary files of saves that never finished (the process died mid-write). */
  private async removeLeftovers(sessionId: string): Promise<void> {
    const dir = this.dirOf(sessionId);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return; // no folder yet: nothing left over
    }
    await Promise.all(names.filter((name) => name.startsWith(TEMP_PREFIX)).map((name) => unlink(join(dir, name)).catch(() => undefined)));
  }

  private addWriting(sessionId: string, bytes: number): void {
    const now = (this.writing.get(sessionId) ?? 0) + bytes;
    if (now <= 0) this.writing.delete(sessionId);
    else this.writing.set(sessionId, now);
  }

  /** The cap this save has run past, counting every save of the session in flight. */
  private overCap(committedBytes: number, sessionId: string, size: number): { limit: FileLimit; limitBytes: number } | undefined {
    if (size > this.limits.maxFileBytes) return { limit: 'file', limitBytes: this.limits.maxFileBytes };
    if (committedBytes + (this.writing.get(sessionId) ?? 0) > this.limits.maxSessionBytes) {
      return { limit: 'session', limitBytes: this.limits.maxSessionBytes };
    }
    return undefined;
  }

  /** Links the complete temporary file under `name`, or the first free numbered variant of it. */
  private async linkUnder(dir: string, temp: string, name: string): Promise<string> {
    for (let n = 0; n <= MAX_NUMBERED; n++) {
      const candidate = n === 0 ? name : numberedName(name, n);
      try {
        await link(temp, join(dir, candidate));
        return candidate;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    throw new Error(`No free name for ${name} after ${MAX_NUMBERED} tries`);
  }

  private async describe(dir: string, name: string): Promise<StoredFile | undefined> {
    let info;
    try {
      info = await stat(join(dir, name));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    if (!info.isFile()) return undefined;
    const meta = await readMeta(join(dir, `${META_PREFIX}${name}`));
    return {
      name,
      size: info.size,
      // The side file is written just after the link; a file seen in between is described from disk.
      source: meta?.source ?? 'upload',
      createdAt: meta === undefined ? info.mtime : new Date(meta.createdAt),
    };
  }

  private async removeFile(dir: string, name: string): Promise<boolean> {
    await unlink(join(dir, `${META_PREFIX}${name}`)).catch(() => undefined);
    try {
      await unlink(join(dir, name));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }
}

function assertName(name: string): void {
  const problem = checkFileName(name);
  if (problem !== undefined) throw new InvalidFileNameError(name, problem);
}

async function readMeta(path: string): Promise<Meta | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<Meta>;
    if ((parsed.source === 'upload' || parsed.source === 'download') && typeof parsed.createdAt === 'string' && !Number.isNaN(Date.parse(parsed.createdAt))) {
      return { source: parsed.source, createdAt: parsed.createdAt };
    }
  } catch {
    // missing or damaged: described from the file itself
  }
  return undefined;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function drained(out: WriteStream, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      out.off('drain', onDrain);
      out.off('error', done);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = (): void => done();
    const onAbort = (): void => done(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    out.once('drain', onDrain);
    out.once('error', done);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves once the stream's file is closed, so the temporary file can be removed for good. */
function destroyed(out: WriteStream): Promise<void> {
  if (out.closed) return Promise.resolve();
  return new Promise((resolve) => {
    out.once('close', () => resolve());
    out.destroy();
  });
}

function closeStream(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
}
