import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeBrowserPool } from '../../src/browser/fake/fake-browser-pool.ts';
import { InMemoryEventBus } from '../../src/bus/memory/in-memory-event-bus.ts';
import { StaticModelRegistry, type DecideRequest, type Decision, type LanguageModel } from '../../src/llm/index.ts';
import { DiskReplayStore } from '../../src/replay/disk/disk-replay-store.ts';
import type { ReplayStore } from '../../src/replay/index.ts';
import { LiveViewTokens, type SessionEvent } from '../../src/sessions/index.ts';
import { SessionService } from '../../src/worker/index.ts';
import { InMemoryStore } from '../../src/store/memory/in-memory-store.ts';
import type { Clock } from '../../src/util/index.ts';

// The sessions layer's half of the replay over fakes (the store on disk): which task and step
// each frame belongs to, and that a session's frames end with it, however it ends.

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const IDLE_MS = 60_000;

/** Scrolls `steps - 1` times, then finishes; `hold` keeps a step's decision waiting. */
function stepsModel(steps: number, hold?: (request: DecideRequest) => Promise<void>): LanguageModel {
  return {
    spec: 'test:steps',
    supportsVision: false,
    async decide(request): Promise<Decision> {
      await hold?.(request);
      const { step } = request.context;
      return step < steps ? { thought: `step ${step}`, actions: [{ tool: 'scroll', args: { direction: 'down' } }] } : { thought: 'done', actions: [{ tool: 'done', args: { result: 'ok' } }] };
    },
  };
}

let root: string;
let store: InMemoryStore;
let service: SessionService;
let now: number;
const clock: Clock = { now: () => new Date(now) };

function build(model: LanguageModel, replay: ReplayStore | undefined): void {
  service = new SessionService({
    store,
    browsers: createFakeBrowserPool({ startUrl: 'http://shop.test/' }),
    models: new StaticModelRegistry({ 'agi-0': model }),
    bus: new InMemoryEventBus<SessionEvent>(),
    webhooks: { send: () => undefined },
    clock,
    logger: silent,
    limits: { maxSessions: 5, sessionIdleTimeoutMs: IDLE_MS, sessionMaxLifetimeMs: 0, taskTimeoutMs: 0, modelTimeoutMs: 1_000 },
    modelHelp: 'configure a model',
    liveView: { tokens: new LiveViewTokens(Buffer.alloc(32, 1)), baseUrl: () => 'http://steward.test' },
    replay,
  });
}

const disk = (): DiskReplayStore => new DiskReplayStore({ root: join(root, 'replay'), maxSteps: 50, maxBytes: 1 << 20 });

async function finished(key: string, id: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await service.status(key, id)) === 'finished') return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the task did not finish');
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'steward-replays-'));
  store = new InMemoryStore();
  now = Date.UTC(2026, 0, 1);
});
afterEach(async () => {
  await service.shutdown();
  rmSync(root, { recursive: true, force: true });
});

describe('SessionReplays', () => {
  it('numbers frames across the session’s tasks, each with its task (the USER message) and its step there', async () => {
    build(stepsModel(3), disk());
    const { id } = await service.create('key', { agentName: 'agi-0', maxSteps: 10, options: {} });
    await service.sendMessage('key', id, { message: 'first task' });
    await finished('key', id);
    await service.sendMessage('key', id, { message: 'second task' });
    await finished('key', id);

    const { messages: all } = await service.messages('key', id, { afterId: 0, sanitize: true });
    const users = all.filter((m) => m.type === 'USER').map((m) => m.id);
    const frames = await service.replays.list('key', id);
    expect(frames.map((f) => [f.step, f.taskId, f.taskStep, f.url])).toEqual([
      [1, users[0], 1, 'http://shop.test/'],
      [2, users[0], 2, 'http://shop.test/'],
      [3, users[0], 3, 'http://shop.test/'],
      [4, users[1], 1, 'http://shop.test/'],
      [5, users[1], 2, 'http://shop.test/'],
      [6, users[1], 3, 'http://shop.test/'],
    ]);
    // Each frame's task step is the step of that task's THOUGHT messages.
    const thoughts = all.filter((m) => m.type === 'THOUGHT').map((m) => m.metadata['step']);
    expect(thoughts).toEqual(frames.map((f) => f.taskStep));
    const { jpeg } = await service.replays.open('key', id, 6);
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(service.replays.limits).toEqual({ maxSteps: 50, maxBytes: 1 << 20 });
  });

  it('answers 404 for another key’s session, and for a step it does not keep', async () => {
    build(stepsModel(1), disk());
    const { id } = await service.create('key', { agentName: 'agi-0', maxSteps: 10, options: {} });
    await service.sendMessage('key', id, { message: 'one step' });
    await finished('key', id);
    await expect(service.replays.list('other', id)).rejects.toMatchObject({ code: 'session_not_found', status: 404 });
    await expect(service.replays.open('other', id, 1)).rejects.toMatchObject({ code: 'session_not_found', status: 404 });
    await expect(service.replays.open('key', id, 2)).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });

  it('a session terminated by the idle sweep takes its replay with it', async () => {
    build(stepsModel(2), disk());
    const { id } = await service.create('key', { agentName: 'agi-0', maxSteps: 10, options: {} });
    await service.sendMessage('key', id, { message: 'two steps' });
    await finished('key', id);
    expect(await service.replays.list('key', id)).toHaveLength(2);
    expect(existsSync(join(root, 'replay', id))).toBe(true);
    now += IDLE_MS + 1;
    await service.sweep();
    expect((await service.get('key', id)).status).toBe('terminated');
    expect(await service.replays.list('key', id)).toEqual([]);
    expect(existsSync(join(root, 'replay', id))).toBe(false);
  });

  it('deleting a session while a frame is being written leaves nothing behind', async () => {
    const inner = disk();
    let release: (() => void) | undefined;
    let writing: (() => void) | undefined;
    const started = new Promise<void>((resolve) => (writing = resolve));
    // A store whose first write waits until the test lets it go.
    const slow: ReplayStore = {
      limits: inner.limits,
      append: async (sessionId, frame) => {
        writing?.();
        await new Promise<void>((resolve) => (release = resolve));
        return inner.append(sessionId, frame);
      },
      list: (sessionId) => inner.list(sessionId),
      read: (sessionId, step) => inner.read(sessionId, step),
      deleteAll: (sessionId) => inner.deleteAll(sessionId),
    };
    build(stepsModel(5), slow);
    const { id } = await service.create('key', { agentName: 'agi-0', maxSteps: 10, options: {} });
    await service.sendMessage('key', id, { message: 'five steps' });
    await started;
    const deleting = service.delete('key', id);
    // The delete waits for the write in flight, then removes the folder it made.
    setTimeout(() => release?.(), 20);
    expect(await deleting).toBe(true);
    expect(existsSync(join(root, 'replay', id))).toBe(false);
  });

  it('with replay off keeps nothing, lists nothing and says so', async () => {
    build(stepsModel(2), undefined);
    const { id } = await service.create('key', { agentName: 'agi-0', maxSteps: 10, options: {} });
    await service.sendMessage('key', id, { message: 'two steps' });
    await finished('key', id);
    expect(await service.replays.list('key', id)).toEqual([]);
    expect(service.replays.limits).toEqual({ maxSteps: 0, maxBytes: 0 });
    await expect(service.replays.open('key', id, 1)).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('keeps no session replay') });
  });
});
