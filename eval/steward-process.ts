import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

export interface StewardProcess {
  baseUrl: string;
  apiKey: string;
  stop(): Promise<void>;
}

export class StewardStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StewardStartError';
  }
}

const KEY_PATTERN = /stw_[A-Za-z0-9_-]+/;
const LISTENING_PATTERN = /Steward listening on (http:\/\/\S+)/;
const STOP_TIMEOUT_MS = 20_000;

/**
 * Starts `steward serve` exactly as users do (node --import tsx main.ts) on a free port with a
 * fresh data dir, and reads the first API key it prints.
 */
export async function startSteward(options: { model: string; startTimeoutMs?: number; signal?: AbortSignal | undefined }): Promise<StewardProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'steward-eval-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts', 'serve'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      STEWARD_PORT: String(port),
      STEWARD_HOST: '127.0.0.1',
      STEWARD_DATA_DIR: dataDir,
      STEWARD_LOG_LEVEL: 'warn',
      STEWARD_MODEL: options.model,
      // One client running tasks on purpose: the per-key limit would only slow the eval down.
      STEWARD_RATE_LIMIT_PER_MINUTE: '0',
      // The fixture sites live on loopback, which the egress firewall refuses by default.
      STEWARD_EGRESS_ALLOW: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const stop = async (): Promise<void> => {
    await stopChild(child, exited);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const started = await readStartup(child, options.startTimeoutMs ?? 60_000, options.signal, () => stderr);
    return { ...started, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function readStartup(child: ChildProcess, timeoutMs: number, outer: AbortSignal | undefined, stderr: () => string): Promise<{ apiKey: string; baseUrl: string }> {
  return new Promise((resolveStart, rejectStart) => {
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
      rejectStart(new StewardStartError(`steward did not start within ${timeoutMs} ms\n${stderr()}`, { cause: signal.reason }));
    };
    const onExit = (code: number | null): void => {
      settle();
      rejectStart(new StewardStartError(`steward exited during start-up (code ${code})\n${stderr()}`));
    };
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      apiKey ??= KEY_PATTERN.exec(buffered)?.[0];
      const listening = LISTENING_PATTERN.exec(buffered);
      if (!listening?.[1]) return;
      settle();
      if (apiKey === undefined) rejectStart(new StewardStartError('steward started without printing an API key (data dir not fresh?)'));
      else resolveStart({ apiKey, baseUrl: listening[1] });
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = AbortSignal.timeout(STOP_TIMEOUT_MS);
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolveTimeout) => timer.addEventListener('abort', () => resolveTimeout(true), { once: true })),
  ]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, rejectPort) => {
    const server = createServer();
    server.once('error', rejectPort);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
