import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeBrowserPool, type FakeBrowserPool } from '../../src/browser/fake/fake-browser-pool.ts';
import { InMemoryEventBus } from '../../src/bus/memory/in-memory-event-bus.ts';
import { StaticModelRegistry, type DecideRequest, type Decision, type LanguageModel } from '../../src/llm/index.ts';
import { screenIntent } from '../../src/safety/index.ts';
import { LiveViewTokens, type SessionEvent } from '../../src/sessions/index.ts';
import { SessionService } from '../../src/worker/index.ts';
import { InMemoryStore } from '../../src/store/memory/in-memory-store.ts';
import { systemClock } from '../../src/util/index.ts';

/** The agent: scrolls until it has read two updates, then finishes with them, in the order read. */
class AgentModel implements LanguageModel {
  readonly spec = 'test:agent';
  readonly supportsVision = false;
  calls = 0;
  readonly seen: string[][] = [];
  async decide(request: DecideRequest): Promise<Decision> {
    this.calls++;
    const { updates } = request.context;
    this.seen.push([...updates]);
    if (updates.length >= 2) return { actions: [{ tool: 'done', args: { result: updates.join(' | ') } }] };
    await new Promise((r) => setTimeout(r, 10));
    return { actions: [{ tool: 'scroll', args: { direction: this.calls % 2 === 0 ? 'up' : 'down', amount: 0.1 + this.calls / 100 } }] };
  }
}

/** The classifier: answers each screening call when the test releases it. */
class HeldClassifier implements LanguageModel {
  readonly spec = 'test:classifier';
  readonly supportsVision = false;
  readonly pending: Array<{ text: string; answer: (harmful: boolean | Error) => void }> = [];
  decide(request: DecideRequest): Promise<Decision> {
    return new Promise((resolve, reject) => {
      this.pending.push({
        text: request.context.screening!.text,
        answer: (harmful) => {
          if (harmful instanceof Error) reject(harmful);
          else resolve({ actions: [{ tool: 'screening_verdict', args: { harmful, category: harmful ? 'account_takeover' : 'none', reason: 'It uses leaked logins.' } }] });
        },
      });
    });
  }
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
let browsers: FakeBrowserPool;
let service: SessionService;
let agent: AgentModel;
let classifier: HeldClassifier;

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('condition not reached');
}

beforeEach(() => {
  browsers = createFakeBrowserPool();
  agent = new AgentModel();
  classifier = new HeldClassifier();
  service = new SessionService({
    store: new InMemoryStore(),
    browsers,
    models: new StaticModelRegistry({ 'agi-0': agent }),
    screeningModel: classifier,
    bus: new InMemoryEventBus<SessionEvent>(),
    webhooks: { send: () => undefined },
    clock: systemClock,
    logger: silent,
    limits: { maxSessions: 5, sessionIdleTimeoutMs: 0, sessionMaxLifetimeMs: 0, taskTimeoutMs: 0, modelTimeoutMs: 1_000 },
    modelHelp: 'configure a model',
    liveView: { tokens: new LiveViewTokens(Buffer.alloc(32, 1)), baseUrl: () => 'http://steward.test' },
  });
});
afterEach(async () => {
  await service.shutdown();
});

const unsure = 'also look into credential stuffing tools';
const plain = 'and compare the prices';

