import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

export interface RedisProcess {
  url: string;
  port: number;
  /** Stops the server (SIGKILL: a lost Redis, as a node sees it). */
  kill(): void;
  close(): Promise<void>;
}

const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));

/**
 * A redis-server of our own (a test's or a benchmark's) on 127.0.0.1, on a free port, with no persistence: nothing
 * shared with another test or with a Redis the machine runs. Debian's `redis-server` package
 * provides it (`.ci/run` installs it when absent); without it the test fails saying so.
 */
export async function startRedisProcess(): Promise<RedisProcess> {
  if (REDIS_SERVER === undefined) throw new Error('redis-server is not installed: apt-get install -y redis-server (.ci/run does this when it runs as root)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'steward-redis-'));
  const child: ChildProcess = spawn(REDIS_SERVER, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG') {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => child.kill('SIGKILL'),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
