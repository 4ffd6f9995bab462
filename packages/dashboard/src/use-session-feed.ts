import { NotFoundError, type ExecutionStatus, type Session, type Steward } from '@steward/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { reportAuthFailure } from './connection.ts';
import { mergeMessages, type TimelineItem } from './timeline.ts';

/** `live`: the event stream is open; `idle`: no task runs (polled); `lost`: reconnecting. */
export type Connection = 'connecting' | 'live' | 'idle' | 'lost';

export interface SessionFeed {
  session: Session | undefined;
  items: TimelineItem[];
  status: ExecutionStatus | undefined;
  connection: Connection;
  /** The session does not exist (any more) for this key. */
  gone: boolean;
  /** Look again now (after this page sent a message, paused, resumed). */
  refresh(): void;
}

const ACTIVE: ReadonlySet<ExecutionStatus> = new Set(['running', 'waiting_for_input', 'paused']);
const IDLE_POLL_MS = 2_000;
const MAX_RETRY_MS = 8_000;

/**
 * A session's messages and status as they happen. While a task runs it follows the event stream,
 * resuming after the last message it holds (`Last-Event-ID`) whenever the connection drops, and
 * says so; between tasks it polls. Each event is followed by a read of the messages after the
 * last one held, so the timeline has every message's metadata and none twice.
 */
export function useSessionFeed(client: Steward, sessionId: string): SessionFeed {
  const [session, setSession] = useState<Session>();
  const [items, setItems] = useState<TimelineItem[]>([]);
  const [status, setStatus] = useState<ExecutionStatus>();
  const [connection, setConnection] = useState<Connection>('connecting');
  const [gone, setGone] = useState(false);
  const wake = useRef<() => void>(() => {});

  useEffect(() => {
    const stop = new AbortController();
    const { signal } = stop;
    let lastId = 0;
    let held: TimelineItem[] = [];
    setItems([]);
    setGone(false);

    const pull = async (): Promise<ExecutionStatus> => {
      const answer = await client.sessions.getMessages(sessionId, lastId, true, { signal });
      held = mergeMessages(held, answer.messages);
      lastId = held.at(-1)?.id ?? lastId;
      setItems(held);
      setStatus(answer.status);
      return answer.status;
    };
    const rest = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake.current = () => {
          clearTimeout(timer);
          resolve();
        };
      });

    void (async () => {
      let failures = 0;
      while (!signal.aborted) {
        try {
          setSession(await client.sessions.get(sessionId, { signal }));
          const current = await pull();
          if (ACTIVE.has(current)) {
            setConnection('live');
            failures = 0;
            for await (const event of client.sessions.streamEvents(sessionId, { afterId: lastId, maxReconnects: 0, signal })) {
              if (event.event === 'heartbeat') continue;
              // Paused and resumed carry no message: the status is read again all the same.
              if (event.id === undefined || event.id > lastId) await pull();
            }
          } else {
            setConnection('idle');
            failures = 0;
            await rest(IDLE_POLL_MS);
          }
        } catch (error) {
          if (signal.aborted || reportAuthFailure(error)) return;
          if (error instanceof NotFoundError) {
            setGone(true);
            setConnection('idle');
            return;
          }
          setConnection('lost');
          await rest(Math.min(500 * 2 ** failures++, MAX_RETRY_MS));
        }
      }
    })();
    return () => stop.abort();
  }, [client, sessionId]);

  return { session, items, status, connection, gone, refresh: () => wake.current() };
}
