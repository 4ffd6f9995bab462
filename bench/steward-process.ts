import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchError } from './bench-error.ts';
import { processCpuSeconds } from './process-cpu.ts';

export interface StewardOptions {
  repoRoot: string;
  /** Absolute path of the `script:` policy module. */
  policyPath: string;
  warmContexts: number;
  maxSessions: number;
  startTimeoutMs: number;
  signal?: AbortSignal | undefined;
}

export interface StewardProcess {
  baseUrl: string;
  apiKey: string;
  pid: number;
  /** Spawn → "listening" line, in ms (includes tsx compile and Chromium launch). */
  startupMs: number;
  /** CPU seconds (user + system) the server's Node process has used so far (not Chromium). */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

const KEY_PATTERN = /stw_[A-Za-z0-9_-]+/;
const LISTENING_PATTERN = /Steward listening on (http:\/\/\S+)/;
const STOP_TIMEOUT_MS = 25_000;

/** Starts `steward serve` as users do (node --import tsx main.ts), on a free port and a fresh data dir. */
export async function startSteward(options: StewardOptions): Promise<StewardProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'steward-bench-'));
  const port = await freePort();
  const started = performance.now();
  // STEWARD_BENCH_NODE_ARGS passes extra flags to the server's node (e.g. --cpu-prof) for profiling.
  const nodeArgs = (process.env['STEWARD_BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'packages/server/src/main.ts', 'serve'], {
    cwd: options.repoRoot,
    env: {
      ...process.env,
      STEWARD_PORT: String(port),
      STEWARD_HOST: '127.0.0.1',
      STEWARD_DATA_DIR: dataDir,
      STEWARD_LOG_LEVEL: 'warn',
      STEWARD_MODEL: `script:${options.policyPath}`,
      STEWARD_MAX_SESSIONS: String(options.maxSessions),
      STEWARD_WARM_CONTEXTS: String(options.warmContexts),
      // The benchmark is one client hammering on purpose: the per-key limit would measure itself.
      STEWARD_RATE_LIMIT_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[steward] ${chunk.toString('utf8')}`));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanup = async (): Promise<void> => {
    await stopChild(child, exited);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const { apiKey, baseUrl } = await readStartup(child, options);
    const pid = child.pid;
    if (pid === undefined) throw new BenchError('steward has no pid');
    return { baseUrl, apiKey, pid, startupMs: performance.now() - started, cpuSeconds: () => processCpuSeconds(pid), stop: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function readStartup(child: ChildProcess, options: StewardOptions): Promise<{ apiKey: string; baseUrl: string }> {
  return new Promise((resolve, reject) => {
    let apiKey: string | undefined;
    let buffered = '';
    const deadline = AbortSignal.timeout(options.startTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const fail = (error: Error): void => {
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      signal.removeEventListener('abort', onAbort);
      reject(error);
    };
    const onAbort = (): void => fail(new BenchError(`steward did not start within ${options.startTimeoutMs} ms`, { cause: signal.reason }));
    const onExit = (code: number | null): void => fail(new BenchError(`steward exited during start-up (code ${code})`));
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      apiKey ??= KEY_PATTERN.exec(buffered)?.[0];
      const listening = LISTENING_PATTERN.exec(buffered);
      if (!listening?.[1]) return;
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      signal.removeEventListener('abort', onAbort);
      // Keep draining stdout so the child never blocks on a full pipe.
      child.stdout?.resume();
      if (apiKey === undefined) reject(new BenchError('steward started without printing a first API key (data dir not fresh?)'));
      else resolve({ apiKey, baseUrl: listening[1] });
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), delayResolve(STOP_TIMEOUT_MS, true)]);
  if (timedOut) {
    process.stderr.write('steward did not exit after SIGTERM; sending SIGKILL\n');
    child.kill('SIGKILL');
    await exited;
  }
}

function delayResolve<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(resolve, ms, value).unref());
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
