import type { MessageRecord } from '../domain/index.ts';

/** What the bus carries for one session: every stored message, and pause/resume markers. */
export type SessionEvent =
  | { kind: 'message'; message: MessageRecord }
  | { kind: 'paused'; at: Date }
  | { kind: 'resumed'; at: Date }
  /** The session is gone (deleted or terminated): live streams close. */
  | { kind: 'closed'; reason: 'deleted' | 'terminated' | 'shutdown' };
