import type { Store } from '../store/index.ts';
import type { MessageRecord } from '../domain/index.ts';

interface Entry {
  /** Visible (non-internal) messages, ascending ids, at most `limit` of the newest. */
  messages: MessageRecord[];
  /** True when older visible messages exist in the store but not here. */
  truncated: boolean;
}

/**
 * The visible messages of live sessions, kept in memory in the same order the store holds them,
 * so that polling (`GET /messages`, sanitized) does not read and rebuild every row on every
 * request. The store stays the source of truth: the cache fills from it on first use and falls
 * back to it for anything it does not hold.
 */
export class VisibleMessageCache {
  private readonly entries = new Map<string, Entry>();
  /** Sessions being loaded, with the messages appended meanwhile. */
  private readonly loading = new Map<string, { promise: Promise<Entry>; appended: MessageRecord[] }>();

  constructor(
    private readonly store: Store,
    private readonly limit = 2_000,
  ) {}

  /** Visible messages with `id > afterId`, ascending. */
  async list(sessionId: string, afterId: number): Promise<MessageRecord[]> {
    const entry = this.entries.get(sessionId) ?? (await this.load(sessionId));
    const first = entry.messages[0];
    if (entry.truncated && (first === undefined || afterId < first.id - 1)) {
      return this.store.listMessages(sessionId, { afterId, includeInternal: false });
    }
    let start = entry.messages.length;
    while (start > 0 && entry.messages[start - 1]!.id > afterId) start--;
    return entry.messages.slice(start);
  }

  /** Called for every message stored, in id order. */
  onAppend(message: MessageRecord): void {
    if (message.internal) return;
    const pending = this.loading.get(message.sessionId);
    if (pending) pending.appended.push(message);
    const entry = this.entries.get(message.sessionId);
    if (entry) this.push(entry, message);
  }

  drop(sessionId: string): void {
    this.entries.delete(sessionId);
  }

  private load(sessionId: string): Promise<Entry> {
    const existing = this.loading.get(sessionId);
    if (existing) return existing.promise;
    const appended: MessageRecord[] = [];
    const promise = this.store
      .listMessages(sessionId, { afterId: 0, includeInternal: false })
      .then((stored) => {
        const entry: Entry = { messages: [], truncated: false };
        for (const message of stored) this.push(entry, message);
        // Messages stored while the query ran may or may not be in its result.
        for (const message of appended) this.push(entry, message);
        this.entries.set(sessionId, entry);
        return entry;
      })
      .finally(() => this.loading.delete(sessionId));
    this.loading.set(sessionId, { promise, appended });
    return promise;
  }

  private push(entry: Entry, message: MessageRecord): void {
    const last = entry.messages[entry.messages.length - 1];
    if (last !== undefined && message.id <= last.id) return;
    entry.messages.push(message);
    if (entry.messages.length > this.limit) {
      entry.messages.splice(0, entry.messages.length - this.limit);
      entry.truncated = true;
    }
  }
}
