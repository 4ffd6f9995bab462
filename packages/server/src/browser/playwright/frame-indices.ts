import type { Frame } from 'playwright-core';

/** Where a session-wide index points when its element lives in a frame observed on its own. */
export interface FrameElementRef {
  frame: Frame;
  /** The frame document's registry (`observe-page.ts`); a new document invalidates the index. */
  docId: string;
  /** The index in that registry. */
  local: number;
}

/**
 * Session-wide indices for elements of cross-origin frames. Each such frame numbers its elements
 * in its own registry; this maps (frame, document, local index) to an index from the session's
 * sequence, so one element keeps one index while it lives and a frame's new document never
 * inherits the indices of the old one.
 */
export class FrameIndices {
  private readonly byFrame = new Map<Frame, { docId: string; toGlobal: Map<number, number> }>();
  private readonly byGlobal = new Map<number, FrameElementRef>();

  /** The index for `local` in `frame`'s document `docId`; `allocate` supplies a fresh one. */
  globalIndex(frame: Frame, docId: string, local: number, allocate: () => number): number {
    let entry = this.byFrame.get(frame);
    if (entry === undefined || entry.docId !== docId) {
      if (entry !== undefined) this.forget(entry.toGlobal);
      entry = { docId, toGlobal: new Map() };
      this.byFrame.set(frame, entry);
    }
    let index = entry.toGlobal.get(local);
    if (index === undefined) {
      index = allocate();
      entry.toGlobal.set(local, index);
      this.byGlobal.set(index, { frame, docId, local });
    }
    return index;
  }

  /** The frames with indices, each with its document and local → session-wide map. */
  frames(): { frame: Frame; docId: string; toGlobal: ReadonlyMap<number, number> }[] {
    return [...this.byFrame].map(([frame, entry]) => ({ frame, docId: entry.docId, toGlobal: entry.toGlobal }));
  }

  lookup(index: number): FrameElementRef | undefined {
    return this.byGlobal.get(index);
  }

  /** Drops frames that are gone (their page closed or navigated them away). */
  prune(): void {
    for (const [frame, entry] of this.byFrame) {
      if (!frame.isDetached()) continue;
      this.forget(entry.toGlobal);
      this.byFrame.delete(frame);
    }
  }

  private forget(toGlobal: Map<number, number>): void {
    for (const index of toGlobal.values()) this.byGlobal.delete(index);
  }
}
