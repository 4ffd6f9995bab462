import { pino, type Logger as PinoLogger } from 'pino';
import { join } from 'node:path';
import { AGENT_NAMES } from '@steward/protocol';
import { buildApp, buildOpsApp } from './app.ts';
import { ClusterSessions } from './cluster/cluster-sessions.ts';
import { WorkerCommands } from './worker/worker-commands.ts';
import { WorkerMembership } from './worker/worker-membership.ts';
import { appErrorCodec, liveFrameCodec, sessionEventCodec, type LiveFrameEvent } from './cluster/wire-codecs.ts';
import { ConfigError, type Config } from './config/index.ts';
import { PrometheusMetrics } from './metrics/index.ts';
import { clusterLiveViewSecret, openStore } from './open-store.ts';
import { RedisCommandBus, RedisEventBus } from './redis/index.ts';
import { ApiKeyService, LiveViewTokens, type SessionEvent } from './sessions/index.ts';
import type { Store } from './store/index.ts';
import { newId, systemClock } from './util/index.ts';
import { closeApp, composeSessionHost, type ComposeOptions, type StewardNode, composeUpfront, metricsSources, pingStore, windowCounters } from './compose-parts.ts';

/**
 * The composition root of cluster mode (docs/cluster.md): an API node serves the HTTP API from
 * PostgreSQL and Redis and runs no browser; a worker runs sessions and serves /healthz and
 * /metrics. Both name the same Redis channels, so any API node reaches any worker.
 */

/** The buses every cluster node opens on STEWARD_REDIS_URL. */
function clusterBuses(redisUrl: string, logger: PinoLogger) {
  return {
    events: new RedisEventBus<SessionEvent>({ url: redisUrl, codec: sessionEventCodec, logger: logger.child({ component: 'events' }) }),
    liveFrames: new RedisEventBus<LiveFrameEvent>({ url: redisUrl, codec: liveFrameCodec, channelPrefix: 'steward:live:', logger: logger.child({ component: 'live' }) }),
    commands: new RedisCommandBus({ url: redisUrl, errorCodec: appErrorCodec, logger: logger.child({ component: 'commands' }) }),
  };
}

function requireCluster(config: Config): { redisUrl: string } {
  const missing = [config.databaseUrl === undefined ? 'STEWARD_DATABASE_URL (postgres://…)' : undefined, config.redisUrl === undefined ? 'STEWARD_REDIS_URL (redis://…)' : undefined, config.secretKey === undefined ? 'STEWARD_SECRET_KEY (the same on every node)' : undefined].filter(
    (name): name is string => name !== undefined,
  );
  if (missing.length > 0) throw new ConfigError(`STEWARD_ROLE=${config.role} needs ${missing.join(', ')}: see docs/cluster.md.`);
  return { redisUrl: config.redisUrl! };
}

const publicBase = (config: Config, listeningUrl: () => string) => () => config.publicUrl?.replace(/\/$/, '') ?? listeningUrl();

