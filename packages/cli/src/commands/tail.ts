import { setTimeout as delay } from 'node:timers/promises';
import chalk from 'chalk';
import { NotFoundError } from '@steward/client';
import { connected } from '../connect.ts';
import { eventLine } from '../format.ts';
import { EXIT, type Terminal } from '../terminal.ts';

const ENDED = new Set(['terminated', 'error']);
/** Between two streams (one per task): the server ends a stream with its task's end. */
const REOPEN_MS = 250;

/**
 * `steward tail ID`: the session's events so far, then as they come, task after task, until the
 * session ends (deleted or terminated) or Ctrl-C.
 */
export async function tailCommand(terminal: Terminal, id: string): Promise<number> {
  const { client } = connected(terminal);
  const interrupts = terminal.interrupts();
  const { signal } = interrupts;
  let afterId: number | undefined;
  try {
    for (;;) {
      const options = afterId === undefined ? { includeHistory: true, signal } : { afterId, signal };
      for await (const event of client.sessions.streamEvents(id, options)) {
        if (event.id !== undefined) afterId = event.id;
        const line = eventLine(chalk, event);
        if (line !== undefined) terminal.stdout.write(`${line}\n`);
      }
      const session = await client.sessions.get(id, { signal });
      if (ENDED.has(session.status)) {
        terminal.stderr.write(`Session ${id} ended (${session.status}).\n`);
        return EXIT.ok;
      }
      afterId ??= await client.sessions.latestMessageId(id, true, { signal });
      await delay(REOPEN_MS, undefined, { signal });
    }
  } catch (error) {
    if (signal.aborted) return EXIT.interrupted;
    if (error instanceof NotFoundError && afterId !== undefined) {
      terminal.stderr.write(`Session ${id} is gone.\n`);
      return EXIT.ok;
    }
    throw error;
  } finally {
    interrupts.dispose();
  }
}
