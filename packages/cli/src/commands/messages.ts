import chalk from 'chalk';
import { connected } from '../connect.ts';
import { messageLine } from '../format.ts';
import { EXIT, type Terminal } from '../terminal.ts';

export interface MessagesOptions {
  json?: boolean;
  after?: number;
  /** The internal LOG messages too (`sanitize=false`). */
  all?: boolean;
}

/** `steward messages ID`: the session's messages, oldest first. */
export async function messagesCommand(terminal: Terminal, id: string, options: MessagesOptions): Promise<number> {
  const { client } = connected(terminal);
  const page = await client.sessions.getMessages(id, options.after ?? 0, options.all !== true);
  if (options.json === true) {
    terminal.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    return EXIT.ok;
  }
  for (const message of page.messages) terminal.stdout.write(`${messageLine(chalk, message)}\n`);
  terminal.stderr.write(`${page.messages.length} message${page.messages.length === 1 ? '' : 's'}; status ${page.status}.\n`);
  return EXIT.ok;
}
