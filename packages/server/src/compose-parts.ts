import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import type { Logger as PinoLogger } from 'pino';
import { createPlaywrightBrowserPool, type PlaywrightBrowserPool } from './browser/playwright/index.ts';
import { withClientScreens } from './browser/client-screen/with-client-screens.ts';
import type { EventBus } from './bus/port.ts';
import { InMemoryWindowCounters } from './counters/memory/in-memory-window-counters.ts';
import type { WindowCounters } from './counters/index.ts';
import { ConfigError, type Config } from './config/index.ts';
import { RedisWindowCounters } from './redis/index.ts';
import { raceSignal } from './util/abort.ts';
import { redactUrl } from './util/redact-url.ts';
import { createLanguageModel, createModelRegistry } from './llm/index.ts';
import { EgressPolicy } from './safety/index.ts';
import { systemResolver } from './browser/egress-proxy/index.ts';
import { LiveViewTokens, WebhookDispatcher, webhookEgressCheck, WebhookSecrets, type SessionEvent, type SessionOwnership } from './sessions/index.ts';
import { SessionService } from './worker/index.ts';
import type { MetricsSources } from './metrics/index.ts';
import { resolveDataDir } from './open-store.ts';
import { DiskFileStore } from './files/disk/disk-file-store.ts';
import { DEMO_POLICY_PATH, DEMO_START_PATH, DEMO_TASK, DemoSiteServer } from './demo/index.ts';
import { DiskReplayStore } from './replay/disk/disk-replay-store.ts';
import type { Store } from './store/index.ts';
import type { ApiKeyService } from './sessions/index.ts';
import { systemClock } from './util/index.ts';

/** Part of the composition root: what the embedded server and the cluster roles build alike. */

/** A running node: the embedded server, a cluster API node or a worker. */
export interface StewardNode {
  app: FastifyInstance;
  logger: PinoLogger;
  /** API keys, on nodes that serve the API (the first key is created through it). */
  keys?: ApiKeyService | undefined;
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string>;
  /** Drains and closes everything; no Chromium survives it. */
  close(): Promise<void>;
}

export interface ComposeOptions {
  config: Config;
  /** Environment for provider keys (OPENAI_API_KEY, …). */
  env: Record<string, string | undefined>;
  repoRoot: string;
  logger?: PinoLogger;
}

/** How long open HTTP connections may finish on shutdown before they are closed. */
const SHUTDOWN_GRACE_MS = 3_000;

/** Closes the HTTP side: requests in flight get a grace period, then open connections are cut. */
export async function closeApp(app: FastifyInstance): Promise<void> {
  // A live-view stream or a client that never finishes its request must not hold the shutdown.
  const closing = app.close();
  const grace = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  await closing;
  clearTimeout(grace);
}

export const NO_MODEL_HELP =
  'No model is configured, so the agent cannot run tasks. Set STEWARD_MODEL (and optionally STEWARD_FAST_MODEL) to a model spec, ' +
  'e.g. openai:gpt-4o-mini (with OPENAI_API_KEY), anthropic:claude-sonnet-4-5 (with ANTHROPIC_API_KEY), google:gemini-2.5-flash ' +
  '(with GOOGLE_GENERATIVE_AI_API_KEY), openai-compatible:llama3.1@http://127.0.0.1:11434/v1, or script:./my-policy.mjs, then restart Steward.';

/**
 * What is checked before anything opens: a bad model spec, a missing provider key or a bad
 * STEWARD_EGRESS_ALLOW entry stops the start with nothing to undo.
 */
export function composeUpfront(config: Config, env: Record<string, string | undefined>, repoRoot: string) {
  const timeoutMs = config.modelTimeoutS * 1000;
  return {
    egressPolicy: new EgressPolicy({ allow: EgressPolicy.parseAllowList(config.egressAllow) }),
    models: createModelRegistry({ mainSpec: config.model, fastSpec: config.fastModel, env, cwd: repoRoot, timeoutMs }),
    screeningModel: config.screeningModel === undefined ? undefined : createLanguageModel(config.screeningModel, { env, cwd: repoRoot, timeoutMs, toolChoice: 'required' }),
    // The bundled demo runs its own scripted policy, never STEWARD_MODEL; its site listens (on a
    // loopback port of its own) only once a demo starts.
    demoModel: createLanguageModel(`script:${DEMO_POLICY_PATH}`, { env, timeoutMs }),
  };
}

export interface SessionHost {
  sessions: SessionService;
  browsers: PlaywrightBrowserPool;
  webhooks: WebhookDispatcher;
  demoSite: DemoSiteServer;
}

export interface SessionHostOptions {
  config: Config;
  repoRoot: string;
  logger: PinoLogger;
  store: Store;
  bus: EventBus<SessionEvent>;
  upfront: ReturnType<typeof composeUpfront>;
  liveViewTokens: LiveViewTokens;
  /** The public base URL of `vnc_url`s: STEWARD_PUBLIC_URL, else where the node listens. */
  baseUrl: () => string;
  /** Cluster workers: the leases of their sessions. */
  ownership?: SessionOwnership | undefined;
}

/** The session service with its browser pool and webhook dispatcher: what runs sessions. */
export function composeSessionHost(options: SessionHostOptions): SessionHost {
  const { config, repoRoot, logger, store, bus, upfront: models } = options;
  const { egressPolicy } = models;
  const egressLog = logger.child({ component: 'egress' });
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
  const demoSite = new DemoSiteServer();
  const sessions = new SessionService({
    store,
    // Desktop sessions' screens are the clients' own: no context of the pool's.
    browsers: withClientScreens(browsers),
    models: models.models,
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
    screeningModel: models.screeningModel,
    // A dedicated screening model is configured to screen: it sees every task unless told otherwise.
    screeningScope: config.screeningScope ?? (models.screeningModel === undefined ? 'uncertain' : 'all'),
    modelHelp: NO_MODEL_HELP,
    prices: modelPrices(config),
    liveView: { tokens: options.liveViewTokens, baseUrl: options.baseUrl },
    files: new DiskFileStore({
      root: join(resolveDataDir(config, repoRoot), 'files'),
      maxFileBytes: Math.floor(config.maxFileMb * 1_048_576),
      maxSessionBytes: Math.floor(config.maxSessionFilesMb * 1_048_576),
    }),
    replay: replayStore(config, repoRoot),
    demo: { model: models.demoModel, task: DEMO_TASK, startPath: DEMO_START_PATH, site: demoSite },
    ownership: options.ownership,
  });
  return { sessions, browsers, webhooks, demoSite };
}

/**
 * Where the rate limits count: in Redis when STEWARD_REDIS_URL is set (every API node pointing at
 * it shares the limits), else in this process. An unreachable Redis stops the start with why.
 */
export async function windowCounters(config: Config): Promise<WindowCounters> {
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

export async function pingStore(store: Store): Promise<'ok' | 'unavailable'> {
  return raceSignal(store.ping(), AbortSignal.timeout(HEALTH_STORE_TIMEOUT_MS)).then(
    (): 'ok' => 'ok',
    (): 'unavailable' => 'unavailable',
  );
}

/**
 * What runs sessions (embedded server, cluster worker) as the numbers the metrics read at each
 * scrape: the session service, the browser pool and the webhook queue.
 */
export function metricsSources({ sessions, browsers, webhooks }: Pick<SessionHost, 'sessions' | 'browsers' | 'webhooks'>): MetricsSources {
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
    webhookDeliveriesPending: () => webhooks.pendingCount(),
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
