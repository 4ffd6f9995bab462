import type { Download } from 'playwright-core';
import { formatBytes } from '../../util/format-bytes.ts';
import type { SessionFileAccess } from '../port.ts';
import { DownloadGuard } from './download-guard.ts';
import { readableError } from './readable-error.ts';

const NAME_LIMIT = 120;
/** How long after a navigation that left no document its download may take to be announced. */
export const DOWNLOAD_START_GRACE_MS = 1_000;

interface Finished {
  seq: number;
  message: string;
}

/**
 * The downloads of one session's tabs: each is streamed into the session's files under the
 * session's caps (cancelled while it arrives once it passes them) and its outcome is told once:
 * in the result of the action that caused it, or else in the next observation.
 */
export class SessionDownloads {
  readonly guard = new DownloadGuard();
  private started = 0;
  private readonly running = new Map<number, { name: string; done: Promise<void> }>();
  private readonly finished: Finished[] = [];
  private readonly startListeners = new Set<() => void>();

  constructor(private readonly files: SessionFileAccess | undefined) {}

  /** A count to compare later with: downloads begun after it are the action's. */
  mark(): number {
    return this.started;
  }

  /** The page's `download` event. */
  capture(download: Download): void {
    const seq = ++this.started;
    const name = download.suggestedFilename().slice(0, NAME_LIMIT);
    const done = this.keep(download, name)
      .catch((error: unknown) => `Download of ${name} failed: ${readableError(error)}`)
      .then((message) => {
        this.finished.push({ seq, message });
        this.running.delete(seq);
      });
    this.running.set(seq, { name, done });
    for (const listener of [...this.startListeners]) listener();
  }

  /**
   * Waits up to `timeoutMs` for a download to begin after `mark` (a navigation that ended without
   * a document is usually one, announced a moment later). True when one did.
   */
  waitForStart(mark: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<boolean> {
    if (this.started > mark) return Promise.resolve(true);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const finish = (outcome: () => void): void => {
        clearTimeout(timer);
        this.startListeners.delete(onStart);
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const onStart = (): void => finish(() => resolve(true));
      const onAbort = (): void => finish(() => reject(signal?.reason));
      const timer = setTimeout(() => finish(() => resolve(false)), timeoutMs);
      this.startListeners.add(onStart);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * How the downloads begun after `mark` ended, waiting for them up to `timeoutMs`. Those told
   * here are not told again; one still arriving is reported by a later observation.
   */
  async reportSince(mark: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<string[]> {
    const mine = [...this.running].filter(([seq]) => seq > mark).map(([, entry]) => entry.done);
    if (mine.length > 0) await settledWithin(Promise.all(mine), timeoutMs, signal);
    const told = this.take((seq) => seq > mark);
    for (const [seq, entry] of this.running) {
      if (seq > mark) told.push(`a download of ${entry.name} is still arriving; the next observation says how it ended`);
    }
    return told;
  }

  /** For an observation: outcomes not told yet, and the downloads still arriving. */
  forObservation(): string[] {
    const told = this.take(() => true);
    for (const entry of this.running.values()) told.push(`Downloading ${entry.name}…`);
    return told;
  }

  private take(wanted: (seq: number) => boolean): string[] {
    const taken: string[] = [];
    for (let i = 0; i < this.finished.length; ) {
      const item = this.finished[i]!;
      if (wanted(item.seq)) {
        taken.push(item.message);
        this.finished.splice(i, 1);
      } else i++;
    }
    return taken;
  }

  private async keep(download: Download, name: string): Promise<string> {
    const files = this.files;
    if (files === undefined) {
      await download.cancel().catch(() => undefined);
      return `Download of ${name} was not kept: this session keeps no files`;
    }
    const room = await files.room();
    const guard = this.guard.limit(download, room.bytes);
    try {
      const stream = await download.createReadStream().catch(() => undefined);
      if (stream === undefined || guard.exceeded()) {
        if (guard.exceeded()) return tooLarge(name, room.limit, room.bytes);
        return `Download of ${name} failed: ${(await download.failure().catch(() => null)) ?? 'the browser could not complete it'}`;
      }
      const saved = await files.saveDownload(download.suggestedFilename(), stream).finally(() => stream.destroy());
      if (!saved.ok) return tooLarge(name, saved.limit, room.bytes);
      const renamed = saved.name === download.suggestedFilename() ? '' : ` as ${saved.name}`;
      return `Downloaded ${name}${renamed} (${formatBytes(saved.size)}) into the session's files`;
    } finally {
      guard.stop();
      // The session's copy is what counts; Chromium's copy would live until the context closes.
      await download.delete().catch(() => undefined);
    }
  }
}

/** Resolves when `work` settles or `ms` pass, whichever is first; rejects when the signal aborts. */
function settledWithin(work: Promise<unknown>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const finish = (outcome: () => void): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = (): void => finish(() => reject(signal?.reason));
    const timer = setTimeout(() => finish(resolve), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      () => finish(resolve),
      () => finish(resolve),
    );
  });
}

function tooLarge(name: string, limit: 'file' | 'session', roomBytes: number): string {
  const why = limit === 'file' ? `it is larger than the limit of ${formatBytes(roomBytes)} per file` : `the session's files have only ${formatBytes(roomBytes)} of room left`;
  return `Download of ${name} refused: ${why}; nothing was kept`;
}
