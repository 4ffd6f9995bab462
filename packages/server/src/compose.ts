import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { pino, type Logger as PinoLogger } from 'pino';
import { AGENT_NAMES } from '@steward/protocol';
import { buildApp } from './app.ts';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from './browser/playwright/index.ts';
import { withClientScreens } from './browser/client-screen/with-client-screens.ts';
import { InMemoryEventBus } from './bus/memory/in-memory-event-bus.ts';
import { InMemoryWindowCounters } from './counters/memory/in-memory-window-counters.ts';
import { RedisWindowCounters } from './redis/index.ts';
import type { WindowCounters } from './counters/index.ts';
import { ConfigError, type Config } from './config/index.ts';
import { raceSignal } from './util/abort.ts';
import { redactUrl } from './util/redact-url.ts';
import { createLanguageModel, createModelRegistry } from './llm/index.ts';
import { EgressPolicy } from './safety/index.ts';
import { systemResolver } from './browser/egress-proxy/index.ts';
import { ApiKeyService, LiveViewTokens, SessionService, WebhookDispatcher, webhookEgressCheck, WebhookSecrets, type SessionEvent } from './sessions/index.ts';
import { PrometheusMetrics, type MetricsSources } from './metrics/index.ts';
import { liveViewSecret, openStore, resolveDataDir } from './open-store.ts';
import { DiskFileStore } from './files/disk/disk-file-store.ts';
import { DEMO_POLICY_PATH, DEMO_START_PATH, DEMO_TASK, DemoSiteServer } from './demo/index.ts';
import { DiskReplayStore } from './replay/disk/disk-replay-store.ts';
import type { Store } from './store/index.ts';
import { systemClock } from './util/index.ts';

/**
 * The composition root: the one place that names concrete adapters. `main.ts` calls it for the
 * real process; test builders call it to run the real server in-process.
 */
export interface StewardServer {
  app: FastifyInstance;
  store: Store;
  keys: ApiKeyService;
  sessions: SessionService;
  browsers: PlaywrightBrowserPool;
  logger: PinoLogger;
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string>;
  /** Drains and closes everything; no Chromium survives it. */
  close(): Promise<void>;
}

/** How long open HTTP connections may finish on shutdown before they are closed. */
const SHUTDOWN_GRACE_MS = 3_000;

export const NO_MODEL_HELP =
  'No model is configured, so the agent cannot run tasks. Set STEWARD_MODEL (and optionally STEWARD_FAST_MODEL) to a model spec, ' +
  'e.g. openai:gpt-4o-mini (with OPENAI_API_KEY), anthropic:claude-sonnet-4-5 (with ANTHROPIC_API_KEY), google:gemini-2.5-flash ' +
  '(with GOOGLE_GENERATIVE_AI_API_KEY), openai-compatible:llama3.1@http://127.0.0.1:11434/v1, or script:./my-policy.mjs, then restart Steward.';

export interface ComposeOptions {
  config: Config;
  /** Environment for provider keys (OPENAI_API_KEY, …). */
  env: Record<string, string | undefined>;
  repoRoot: string;
  logger?: PinoLogger;
}

