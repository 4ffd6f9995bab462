import { afterEach, describe, expect, it } from 'vitest';
import { createFakeBrowserPool } from '../../src/browser/fake/fake-browser-pool.ts';
import { InMemoryEventBus } from '../../src/bus/memory/in-memory-event-bus.ts';
import { StaticModelRegistry } from '../../src/llm/index.ts';
import { LiveViewTokens, type SessionEvent } from '../../src/sessions/index.ts';
import { SessionService } from '../../src/worker/index.ts';
import { InMemoryStore } from '../../src/store/memory/in-memory-store.ts';
import { systemClock } from '../../src/util/index.ts';
import { approval, CARD, paymentToken } from '../store/payment-store-contract.ts';
import { session } from '../store/store-contract.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
let service: SessionService | undefined;
afterEach(async () => {
  await service?.shutdown();
});

describe('a restart during a payment', () => {
  it('frees the token the interrupted task held and closes its unanswered approval', async () => {
    const store = new InMemoryStore();
    await store.insertSession(session({ status: 'running', executionStatus: 'waiting_for_input' }));
    await store.insertSession(session({ id: 'session-2', status: 'ready', executionStatus: 'finished' }));
    await store.insertPaymentToken(paymentToken({ status: 'reserved', reservation: { sessionId: 'session-1', amount: 12.5, currency: 'USD', at: new Date() } }), CARD);
    await store.insertPaymentToken(paymentToken({ id: 'ptok_spent', status: 'spent' }), CARD);
    await store.insertApproval(approval());
    await store.insertApproval(approval({ id: 'appr-2', sessionId: 'session-2', decision: 'approved', answer: 'approve' }));

    service = new SessionService({
      store,
      browsers: createFakeBrowserPool(),
      models: new StaticModelRegistry({}),
      bus: new InMemoryEventBus<SessionEvent>(),
      webhooks: { send: () => undefined },
      clock: systemClock,
      logger: silent,
      limits: { maxSessions: 5, sessionIdleTimeoutMs: 0, sessionMaxLifetimeMs: 0, taskTimeoutMs: 0, modelTimeoutMs: 1_000 },
      modelHelp: 'configure a model',
      liveView: { tokens: new LiveViewTokens(Buffer.alloc(32, 1)), baseUrl: () => 'http://steward.test' },
    });
    await service.start();

    expect(await store.getPaymentToken('ptok_one')).toMatchObject({ status: 'active', reservation: null });
    expect((await store.getPaymentToken('ptok_spent'))?.status).toBe('spent');
    expect((await store.listApprovals('session-1')).map((a) => a.decision)).toEqual(['cancelled']);
    expect((await store.listApprovals('session-2')).map((a) => a.decision)).toEqual(['approved']);
    expect((await store.listMessages('session-1', { afterId: 0, includeInternal: false })).map((m) => m.metadata['code'])).toEqual(['interrupted']);
  });
});
