import { join } from 'node:path';
import { pino } from 'pino';
import { AGENT_NAMES } from '@steward/protocol';
import { buildApp } from './app.ts';
import type { PlaywrightBrowserPool } from './browser/playwright/index.ts';
import { InMemoryEventBus } from './bus/memory/in-memory-event-bus.ts';
import { ApiKeyService, LiveViewTokens, type SessionEvent } from './sessions/index.ts';
import { SessionService } from './worker/index.ts';
import { PrometheusMetrics } from './metrics/index.ts';
import { liveViewSecret, openStore } from './open-store.ts';
import type { Store } from './store/index.ts';
import { systemClock } from './util/index.ts';
import { closeApp, composeSessionHost, composeUpfront, metricsSources, pingStore, windowCounters, type ComposeOptions, type StewardNode } from './compose-parts.ts';

export { NO_MODEL_HELP, type ComposeOptions, type StewardNode } from './compose-parts.ts';

/**
 * The composition root: the one place that names concrete adapters. `main.ts` calls it for the
 * real process; test builders call it to run the real server in-process. This file composes the
 * embedded server; `compose-cluster.ts` the cluster roles, `compose-parts.ts` what they share.
 */
export interface StewardServer extends StewardNode {
  store: Store;
  keys: ApiKeyService;
  sessions: SessionService;
  browsers: PlaywrightBrowserPool;
}

/** The node STEWARD_ROLE asks for: the embedded server, or a cluster API node or worker. */
export async function composeNode(options: ComposeOptions): Promise<StewardNode> {
  if (options.config.role === 'embedded') return composeServer(options);
  const { composeApiNode, composeWorkerNode } = await import('./compose-cluster.ts');
  return options.config.role === 'api' ? composeApiNode(options) : composeWorkerNode(options);
}

export async function composeServer(options: ComposeOptions): Promise<StewardServer> {
  const { config, env, repoRoot } = options;
  const logger = options.logger ?? pino({ level: config.logLevel });
  const upfront = composeUpfront(config, env, repoRoot);
  // Before anything opens: an unreachable STEWARD_REDIS_URL stops the start with nothing to undo.
  const counters = await windowCounters(config);
  const store = await openStore(config, repoRoot);
  const bus = new InMemoryEventBus<SessionEvent>({ logger });
  const keys = new ApiKeyService(store, systemClock);
  // Known once the server listens (the port may be 0); STEWARD_PUBLIC_URL wins when set.
  let listeningUrl = `http://${config.host}:${config.port}`;
  const { sessions, browsers, webhooks, demoSite } = composeSessionHost({
    config,
    repoRoot,
    logger,
    store,
    bus,
    upfront,
    liveViewTokens: new LiveViewTokens(liveViewSecret(config, repoRoot)),
    baseUrl: () => config.publicUrl?.replace(/\/$/, '') ?? listeningUrl,
  });
  const app = buildApp({
    logger,
    sessions,
    keys,
    sse: { heartbeatMs: config.sseHeartbeatS * 1000, maxBufferBytes: config.sseMaxBufferBytes },
    models: AGENT_NAMES,
    metrics: config.metrics === 'off' ? undefined : new PrometheusMetrics(metricsSources({ sessions, browsers, webhooks })),
    health: async () => {
      const storeCheck = await pingStore(store);
      return { ok: storeCheck === 'ok', store: storeCheck, browser: browsers.stats().browserConnected ? 'up' : 'down' };
    },
    // Built by `npm start` / `npm test` (scripts/build-dashboard.mjs); the server only serves it.
    dashboardDir: join(repoRoot, 'packages', 'dashboard', 'dist'),
    rateLimits: {
      perKeyPerMinute: config.rateLimitPerMinute,
      authFailuresPerMinute: config.authFailuresPerMinute,
      livePerSessionPerMinute: config.liveViewPerMinute,
    },
    counters,
  });

  let closed = false;
  return {
    app,
    store,
    keys,
    sessions,
    browsers,
    logger,
    async listen() {
      await browsers.start();
      await sessions.start();
      listeningUrl = await app.listen({ host: config.host, port: config.port });
      return listeningUrl;
    },
    async close() {
      if (closed) return;
      closed = true;
      await sessions.shutdown();
      await closeApp(app);
      await webhooks.drain(5_000);
      await webhooks.close();
      await browsers.close();
      await demoSite.close();
      await counters.close();
      await store.close();
    },
  };
}
