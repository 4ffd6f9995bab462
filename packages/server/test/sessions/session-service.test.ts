import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeBrowserPool, type FakeBrowserPool } from '../../src/browser/fake/fake-browser-pool.ts';
import { InMemoryEventBus } from '../../src/bus/memory/in-memory-event-bus.ts';
import { StaticModelRegistry, type Decision, type DecideRequest, type LanguageModel } from '../../src/llm/index.ts';
import { LiveViewTokens, type SessionEvent, type SessionOwnership } from '../../src/sessions/index.ts';
import { SessionService } from '../../src/worker/index.ts';
import { InMemoryStore } from '../../src/store/memory/in-memory-store.ts';
import { systemClock } from '../../src/util/index.ts';
import { AppError } from '../../src/errors/index.ts';

/** A model that answers from a queue and records what it was asked. */
class QueueModel implements LanguageModel {
  readonly spec = 'test:queue';
  readonly supportsVision = false;
  readonly requests: DecideRequest[] = [];
  constructor(private readonly answers: Array<Decision | ((request: DecideRequest) => Promise<Decision>)>) {}
  async decide(request: DecideRequest): Promise<Decision> {
    this.requests.push(request);
    const next = this.answers.shift();
    if (!next) return new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)));
    return typeof next === 'function' ? next(request) : next;
  }
}

/** Records the order of writes, to prove a message is stored before the status that depends on it. */
class RecordingStore extends InMemoryStore {
  readonly writes: string[] = [];
  override async appendMessage(...args: Parameters<InMemoryStore['appendMessage']>) {
    const message = await super.appendMessage(...args);
    this.writes.push(`message:${message.type}`);
    return message;
  }
  override async updateSession(...args: Parameters<InMemoryStore['updateSession']>) {
    const updated = await super.updateSession(...args);
    if (args[1].executionStatus) this.writes.push(`status:${args[1].executionStatus}`);
    return updated;
  }
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

let store: RecordingStore;
let browsers: FakeBrowserPool;
let webhooks: Array<{ event: string; extra: Record<string, unknown> }>;
let service: SessionService;
let model: QueueModel;

function build(answers: ConstructorParameters<typeof QueueModel>[0], extra: { ownership?: SessionOwnership } = {}): void {
  model = new QueueModel(answers);
  service = new SessionService({
    store,
    browsers,
    models: new StaticModelRegistry({ 'agi-0': model }),
    bus: new InMemoryEventBus<SessionEvent>(),
    webhooks: { send: (_url, event, _session, extra) => void webhooks.push({ event, extra }) },
    clock: systemClock,
    logger: silent,
    limits: { maxSessions: 5, sessionIdleTimeoutMs: 0, sessionMaxLifetimeMs: 0, taskTimeoutMs: 0, modelTimeoutMs: 1_000 },
    modelHelp: 'configure a model',
    liveView: { tokens: new LiveViewTokens(Buffer.alloc(32, 1)), baseUrl: () => 'http://steward.test' },
    ...extra,
  });
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('condition not reached');
}

beforeEach(() => {
  store = new RecordingStore();
  browsers = createFakeBrowserPool();
  webhooks = [];
});
afterEach(async () => {
  await service.shutdown();
});

describe('SessionService with fakes', () => {
  it('stores each message before the status that depends on it', async () => {
    build([
      { thought: 'Asking', actions: [{ tool: 'ask_user', args: { question: 'Which?' } }] },
      { actions: [{ tool: 'done', args: { result: 'Chosen' } }] },
    ]);
    const session = await service.create('key', { agentName: 'agi-0', maxSteps: 10, options: {}, webhookUrl: 'http://hook.test/' });
    await service.sendMessage('key', session.id, { message: 'pick one' });
    await until(async () => (await service.status('key', session.id)) === 'waiting_for_input');
    await service.sendMessage('key', session.id, { message: 'the first' });
    await until(async () => (await service.status('key', session.id)) === 'finished');
    const order = store.writes.filter((w) => /QUESTION|DONE|waiting_for_input|finished/.test(w));
    expect(order).toEqual(['message:QUESTION', 'status:waiting_for_input', 'message:DONE', 'status:finished']);
    expect(webhooks.map((w) => w.event)).toEqual([
      'session.created',
      'session.status_changed',
      'task.started',
      'task.question',
      'session.status_changed',
      'task.completed',
    ]);
    // The model saw the answer through the tool result of ask_user.
    expect(model.requests[1]!.context.history.at(-1)!.result.message).toBe('The user answered: the first');
  });

  it('cancels a task blocked in the model within the one abort signal', async () => {
    build([]);
    const session = await service.create('key', { agentName: 'agi-0', maxSteps: 10, options: {} });
    await service.sendMessage('key', session.id, { message: 'wait forever' });
    await until(async () => model.requests.length === 1);
    await service.cancel('key', session.id);
    expect(model.requests[0]!.signal.aborted).toBe(true);
    const messages = (await service.messages('key', session.id, { afterId: 0, sanitize: true })).messages;
    expect(messages.at(-1)).toMatchObject({ type: 'ERROR', content: 'Task cancelled', metadata: { code: 'cancelled' } });
    expect(store.writes.slice(-2)).toEqual(['message:ERROR', 'status:error']);
  });

  it('reports capacity: the session cap answers session_limit', async () => {
    build([]);
    for (let i = 0; i < 5; i++) await service.create('key', { agentName: 'agi-0', maxSteps: 10, options: {} });
    await expect(service.create('key', { agentName: 'agi-0', maxSteps: 10, options: {} })).rejects.toMatchObject({ code: 'session_limit', status: 429 });
    expect(browsers.callsOf('navigate')).toEqual([]);
  });

  it('keeps nothing of a session whose lease cannot be claimed: no browser context, no row, no slot', async () => {
    const refused = new AppError('worker_unavailable', { retryAfter: 1, detail: 'Another worker holds this session.' });
    build([], { ownership: { claim: () => Promise.reject(refused), release: async () => undefined } });
    for (let i = 0; i < 6; i++) await expect(service.create('key', { agentName: 'agi-0', maxSteps: 10, options: {} })).rejects.toBe(refused);
    expect(browsers.stats().active).toBe(0);
    expect(service.liveSessionIds()).toEqual([]);
    expect(await store.listSessions('key')).toEqual([]);
  });

  it('hides sessions of other keys', async () => {
    build([]);
    const session = await service.create('key', { agentName: 'agi-0', maxSteps: 10, options: {} });
    await expect(service.get('other', session.id)).rejects.toMatchObject({ code: 'session_not_found', status: 404 });
    expect(await service.delete('other', session.id)).toBe(false);
    expect(await service.list('other')).toEqual([]);
  });
});
