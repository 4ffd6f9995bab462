import chalk from 'chalk';
import type { Session } from '@steward/client';
import { connected } from '../connect.ts';
import { contentText, clip } from '../format.ts';
import { EXIT, type Terminal } from '../terminal.ts';
import { UsageError } from '../usage-error.ts';

/** `steward sessions list`: one line per session of this key, oldest first. */
export async function listSessions(terminal: Terminal, options: { json?: boolean }): Promise<number> {
  const { client } = connected(terminal);
  const sessions = await client.sessions.list();
  if (options.json === true) {
    terminal.stdout.write(`${JSON.stringify(sessions, null, 2)}\n`);
    return EXIT.ok;
  }
  if (sessions.length === 0) {
    terminal.stderr.write('No sessions.\n');
    return EXIT.ok;
  }
  const rows = sessions.map((s) => [s.sessionId, s.agentName, s.status, s.createdAt, s.goal ?? '']);
  terminal.stdout.write(table([['ID', 'AGENT', 'STATUS', 'CREATED', 'GOAL'], ...rows]));
  return EXIT.ok;
}

/** `steward sessions show ID`: the session, its execution status and its last message. */
export async function showSession(terminal: Terminal, id: string, options: { json?: boolean }): Promise<number> {
  const { client } = connected(terminal);
  const session: Session = await client.sessions.get(id);
  const { messages, status, hasAgent } = await client.sessions.getMessages(id);
  const last = messages.at(-1);
  if (options.json === true) {
    terminal.stdout.write(`${JSON.stringify({ ...session, executionStatus: status, hasAgent, messageCount: messages.length, lastMessage: last ?? null }, null, 2)}\n`);
    return EXIT.ok;
  }
  const fields: [string, string | undefined][] = [
    ['id', session.sessionId],
    ['agent', session.agentName],
    ['status', `${session.status} (execution: ${status})`],
    ['created', session.createdAt],
    ['goal', session.goal],
    ['live view', session.vncUrl],
    ['messages', String(messages.length)],
    ['last', last === undefined ? undefined : `${last.type} ${clip(contentText(last.content), 200)}`],
  ];
  for (const [name, value] of fields) if (value !== undefined) terminal.stdout.write(`${chalk.bold(name.padEnd(10))} ${value}\n`);
  return EXIT.ok;
}

/** `steward sessions rm ID…` or `rm --all`. An id the server does not know is exit 1. */
export async function removeSessions(terminal: Terminal, ids: string[], options: { all?: boolean }): Promise<number> {
  if (options.all === true && ids.length > 0) throw new UsageError('sessions rm takes ids or --all, not both.');
  if (options.all !== true && ids.length === 0) throw new UsageError('sessions rm needs session ids (see steward sessions list) or --all.');
  const { client } = connected(terminal);
  if (options.all === true) {
    const { count } = await client.sessions.deleteAll();
    terminal.stdout.write(`Deleted ${count} session${count === 1 ? '' : 's'}.\n`);
    return EXIT.ok;
  }
  let code: number = EXIT.ok;
  for (const id of ids) {
    const { deleted } = await client.sessions.delete(id);
    if (deleted) terminal.stdout.write(`Deleted ${id}.\n`);
    else {
      terminal.stderr.write(`No session ${id}.\n`);
      code = EXIT.failed;
    }
  }
  return code;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row, i) => {
      const line = row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd();
      return i === 0 ? chalk.bold(line) : line;
    })
    .map((line) => `${line}\n`)
    .join('');
}
