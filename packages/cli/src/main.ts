import chalk, { chalkStderr } from 'chalk';
import { CommanderError } from 'commander';
import { describeError } from './describe-error.ts';
import { Interrupts } from './interrupts.ts';
import { localServer } from './local-server.ts';
import { buildProgram } from './program.ts';
import { EXIT, type Terminal } from './terminal.ts';
import { UsageError } from './usage-error.ts';

// The process: its streams, signals and exit code. Everything else takes a Terminal.
const terminal: Terminal = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  interrupts: (onForce) =>
    new Interrupts(process, () => {
      onForce?.();
      process.exit(EXIT.interrupted);
    }),
};

async function main(argv: string[]): Promise<number> {
  // chalk reads FORCE_COLOR and whether the stream is a terminal, not NO_COLOR (no-color.org).
  if ((process.env['NO_COLOR'] ?? '') !== '') chalk.level = chalkStderr.level = 0;
  let code: number = EXIT.ok;
  const program = buildProgram(terminal, (result) => (code = result));
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    // commander printed its own message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof UsageError) {
      terminal.stderr.write(`${error.message}\n(steward help shows every command)\n`);
      return EXIT.usage;
    }
    terminal.stderr.write(`${describeError(error, serverUrl())}\n`);
    return EXIT.failed;
  }
}

function serverUrl(): string {
  const url = process.env['STEWARD_URL']?.trim();
  if (url) return url;
  try {
    return localServer(process.env).url;
  } catch {
    return 'the local address';
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`steward: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.failed);
  },
);
