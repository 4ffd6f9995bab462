import type { Store } from '../store/index.ts';
import type { MessageRecord, SessionRecord } from '../domain/index.ts';

/** What a session list shows beside the record: the task that started it and its newest message. */
export interface SessionSummary {
  task?: string;
  lastMessage?: MessageRecord;
}

/** Longest text a summary carries; the messages endpoint has the rest. */
export const SUMMARY_TEXT_LIMIT = 300;

/**
 * Two indexed reads per session (the first USER message, the newest visible one), so a list of
 * a hundred sessions costs two hundred point lookups, not every message of every session.
 */
export async function summarizeSessions(store: Store, records: readonly SessionRecord[]): Promise<Map<string, SessionSummary>> {
  const entries = await Promise.all(
    records.map(async (record): Promise<[string, SessionSummary]> => {
      const [first, last] = await Promise.all([
        store.listMessages(record.id, { afterId: 0, includeInternal: false, type: 'USER', limit: 1 }),
        store.listMessages(record.id, { afterId: 0, includeInternal: false, newestFirst: true, limit: 1 }),
      ]);
      const task = first[0] === undefined ? undefined : summaryText(first[0].content);
      return [record.id, { ...(task === undefined ? {} : { task }), ...(last[0] === undefined ? {} : { lastMessage: last[0] }) }];
    }),
  );
  return new Map(entries);
}

/** A message's content as one string of at most `SUMMARY_TEXT_LIMIT` characters. */
export function summaryText(content: unknown): string {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return text.length <= SUMMARY_TEXT_LIMIT ? text : `${text.slice(0, SUMMARY_TEXT_LIMIT - 1)}…`;
}