export async function composeServer(options: ComposeOptions): Promise<StewardServer> {
  const { config, env, repoRoot } = options;
  const logger = options.logger ?? pino({ level: config.logLevel });
  const models = createModelRegistry({ mainSpec: config.model, fastSpec: config.fastModel, env, cwd: repoRoot, timeoutMs: config.modelTimeoutS * 1000 });
  // Built now, like the task models: a bad spec or a missing key stops the server at start-up.
  const screeningModel = config.screeningModel === undefined ? undefined : createLanguageModel(config.screeningModel, { env, cwd: repoRoot, timeoutMs: config.modelTimeoutS * 1000, toolChoice: 'required' });
  // The bundled demo runs its own scripted policy, never STEWARD_MODEL; its site listens (on a
  // loopback port of its own) only once a demo starts.
  const demoSite = new DemoSiteServer();
  const demo = { model: createLanguageModel(`script:${DEMO_POLICY_PATH}`, { env, timeoutMs: config.modelTimeoutS * 1000 }), task: DEMO_TASK, startPath: DEMO_START_PATH, site: demoSite };
  // Before anything opens: an unreachable STEWARD_REDIS_URL stops the start with nothing to undo.
  const counters = await windowCounters(config);
  // Built first: a bad STEWARD_EGRESS_ALLOW entry stops the server before anything starts.
  const egressPolicy = new EgressPolicy({ allow: EgressPolicy.parseAllowList(config.egressAllow) });
  const egressLog = logger.child({ component: 'egress' });
  const store = await openStore(config, repoRoot);
  const browsers = createPlaywrightBrowserPool({
    executablePath: config.chromiumPath,
    warmContexts: config.warmContexts,
    maxWarmContexts: config.warmContextsMax,
    isolation: config.browserIsolation,
    recycleAfterContexts: config.browserRecycleAfterSessions,
    recycleAboveBytes: config.browserRecycleMb * 1_048_576,
    maxContexts: config.maxSessions + Math.max(config.warmContexts, config.warmContextsMax),
    navigationTimeoutMs: config.navigationTimeoutS * 1000,
    actionTimeoutMs: config.actionTimeoutS * 1000,
    logger: logger.child({ component: 'browser' }),
    egress: {
      policy: egressPolicy,
      networkNamespace: config.browserNetworkNamespace === 'on',
      onBlocked: (event) => egressLog.info({ sessionId: event.sessionId ?? null, host: event.host, port: event.port, reason: event.reason }, 'request refused by the egress policy'),
    },
  });
  const webhooks = new WebhookDispatcher({
    logger: logger.child({ component: 'webhooks' }),
    timeoutMs: config.webhookTimeoutS * 1000,
    retryWindowMs: config.webhookRetryWindowS * 1000,
    // Webhook deliveries pass the same egress policy as the browser, and connect to exactly the
    // address that was checked (a second DNS answer is never consulted).
    beforeSend: webhookEgressCheck(egressPolicy, systemResolver),
    // Standard Webhooks signatures under each key's secret (`steward keys webhook-secret <id>`).
    secrets: new WebhookSecrets(store),
  });
  const bus = new InMemoryEventBus<SessionEvent>({ logger });
  const keys = new ApiKeyService(store, systemClock);
  // Known once the server listens (the port may be 0); STEWARD_PUBLIC_URL wins when set.
  let listeningUrl = `http://${config.host}:${config.port}`;
  const sessions = new SessionService({
    store,
    // Desktop sessions' screens are the clients' own: no context of the pool's.
    browsers: withClientScreens(browsers),
    models,
    bus,
    webhooks,
    clock: systemClock,
    logger: logger.child({ component: 'sessions' }),
    limits: {
      maxSessions: config.maxSessions,
      sessionIdleTimeoutMs: config.sessionIdleTimeoutS * 1000,
      sessionMaxLifetimeMs: config.sessionMaxLifetimeS * 1000,
      taskTimeoutMs: config.taskTimeoutS * 1000,
      modelTimeoutMs: config.modelTimeoutS * 1000,
    },
    screeningModel,
    // A dedicated screening model is configured to screen: it sees every task unless told otherwise.
    screeningScope: config.screeningScope ?? (screeningModel === undefined ? 'uncertain' : 'all'),
    modelHelp: NO_MODEL_HELP,
    prices: modelPrices(config),
    liveView: { tokens: new LiveViewTokens(liveViewSecret(config, repoRoot)), baseUrl: () => config.publicUrl?.replace(/\/$/, '') ?? listeningUrl },
    files: new DiskFileStore({
      root: join(resolveDataDir(config, repoRoot), 'files'),
      maxFileBytes: Math.floor(config.maxFileMb * 1_048_576),
      maxSessionBytes: Math.floor(config.maxSessionFilesMb * 1_048_576),
    }),
    replay: replayStore(config, repoRoot),
    demo,
  });
  const app = buildApp({
    logger,
    sessions,
    keys,
    sse: { heartbeatMs: config.sseHeartbeatS * 1000, maxBufferBytes: config.sseMaxBufferBytes },
    models: AGENT_NAMES,
    metrics: config.metrics === 'off' ? undefined : new PrometheusMetrics(metricsSources(sessions, browsers)),
    health: async () => {
      const storeCheck = await pingWithin(store, HEALTH_STORE_TIMEOUT_MS);
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
      // Requests in flight get a grace period; a connection still open after it (a live-view
      // stream or a client that never finishes its request) must not hold the shutdown forever.
      const closing = app.close();
      const grace = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await closing;
      clearTimeout(grace);
      await webhooks.drain(5_000);
      await webhooks.close();
      await browsers.close();
      await demoSite.close();
      await counters.close();
      await store.close();
    },
  };
}

/**
 * Where the rate limits count: in Redis when STEWARD_REDIS_URL is set (every API node pointing at
 * it shares the limits), else in this process. An unreachable Redis stops the start with why.
 */
async function windowCounters(config: Config): Promise<WindowCounters> {
  if (config.redisUrl === undefined) return new InMemoryWindowCounters();
  const counters = new RedisWindowCounters({ url: config.redisUrl });
  try {
    await counters.ready();
  } catch (error) {
    await counters.close();
    throw new ConfigError(`STEWARD_REDIS_URL (${redactUrl(config.redisUrl)}) could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
  return counters;
}

/** A health check waits this long for the store before it calls it unavailable. */
const HEALTH_STORE_TIMEOUT_MS = 2_000;

async function pingWithin(store: Store, timeoutMs: number): Promise<'ok' | 'unavailable'> {
  return raceSignal(store.ping(), AbortSignal.timeout(timeoutMs)).then(
    (): 'ok' => 'ok',
    (): 'unavailable' => 'unavailable',
  );
}

/** The session service and the browser pool as the numbers the metrics read at each scrape. */
function metricsSources(sessions: SessionService, browsers: PlaywrightBrowserPool): MetricsSources {
  return {
    sessions: () => sessions.liveCounts(),
    capacity: () => {
      const { live, max } = sessions.capacity();
      return { live, max };
    },
    activity: () => sessions.activity(),
    browser: () => {
      const { active, warm, browserConnected } = browsers.stats();
      return { active, warm, connected: browserConnected };
    },
  };
}

/** The sessions' step pictures under `<dataDir>/replay`; none when either cap is 0. */
function replayStore(config: Config, repoRoot: string): DiskReplayStore | undefined {
  if (config.replayMaxSteps === 0 || config.replayMaxBytes === 0) return undefined;
  return new DiskReplayStore({ root: join(resolveDataDir(config, repoRoot), 'replay'), maxSteps: config.replayMaxSteps, maxBytes: config.replayMaxBytes });
}

function parsePrice(text: string | undefined): { input: number; output: number } | undefined {
  if (text === undefined) return undefined;
  const [input, output] = text.split(',').map(Number);
  return { input: input ?? 0, output: output ?? 0 };
}

/** Prices by agent name; the fast agent falls back to the main price when it runs the main model. */
function modelPrices(config: Config): Record<string, { input: number; output: number }> {
  const main = parsePrice(config.modelPrice);
  const fast = parsePrice(config.fastModelPrice) ?? (config.fastModel === undefined ? main : undefined);
  return { ...(main ? { 'agi-0': main } : {}), ...(fast ? { 'agi-0-fast': fast } : {}) };
}
