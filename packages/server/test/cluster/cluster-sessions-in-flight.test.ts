import { describe, expect, it } from 'vitest';
import { InProcessCommandBus } from '../../src/bus/memory/in-process-command-bus.ts';
import { InMemoryEventBus } from '../../src/bus/memory/in-memory-event-bus.ts';
import { ClusterSessions } from '../../src/cluster/cluster-sessions.ts';
import type { SessionRecord } from '../../src/domain/index.ts';
import { LiveViewTokens } from '../../src/sessions/index.ts';
import type { Store } from '../../src/store/index.ts';
import { systemClock } from '../../src/util/index.ts';

// An API node's queue towards the workers (`steward_commands_in_flight`): every command counts
// from the moment it is sent until it settles, answered or failed.

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function setup() {
  const now = new Date();
  const record: SessionRecord = {
    id: 's1',
    apiKeyId: 'k1',
    agentName: 'agi-0',
    status: 'ready',
    executionStatus: 'ready',
    createdAt: now,
    updatedAt: now,
    lastActivityAt: now,
    webhookUrl: null,
    maxSteps: 10,
    goal: null,
    environmentId: 'e1',
    lastMessageId: 0,
    options: {},
  };
  // Only what routing reads: the session, and a live lease of worker w1 on it.
  const store = {
    getSession: async (id: string) => (id === record.id ? record : undefined),
    leaseOf: async (sessionId: string) => ({ sessionId, workerId: 'w1', expiresAt: new Date(Date.now() + 60_000) }),
    liveWorkers: async () => [],
  } as unknown as Store;
  const bus = new InProcessCommandBus();
  const answers = new Map<string, ReturnType<typeof deferred<unknown>>>();
  await bus.serve('w1', (name) => {
    const answer = deferred<unknown>();
    answers.set(name, answer);
    return answer.promise;
  });
  const sessions = new ClusterSessions({
    store,
    commands: bus,
    events: new InMemoryEventBus(),
    liveFrames: new InMemoryEventBus(),
    liveTokens: new LiveViewTokens(Buffer.alloc(32)),
    baseUrl: () => 'http://127.0.0.1',
    clock: systemClock,
    logger: silent,
    leaseTtlMs: 3_000,
    hasModel: true,
    limits: { navigationTimeoutMs: 1_000, modelTimeoutMs: 1_000, maxFileBytes: 1_000, replay: { maxSteps: 0, maxBytes: 0 } },
  });
  return { sessions, answers, record };
}

describe('ClusterSessions.commandsInFlight', () => {
  it('counts a command until its answer, and again none after it', async () => {
    const { sessions, answers } = await setup();
    expect(sessions.commandsInFlight()).toBe(0);
    const deleting = sessions.delete('k1', 's1');
    await expect.poll(() => answers.has('delete')).toBe(true);
    expect(sessions.commandsInFlight()).toBe(1);
    answers.get('delete')!.resolve(true);
    expect(await deleting).toBe(true);
    expect(sessions.commandsInFlight()).toBe(0);
  });

  it('stops counting a command that failed on the worker', async () => {
    const { sessions, answers } = await setup();
    const deleting = sessions.delete('k1', 's1');
    await expect.poll(() => answers.has('delete')).toBe(true);
    expect(sessions.commandsInFlight()).toBe(1);
    answers.get('delete')!.reject(new Error('the worker refused'));
    await expect(deleting).rejects.toThrow('the worker refused');
    expect(sessions.commandsInFlight()).toBe(0);
  });

  it('counts the touches that polling sends, which nobody awaits', async () => {
    const { sessions, answers } = await setup();
    expect(await sessions.status('k1', 's1')).toBe('ready');
    await expect.poll(() => answers.has('touch')).toBe(true);
    expect(sessions.commandsInFlight()).toBe(1);
    answers.get('touch')!.resolve(null);
    await expect.poll(() => sessions.commandsInFlight()).toBe(0);
  });
});
