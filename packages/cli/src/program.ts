import { Command, InvalidArgumentError, Option } from 'commander';
import { messagesCommand } from './commands/messages.ts';
import { AGENTS, runCommand, type RunOptions } from './commands/run.ts';
import { screenshotCommand } from './commands/screenshot.ts';
import { listSessions, removeSessions, showSession } from './commands/sessions.ts';
import { tailCommand } from './commands/tail.ts';
import type { Terminal } from './terminal.ts';

const SERVER_HELP = `
Server commands (run by the server package, in this process):
  serve                     run the API server (STEWARD_HOST:STEWARD_PORT, default 127.0.0.1:8080)
  keys create --name NAME   create an API key; keys list, keys revoke ID, keys webhook-secret ID

The client commands talk to STEWARD_URL with STEWARD_API_KEY. Without them they use the local
server (the address and data dir \`npm start\` uses here) with an API key the CLI makes for
itself once and keeps in that data dir; they say so on stderr when they do.`;

/**
 * The client commands of `steward` on commander. Each action answers its exit code through
 * `done`; `serve` and `keys` never reach here (the launcher hands them to the server).
 */
export function buildProgram(terminal: Terminal, done: (code: number) => void): Command {
  const program = new Command('steward')
    .description('Run browser-agent tasks and manage the sessions of a Steward server.')
    .configureOutput({ writeOut: (text) => terminal.stdout.write(text), writeErr: (text) => terminal.stderr.write(text) })
    .exitOverride()
    .showHelpAfterError('(steward help shows every command)')
    .addHelpText('after', SERVER_HELP);

  program
    .command('run')
    .description('run a task in a new session and print its result; the session is deleted at the end, also on Ctrl-C')
    .argument('<task>', 'what the agent should do')
    .option('--start-url <url>', 'open this page before the first step')
    .addOption(new Option('--model <agent>', 'the agent').choices(AGENTS).default('agi-0'))
    .option('--schema <file>', 'a JSON Schema file the result must match (structured result)')
    .option('--json', 'print the result as JSON')
    .action(async (task: string, options: RunOptions) => done(await runCommand(terminal, task, options)));

  const sessions = program.command('sessions').description('list, show and remove sessions');
  sessions
    .command('list')
    .alias('ls')
    .description('list the sessions of this API key')
    .option('--json', 'print them as JSON')
    .action(async (options: { json?: boolean }) => done(await listSessions(terminal, options)));
  sessions
    .command('show')
    .description("show a session, its execution status and its last message")
    .argument('<id>', 'session id')
    .option('--json', 'print it as JSON')
    .action(async (id: string, options: { json?: boolean }) => done(await showSession(terminal, id, options)));
  sessions
    .command('rm')
    .description('delete sessions (their browsers close)')
    .argument('[ids...]', 'session ids')
    .option('--all', 'delete every session of this API key')
    .action(async (ids: string[], options: { all?: boolean }) => done(await removeSessions(terminal, ids, options)));

  program
    .command('tail')
    .description("follow a session's events (history first) until the session ends or Ctrl-C")
    .argument('<id>', 'session id')
    .action(async (id: string) => done(await tailCommand(terminal, id)));

  program
    .command('screenshot')
    .description("save the session's page as a JPEG file")
    .argument('<id>', 'session id')
    .argument('<file>', 'where to write the JPEG')
    .action(async (id: string, file: string) => done(await screenshotCommand(terminal, id, file)));

  program
    .command('messages')
    .description("print a session's messages, oldest first")
    .argument('<id>', 'session id')
    .option('--after <id>', 'only messages after this message id', messageId)
    .option('--all', 'include the internal LOG messages (prompts, model output)')
    .option('--json', 'print the answer as JSON')
    .action(async (id: string, options: { after?: number; all?: boolean; json?: boolean }) => done(await messagesCommand(terminal, id, options)));

  return program;
}

function messageId(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a message id (a whole number).');
  return Number(value);
}
