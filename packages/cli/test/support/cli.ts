import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../server/test/support/test-server.ts';

/** The `steward` launcher, as `npx steward` and `npm run steward` run it. */
export const STEWARD_BIN = join(REPO_ROOT, 'packages/cli/bin/steward.mjs');

/** The test's environment: none of the caller's STEWARD_* settings, no colour unless a test asks. */
export function cliEnv(env: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !name.startsWith('STEWARD_') && name !== 'FORCE_COLOR') base[name] = value;
  return { ...base, NO_COLOR: '1', ...env };
}

export interface CliRun {
  child: ChildProcess;
  /** stdout and stderr so far. */
  stdout: () => string;
  stderr: () => string;
  /** Resolves once `pattern` appears in stdout or stderr (rejects when the process ends first). */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  /** Exit code (or the signal's name) once the process ended. */
  exited: Promise<number | string>;
}

/** Starts `steward <args>` with pipes for its three streams (or stdin from /dev/null). */
export function startCli(args: string[], env: Record<string, string>, options: { stdin?: 'pipe' | 'ignore' } = {}): CliRun {
  const child = spawn(process.execPath, [STEWARD_BIN, ...args], { cwd: REPO_ROOT, env: cliEnv(env), stdio: [options.stdin ?? 'pipe', 'pipe', 'pipe'] });
  return watch(child);
}

/**
 * Starts `steward <args>` on a pseudo-terminal: util-linux `script` (always there on Debian)
 * gives it a TTY for stdin, stdout and stderr; what it prints arrives merged on `stdout()`, and
 * what is written to `child.stdin` is typed on that terminal (`\r` for Enter, `\x03` for Ctrl-C).
 */
export function startCliInPty(args: string[], env: Record<string, string>, options: { sized?: boolean } = {}): CliRun {
  const command = [process.execPath, STEWARD_BIN, ...args].map(shellQuote).join(' ');
  // A pty made by script has no size (0 columns) until stty gives it one, as a terminal window would.
  const size = options.sized === false ? '' : 'stty cols 200 rows 50; ';
  // -e: exit with the command's status; -q: no start and end banners; the typescript goes nowhere.
  const child = spawn('script', ['-q', '-e', '-c', `${size}exec ${command}`, '/dev/null'], { cwd: REPO_ROOT, env: cliEnv({ TERM: 'xterm-256color', ...env }), stdio: ['pipe', 'pipe', 'pipe'] });
  return watch(child);
}

/** Runs `steward <args>` to its end. */
export async function runCli(args: string[], env: Record<string, string>, options: { stdin?: 'pipe' | 'ignore' } = {}): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const run = startCli(args, env, { stdin: options.stdin ?? 'ignore' });
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

function watch(child: ChildProcess): CliRun {
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (const listener of [...listeners]) listener();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
    for (const listener of [...listeners]) listener();
  });
  const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? -1)));
  const waitFor = (pattern: RegExp, timeoutMs = 30_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(stripAnsi(out)) && !pattern.test(stripAnsi(err))) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`never saw ${pattern}:\n--- stdout\n${out}\n--- stderr\n${err}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      void exited.then(() => {
        if (!listeners.has(check)) return;
        check();
        if (!listeners.has(check)) return;
        done();
        reject(new Error(`exited before ${pattern}:\n--- stdout\n${out}\n--- stderr\n${err}`));
      });
      check();
    });
  return { child, stdout: () => out, stderr: () => err, waitFor, exited };
}

export function stripAnsi(text: string): string {
  // CSI sequences (colours, cursor moves, erase line) and the OSC/DEC private ones ora emits.
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[=>78]/g, '');
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
