import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandUnreachableError } from '../../src/bus/command-bus.ts';
import { RedisCommandBus } from '../../src/redis/index.ts';
import { startRedisProcess, type RedisProcess } from '../../../../scripts/redis-process.ts';
import { runCommandBusContract } from './command-bus-contract.ts';

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedisProcess();
});
afterAll(async () => {
  await redis?.close();
});

// Two instances on one prefix: two nodes of one cluster, as separate processes would be.
runCommandBusContract('RedisCommandBus', ({ errorCodec }) => {
  const options = { url: redis.url, channelPrefix: `test:${randomUUID()}:`, errorCodec };
  return { requester: new RedisCommandBus(options), server: new RedisCommandBus(options) };
});

interface LogEntry {
  obj: object;
  msg: string | undefined;
}

function recordingLogger(): { entries: LogEntry[]; warn(obj: object, msg?: string): void } {
  const entries: LogEntry[] = [];
  return { entries, warn: (obj, msg) => entries.push({ obj, msg }) };
}

/** A raw PUBLISH from outside the bus (what a foreign or broken client could send). */
function publishRaw(port: number, channel: string, text: string): number {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PUBLISH', channel, text], { encoding: 'utf8' });
  return Number(result.stdout.trim());
}

describe('RedisCommandBus', () => {
  it('logs and drops a malformed command, and goes on serving', async () => {
    const channelPrefix = `test:${randomUUID()}:`;
    const logger = recordingLogger();
    const server = new RedisCommandBus({ url: redis.url, channelPrefix, logger });
    const requester = new RedisCommandBus({ url: redis.url, channelPrefix });
    try {
      let calls = 0;
      await server.serve('node-a', async () => ++calls);
      for (const text of ['not json', '[]', '{"id":1}', 'null']) expect(publishRaw(redis.port, `${channelPrefix}to:node-a`, text)).toBe(1);
      expect(await requester.request('node-a', 'count', {}, { timeoutMs: 20_000 })).toBe(1);
      expect(logger.entries.map((entry) => entry.msg)).toEqual(Array(4).fill('redis_command_bus_malformed_command'));
    } finally {
      await Promise.all([server.close(), requester.close()]);
    }
  });

  it('times out instead of hanging when Redis is gone, and still closes', async () => {
    const own = await startRedisProcess();
    const bus = new RedisCommandBus({ url: own.url, channelPrefix: `test:${randomUUID()}:`, logger: recordingLogger() });
    try {
      await bus.serve('node-a', async () => 'here');
      expect(await bus.request('node-a', 'who', {}, { timeoutMs: 20_000 })).toBe('here');
      own.kill();
      const error = await bus.request('node-a', 'who', {}, { timeoutMs: 500 }).catch((rejection: unknown) => rejection);
      expect(error).toBeInstanceOf(CommandUnreachableError);
      expect(error).toMatchObject({ reason: 'timeout' });
    } finally {
      await bus.close();
      await own.close();
    }
  });
});
