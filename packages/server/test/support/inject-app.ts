import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { RateLimitSettings } from '../../src/api/index.ts';
import { createFakeBrowserPool, type FakeBrowserPool } from '../../src/browser/fake/fake-browser-pool.ts';
import { InMemoryEventBus } from '../../src/bus/memory/in-memory-event-bus.ts';
import { InMemoryWindowCounters } from '../../src/counters/memory/in-memory-window-counters.ts';
import { StaticModelRegistry } from '../../src/llm/index.ts';
import { ApiKeyService, LiveViewTokens, type SessionEvent } from '../../src/sessions/index.ts';
import { SessionService } from '../../src/worker/index.ts';
import { InMemoryStore } from '../../src/store/memory/in-memory-store.ts';
import { systemClock, type Clock } from '../../src/util/index.ts';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

export interface InjectApp {
  app: FastifyInstance;
  store: InMemoryStore;
  keys: ApiKeyService;
  sessions: SessionService;
  browsers: FakeBrowserPool;
  tokens: LiveViewTokens;
  /** A key created for the test. */
  key: string;
  close(): Promise<void>;
}

/**
 * The HTTP app over fakes (in-memory store, fake browsers, no model), for `app.inject()` tests of
 * the edge: no Chromium, no sockets, any client address (`remoteAddress`).
 */
export async function buildInjectApp(rateLimits: Partial<RateLimitSettings> = {}, store = new InMemoryStore(), clock: Clock = systemClock): Promise<InjectApp> {
  const browsers = createFakeBrowserPool();
  const tokens = new LiveViewTokens(Buffer.alloc(32, 7));
  const keys = new ApiKeyService(store, clock);
  const sessions = new SessionService({
    store,
    browsers,
    models: new StaticModelRegistry({}),
    bus: new InMemoryEventBus<SessionEvent>(),
    webhooks: { send: () => undefined },
    clock,
    logger: silent,
    limits: { maxSessions: 20, sessionIdleTimeoutMs: 0, sessionMaxLifetimeMs: 0, taskTimeoutMs: 0, modelTimeoutMs: 1_000 },
    modelHelp: 'no model',
    liveView: { tokens, baseUrl: () => 'http://steward.test' },
  });
  const app = buildApp({
    logger: false,
    sessions,
    keys,
    sse: { heartbeatMs: 60_000, maxBufferBytes: 1 << 20 },
    models: ['agi-0'],
    rateLimits: { perKeyPerMinute: 0, authFailuresPerMinute: 0, livePerSessionPerMinute: 0, ...rateLimits },
    counters: new InMemoryWindowCounters(),
  });
  await app.ready();
  const key = (await keys.create('test')).key;
  return {
    app,
    store,
    keys,
    sessions,
    browsers,
    tokens,
    key,
    async close() {
      await sessions.shutdown();
      await app.close();
    },
  };
}
