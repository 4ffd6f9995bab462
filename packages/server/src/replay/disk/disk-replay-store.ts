import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SerialQueue } from '../../util/serial-queue.ts';
import type { NewReplayFrame, ReplayFrame, ReplayLimits, ReplayStore } from '../port.ts';

export interface DiskReplayStoreOptions extends ReplayLimits {
  /** `<dataDir>/replay`: one folder per session below it. */
  root: string;
}

/** Session ids name folders: only the shape ids have (uuids) may. */
const SESSION_ID = /^[A-Za-z0-9-]{1,64}$/;
const TEMP_PREFIX = '.part-';
const FRAME_FILE = /^([1-9][0-9]{0,15})\.(jpg|json)$/;

/** A session's frames as kept, oldest first, with their total size and the next number to give. */
interface SessionIndex {
  frames: ReplayFrame[];
  bytes: number;
  next: number;
}

interface SessionState {
  /** Appends and removals of the session, one at a time, in call order. */
  readonly queue: SerialQueue;
  index: Promise<SessionIndex> | undefined;
}

/**
 * `ReplayStore` on the local disk: `<root>/<sessionId>/<step>.jpg` with `<step>.json` beside it
 * (the frame's URL, title, time and task). Each file is written under a hidden temporary name and
 * renamed into place, the JPEG first: a frame exists once its `.json` does, so a process killed
 * mid-write leaves nothing half-visible (leftovers are removed when the session is next read).
 * Folders are 0700 and files 0600, as everything in the data dir. The index of a session is read
 * from disk on first use and kept in memory: one process owns its sessions.
 */
export class DiskReplayStore implements ReplayStore {
  readonly limits: ReplayLimits;
  private readonly root: string;
  private readonly sessions = new Map<string, SessionState>();

  constructor(options: DiskReplayStoreOptions) {
    if (!(options.maxSteps >= 1 && options.maxBytes >= 1)) throw new Error('A replay store keeps at least one step and one byte; leave it out to keep none.');
    this.root = options.root;
    this.limits = { maxSteps: options.maxSteps, maxBytes: options.maxBytes };
  }

  async append(sessionId: string, frame: NewReplayFrame): Promise<ReplayFrame | undefined> {
    const dir = this.dirOf(sessionId);
    const state = this.stateOf(sessionId);
    return state.queue.run(async () => {
      const index = await this.indexOf(sessionId, state);
      const bytes = frame.jpeg.length;
      if (bytes > this.limits.maxBytes) return undefined;
      // Room first, oldest frames out, so the folder never holds more than the caps allow.
      while (index.frames.length > 0 && (index.frames.length + 1 > this.limits.maxSteps || index.bytes + bytes > this.limits.maxBytes)) {
        const oldest = index.frames.shift()!;
        index.bytes -= oldest.bytes;
        await removeFrame(dir, oldest.step);
      }
      const kept: ReplayFrame = { step: index.next, taskId: frame.taskId, taskStep: frame.taskStep, url: frame.url, title: frame.title, takenAt: frame.takenAt, bytes };
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeWhole(join(dir, `${kept.step}.jpg`), frame.jpeg);
      await writeWhole(join(dir, `${kept.step}.json`), JSON.stringify(toMeta(kept)));
      index.frames.push(kept);
      index.bytes += bytes;
      index.next = kept.step + 1;
      return kept;
    });
  }

  async list(sessionId: string): Promise<ReplayFrame[]> {
    this.dirOf(sessionId);
    return [...(await this.indexOf(sessionId, this.stateOf(sessionId))).frames];
  }

