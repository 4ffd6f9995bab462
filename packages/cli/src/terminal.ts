import type { Interrupts } from './interrupts.ts';

/** The process's streams and environment, passed to every command (only main.ts reads `process`). */
export interface Terminal {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: Record<string, string | undefined>;
  /**
   * Starts listening for Ctrl-C (`dispose()` stops): the first aborts `signal`, a second exits
   * with 130 at once after `onForce` said what that leaves undone.
   */
  interrupts(onForce?: () => void): Interrupts;
}

/** Exit codes: 0 done, 1 failed, 2 usage, 130 interrupted (128 + SIGINT, as shells report it). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/**
 * True when a person is watching both streams: the status line is drawn then. A terminal that
 * reports no width (a bare pty) gets plain lines: ora divides by the width to know what to erase.
 */
export function isLive(terminal: Terminal): boolean {
  const { stdout, stderr } = terminal;
  return stdout.isTTY === true && stderr.isTTY === true && stderr.columns > 0 && terminal.env['TERM'] !== 'dumb';
}