export async function composeApiNode(options: ComposeOptions): Promise<StewardNode & { store: Store; keys: ApiKeyService }> {
  const { config, repoRoot } = options;
  const { redisUrl } = requireCluster(config);
  const logger = options.logger ?? pino({ level: config.logLevel });
  const liveTokens = new LiveViewTokens(clusterLiveViewSecret(config));
  const counters = await windowCounters(config);
  const store = await openStore(config, repoRoot);
  const buses = clusterBuses(redisUrl, logger);
  const keys = new ApiKeyService(store, systemClock);
  let listeningUrl = `http://${config.host}:${config.port}`;
  const leaseTtlMs = config.leaseTtlS * 1000;
  /** Workers heard from within the lease time, as placement sees them. */
  const liveWorkers = () => store.liveWorkers(new Date(Date.now() - leaseTtlMs));
  const sessions = new ClusterSessions({
    store,
    commands: buses.commands,
    events: buses.events,
    liveFrames: buses.liveFrames,
    liveTokens,
    baseUrl: publicBase(config, () => listeningUrl),
    clock: systemClock,
    logger: logger.child({ component: 'cluster' }),
    leaseTtlMs,
    hasModel: config.model !== undefined,
    limits: {
      navigationTimeoutMs: config.navigationTimeoutS * 1000,
      modelTimeoutMs: config.modelTimeoutS * 1000,
      maxFileBytes: Math.floor(config.maxFileMb * 1_048_576),
      replay: config.replayMaxSteps === 0 || config.replayMaxBytes === 0 ? { maxSteps: 0, maxBytes: 0 } : { maxSteps: config.replayMaxSteps, maxBytes: config.replayMaxBytes },
    },
  });
  const app = buildApp({
    logger,
    sessions,
    keys,
    sse: { heartbeatMs: config.sseHeartbeatS * 1000, maxBufferBytes: config.sseMaxBufferBytes },
    models: AGENT_NAMES,
    metrics:
      config.metrics === 'off'
        ? undefined
        : new PrometheusMetrics({
            // Cluster-wide, from the shared store: every API node reports the same sessions and workers.
            sessions: async () => countLive(await store.listLiveSessions()),
            capacity: async () => {
              const workers = await liveWorkers();
              return { max: workers.reduce((sum, w) => sum + w.capacity, 0), live: workers.reduce((sum, w) => sum + w.load, 0) };
            },
            workers: liveWorkers,
            // This node's own queue towards the workers.
            commandsInFlight: () => sessions.commandsInFlight(),
            // No activity, browser or webhook sources: steps, browsers and webhook deliveries are
            // the workers' own, and their /metrics report them; a 0 here would read as "down".
          }),
    health: async () => {
      const storeCheck = await pingStore(store);
      return { ok: storeCheck === 'ok', store: storeCheck, browser: 'none' };
    },
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
    logger,
    keys,
    store,
    async listen() {
      listeningUrl = await app.listen({ host: config.host, port: config.port });
      logger.info({ role: 'api' }, 'cluster API node listening');
      return listeningUrl;
    },
    async close() {
      if (closed) return;
      closed = true;
      await closeApp(app);
      await buses.commands.close();
      await Promise.all([buses.events.close(), buses.liveFrames.close()]);
      await counters.close();
      await store.close();
    },
  };
}

export async function composeWorkerNode(options: ComposeOptions): Promise<StewardNode & { workerId: string; store: Store }> {
  const { config, env, repoRoot } = options;
  const { redisUrl } = requireCluster(config);
  const logger = options.logger ?? pino({ level: config.logLevel });
  const upfront = composeUpfront(config, env, repoRoot);
  const liveTokens = new LiveViewTokens(clusterLiveViewSecret(config));
  const store = await openStore(config, repoRoot);
  const buses = clusterBuses(redisUrl, logger);
  const workerId = newId();
  const workerLog = logger.child({ workerId });
  let listeningUrl = `http://${config.host}:${config.port}`;
  if (config.publicUrl === undefined) workerLog.warn('STEWARD_PUBLIC_URL is not set: the vnc_url of this worker\'s webhooks names the worker, not the API');
  const membership = new WorkerMembership({ store, workerId, capacity: config.maxSessions, leaseTtlMs: config.leaseTtlS * 1000, clock: systemClock, logger: workerLog.child({ component: 'membership' }), meta: { pid: process.pid } });
  const host = composeSessionHost({ config, repoRoot, logger: workerLog, store, bus: buses.events, upfront, liveViewTokens: liveTokens, baseUrl: publicBase(config, () => listeningUrl), ownership: membership });
  const { sessions, browsers, webhooks, demoSite } = host;
  const commands = new WorkerCommands(sessions, store, buses.liveFrames, workerLog.child({ component: 'commands' }));
  const app = buildOpsApp({
    logger: workerLog,
    metrics: config.metrics === 'off' ? undefined : new PrometheusMetrics(metricsSources(host)),
    health: async () => {
      const storeCheck = await pingStore(store);
      return { ok: storeCheck === 'ok', store: storeCheck, browser: browsers.stats().browserConnected ? 'up' : 'down' };
    },
  });
  let closed = false;
  return {
    app,
    logger: workerLog,
    workerId,
    store,
    async listen() {
      await browsers.start();
      await sessions.start({ recover: 'none' });
      await commands.serve(buses.commands, workerId);
      // Heartbeats last: placement sends sessions here only once commands can reach it.
      await membership.start(sessions);
      listeningUrl = await app.listen({ host: config.host, port: config.port });
      workerLog.info({ role: 'worker', capacity: config.maxSessions }, 'cluster worker joined');
      return listeningUrl;
    },
    async close() {
      if (closed) return;
      closed = true;
      await commands.close();
      // Tasks end as interrupted and the sessions stay; then their leases end at once, so another
      // worker adopts them at its next round instead of after the lease time.
      await sessions.shutdown();
      await membership.stop();
      await closeApp(app);
      await webhooks.drain(5_000);
      await webhooks.close();
      await browsers.close();
      await demoSite.close();
      await buses.commands.close();
      await Promise.all([buses.events.close(), buses.liveFrames.close()]);
      await store.close();
    },
  };
}

function countLive(records: readonly { status: string; executionStatus: string }[]) {
  const byStatus: Record<string, number> = {};
  const byExecutionStatus: Record<string, number> = {};
  for (const record of records) {
    byStatus[record.status] = (byStatus[record.status] ?? 0) + 1;
    byExecutionStatus[record.executionStatus] = (byExecutionStatus[record.executionStatus] ?? 0) + 1;
  }
  return { byStatus, byExecutionStatus };
}
