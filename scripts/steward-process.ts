import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

/**
 * Starts `steward serve` as its own process exactly as users do (node --import tsx main.ts), on
 * a free loopback port with a fresh data dir, and reads the first API key it prints. Shared by
 * `npm run bench` and `npm run eval`. `startStewardNode` starts a node that prints no key (a
 * cluster's API node or worker, whose keys the operator makes with `steward keys create`).
 */
export interface StewardProcessOptions {
  repoRoot: string;
  /** STEWARD_* settings on top of the defaults below (port, host, data dir, log level). */
  env: Record<string, string>;
  /** Extra flags for the server's node (e.g. --cpu-prof). */
  nodeArgs?: string[] | undefined;
  /** Prefix of the temporary data dir. */
  dataDirPrefix?: string | undefined;
  startTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Each chunk the server writes to stderr (its tail is also kept for start-up errors). */
  onStderr?: ((chunk: string) => void) | undefined;
}

export interface StewardNodeOptions extends StewardProcessOptions {
  /**
   * In a process group of its own (pgid = pid), so that `process.kill(-pid, 'SIGKILL')` takes its
   * Chromium with it, as losing the machine would.
   */
  detached?: boolean | undefined;
}

export interface StewardNodeProcess {
  baseUrl: string;
  pid: number;
  /** Spawn → "listening" line, in ms (includes tsx start-up and the Chromium launch). */
  startupMs: number;
  /** Resolves when the process has exited (stopped, killed or crashed). */
  exited: Promise<void>;
  /** SIGTERM (SIGKILL after 25 s), then removes the data dir. */
  stop(): Promise<void>;
}

export interface StewardProcess extends StewardNodeProcess {
  apiKey: string;
}

export class StewardStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StewardStartError';
  }
}

const KEY_PATTERN = /stw_[A-Za-z0-9_-]+/;
const LISTENING_PATTERN = /Steward listening on (http:\/\/\S+)/;
const STOP_TIMEOUT_MS = 25_000;
const STDERR_TAIL_CHARS = 4_000;

export async function startSteward(options: StewardProcessOptions): Promise<StewardProcess> {
  const { apiKey, ...node } = await launch(options, true);
  if (apiKey !== undefined) return { ...node, apiKey };
  await node.stop();
  throw new StewardStartError('steward started without printing a first API key (data dir not fresh?)');
}

/** A node that prints no first key: a cluster's API node or worker (STEWARD_ROLE in `env`). */
export async function startStewardNode(options: StewardNodeOptions): Promise<StewardNodeProcess> {
  const { apiKey: _printsNone, ...node } = await launch(options, false);
  return node;
}

async function launch(options: StewardNodeOptions, needsKey: boolean): Promise<StewardNodeProcess & { apiKey: string | undefined }> {
  const dataDir = await mkdtemp(join(tmpdir(), options.dataDirPrefix ?? 'steward-'));
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'packages/server/src/main.ts', 'serve'], {
    cwd: options.repoRoot,
    env: {
      ...process.env,
      STEWARD_PORT: String(port),
      STEWARD_HOST: '127.0.0.1',
      STEWARD_DATA_DIR: dataDir,
      STEWARD_LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
    options.onStderr?.(text);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    await stopChild(child, exited);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const startup = await readStartup(child, options.startTimeoutMs ?? 60_000, options.signal, () => stderrTail, needsKey);
    const pid = child.pid;
    if (pid === undefined) throw new StewardStartError('steward has no pid');
    return { ...startup, pid, startupMs: performance.now() - started, exited, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function readStartup(child: ChildProcess, timeoutMs: number, outer: AbortSignal | undefined, stderr: () => string, needsKey: boolean): Promise<{ apiKey: string | undefined; baseUrl: string }> {
  return new Promise((resolve, reject) => {
    let apiKey: string | undefined;
    let buffered = '';
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = outer ? AbortSignal.any([outer, deadline]) : deadline;
    const settle = (): void => {
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      signal.removeEventListener('abort', onAbort);
      // Keep draining stdout so the child never blocks on a full pipe.
      child.stdout?.resume();
    };
    const onAbort = (): void => {
      settle();
      reject(new StewardStartError(`steward did not start within ${timeoutMs} ms\n${stderr()}`, { cause: signal.reason }));
    };
    const onExit = (code: number | null): void => {
      settle();
      reject(new StewardStartError(`steward exited during start-up (code ${code})\n${stderr()}`));
    };
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      apiKey ??= KEY_PATTERN.exec(buffered)?.[0];
      const listening = LISTENING_PATTERN.exec(buffered);
      if (!listening?.[1]) return;
      settle();
      // The key comes before the listening line; a node that makes none prints none.
      resolve({ apiKey: needsKey ? apiKey : undefined, baseUrl: listening[1] });
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS, true).unref()),
  ]);
  if (timedOut) {
    process.stderr.write('steward did not exit after SIGTERM; sending SIGKILL\n');
    child.kill('SIGKILL');
    await exited;
  }
}