  async read(sessionId: string, step: number): Promise<{ frame: ReplayFrame; jpeg: Buffer } | undefined> {
    const dir = this.dirOf(sessionId);
    const index = await this.indexOf(sessionId, this.stateOf(sessionId));
    const frame = index.frames.find((f) => f.step === step);
    if (frame === undefined) return undefined;
    try {
      return { frame, jpeg: await readFile(join(dir, `${step}.jpg`)) };
    } catch (error) {
      // Removed meanwhile (the cap, or the session's deletion).
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async deleteAll(sessionId: string): Promise<void> {
    const dir = this.dirOf(sessionId);
    const state = this.stateOf(sessionId);
    return state.queue.run(async () => {
      await rm(dir, { recursive: true, force: true });
      this.sessions.delete(sessionId);
    });
  }

  // ---- internals ----

  private dirOf(sessionId: string): string {
    if (!SESSION_ID.test(sessionId)) throw new Error(`Not a session id: ${JSON.stringify(sessionId.slice(0, 80))}`);
    return join(this.root, sessionId);
  }

  private stateOf(sessionId: string): SessionState {
    let state = this.sessions.get(sessionId);
    if (state === undefined) {
      state = { queue: new SerialQueue(), index: undefined };
      this.sessions.set(sessionId, state);
    }
    return state;
  }

  private indexOf(sessionId: string, state: SessionState): Promise<SessionIndex> {
    if (state.index === undefined) {
      const loading = loadIndex(this.dirOf(sessionId));
      // A failed read is tried again on next use rather than remembered.
      loading.catch(() => {
        if (state.index === loading) state.index = undefined;
      });
      state.index = loading;
    }
    return state.index;
  }
}

/**
 * The session's frames as the disk has them. Only this process writes there, and it has not
 * yet, so temporary files and a JPEG without its `.json` are what a killed process left: removed.
 */
async function loadIndex(dir: string): Promise<SessionIndex> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isMissing(error)) return { frames: [], bytes: 0, next: 1 };
    throw error;
  }
  const steps = new Map<number, { jpg: boolean; json: boolean }>();
  const leftovers: string[] = [];
  for (const name of names) {
    const match = FRAME_FILE.exec(name);
    if (match === null) {
      if (name.startsWith(TEMP_PREFIX)) leftovers.push(name);
      continue;
    }
    const step = Number(match[1]);
    const files = steps.get(step) ?? { jpg: false, json: false };
    files[match[2] as 'jpg' | 'json'] = true;
    steps.set(step, files);
  }
  const frames: ReplayFrame[] = [];
  for (const [step, files] of steps) {
    const frame = files.jpg && files.json ? await readMeta(join(dir, `${step}.json`), step) : undefined;
    if (frame === undefined) leftovers.push(...(files.jpg ? [`${step}.jpg`] : []), ...(files.json ? [`${step}.json`] : []));
    else frames.push(frame);
  }
  await Promise.all(leftovers.map((name) => unlink(join(dir, name)).catch(() => undefined)));
  frames.sort((a, b) => a.step - b.step);
  return { frames, bytes: frames.reduce((sum, f) => sum + f.bytes, 0), next: (frames.at(-1)?.step ?? 0) + 1 };
}

interface FrameMeta {
  step: number;
  task_id: number;
  task_step: number;
  url: string;
  title: string;
  taken_at: string;
  bytes: number;
}

function toMeta(frame: ReplayFrame): FrameMeta {
  return { step: frame.step, task_id: frame.taskId, task_step: frame.taskStep, url: frame.url, title: frame.title, taken_at: frame.takenAt.toISOString(), bytes: frame.bytes };
}

async function readMeta(path: string, step: number): Promise<ReplayFrame | undefined> {
  try {
    const meta = JSON.parse(await readFile(path, 'utf8')) as Partial<FrameMeta>;
    const whole = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
    if (meta.step !== step || !whole(meta.task_id) || !whole(meta.task_step) || !whole(meta.bytes)) return undefined;
    if (typeof meta.url !== 'string' || typeof meta.title !== 'string' || typeof meta.taken_at !== 'string') return undefined;
    const takenAt = new Date(meta.taken_at);
    if (Number.isNaN(takenAt.getTime())) return undefined;
    return { step, taskId: meta.task_id, taskStep: meta.task_step, url: meta.url, title: meta.title, takenAt, bytes: meta.bytes };
  } catch {
    return undefined; // unreadable or damaged: the frame is dropped
  }
}

/** Writes `path` whole or not at all: a temporary file beside it, renamed over it once complete. */
async function writeWhole(path: string, data: Buffer | string): Promise<void> {
  const temp = join(path, '..', `${TEMP_PREFIX}${randomUUID()}`);
  try {
    await writeFile(temp, data, { flag: 'wx', mode: 0o600 });
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** The `.json` first: without it the frame no longer exists, whatever happens to its JPEG. */
async function removeFrame(dir: string, step: number): Promise<void> {
  await unlink(join(dir, `${step}.json`)).catch(ignoreMissing);
  await unlink(join(dir, `${step}.jpg`)).catch(ignoreMissing);
}

function ignoreMissing(error: unknown): void {
  if (!isMissing(error)) throw error;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