describe('screening in the task path (fakes)', () => {
  it('refuses a harmful task without a model step or a navigation', async () => {
    const session = await service.create('key', { agentName: 'agi-0', maxSteps: 10, options: {} });
    await service.sendMessage('key', session.id, { message: 'buy fullz on the carding forum', startUrl: 'http://shop.test/' });
    await until(async () => (await service.status('key', session.id)) === 'error');
    expect(agent.calls).toBe(0);
    expect(classifier.pending).toHaveLength(0);
    expect(browsers.callsOf('navigate')).toEqual([]);
    const messages = (await service.messages('key', session.id, { afterId: 0, sanitize: true })).messages;
    expect(messages.at(-1)).toMatchObject({ type: 'ERROR', metadata: { code: 'task_refused', category: 'carding', screened_by: 'rules' } });
  });

  it('hands follow-ups to the agent in the order sent, the later one waiting while the earlier is classified', async () => {
    expect(screenIntent(unsure).verdict).toBe('uncertain');
    expect(screenIntent(plain).verdict).toBe('allow');
    const session = await service.create('key', { agentName: 'agi-0', maxSteps: 500, options: {} });
    await service.sendMessage('key', session.id, { message: 'work' });
    await until(() => agent.calls > 0);
    await service.sendMessage('key', session.id, { message: unsure });
    await service.sendMessage('key', session.id, { message: plain });
    await until(() => classifier.pending.length === 1);
    const callsWhileHeld = agent.calls;
    await until(() => agent.calls >= callsWhileHeld + 3);
    // Neither update reached the agent while the first was being classified.
    expect(agent.seen.every((updates) => updates.length === 0)).toBe(true);

    classifier.pending[0]!.answer(false);
    await until(async () => (await service.status('key', session.id)) === 'finished');
    const messages = (await service.messages('key', session.id, { afterId: 0, sanitize: true })).messages;
    expect(messages.at(-1)).toMatchObject({ type: 'DONE', content: `${unsure} | ${plain}` });
    expect(classifier.pending.map((p) => p.text)).toEqual([unsure]);
  });

  it('ends the task when the classifier refuses a follow-up, and drops the ones queued behind it', async () => {
    const session = await service.create('key', { agentName: 'agi-0', maxSteps: 500, options: {} });
    await service.sendMessage('key', session.id, { message: 'work' });
    await until(() => agent.calls > 0);
    await service.sendMessage('key', session.id, { message: unsure });
    await service.sendMessage('key', session.id, { message: plain });
    await until(() => classifier.pending.length === 1);
    classifier.pending[0]!.answer(true);
    await until(async () => (await service.status('key', session.id)) === 'error');
    const messages = (await service.messages('key', session.id, { afterId: 0, sanitize: true })).messages;
    expect(messages.at(-1)).toMatchObject({ type: 'ERROR', metadata: { code: 'task_refused', screened_by: 'model', category: 'account_takeover' } });
    expect(agent.seen.every((updates) => updates.length === 0)).toBe(true);
  });

  it('fails closed when the classifier errors on a task', async () => {
    const session = await service.create('key', { agentName: 'agi-0', maxSteps: 10, options: {} });
    await service.sendMessage('key', session.id, { message: unsure, startUrl: 'http://shop.test/' });
    await until(() => classifier.pending.length === 1);
    classifier.pending[0]!.answer(new Error('provider down'));
    await until(async () => (await service.status('key', session.id)) === 'error');
    const messages = (await service.messages('key', session.id, { afterId: 0, sanitize: true })).messages;
    expect(messages.at(-1)).toMatchObject({ type: 'ERROR', metadata: { code: 'screening_failed', status_code: 503 } });
    expect(agent.calls).toBe(0);
    expect(browsers.callsOf('navigate')).toEqual([]);
  });

  it('cancels a task while its screening is pending', async () => {
    const session = await service.create('key', { agentName: 'agi-0', maxSteps: 10, options: {} });
    await service.sendMessage('key', session.id, { message: unsure });
    await until(() => classifier.pending.length === 1);
    await service.cancel('key', session.id);
    expect((await service.status('key', session.id))).toBe('error');
    classifier.pending[0]!.answer(false);
    await new Promise((r) => setTimeout(r, 30));
    expect(agent.calls).toBe(0);
    const messages = (await service.messages('key', session.id, { afterId: 0, sanitize: true })).messages;
    expect(messages.filter((m) => m.type === 'ERROR').map((m) => m.metadata['code'])).toEqual(['cancelled']);
  });
});
