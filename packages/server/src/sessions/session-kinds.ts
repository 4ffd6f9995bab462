import type { SessionRecord } from '../domain/index.ts';

/** A `desktop` session: the client runs the loop on its own screen; the server has no browser for it. */
export function isDesktopSession(record: SessionRecord): boolean {
  return record.options['agent_session_type'] === 'desktop';
}
