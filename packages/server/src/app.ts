import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { refuseConnect, registerAuth, registerDrain, registerErrorHandler, registerHostCheck, registerJsonParser, registerOpsRoutes, registerRateLimits, registerRequestLog, registerRoutes, sendFrameworkError, clientErrorHandler, type ApiDeps } from './api/index.ts';

export interface BuildAppOptions extends ApiDeps {
  logger: FastifyBaseLogger | false;
  /** Largest accepted request body. A 10,000-character message fits many times over. */
  bodyLimitBytes?: number;
}

/**
 * The HTTP application around already-built services. No I/O of its own: tests call it with
 * fakes and `app.inject()`, `main.ts` with the real adapters.
 */
export function buildApp(options: BuildAppOptions): FastifyInstance {
  const app = baseApp(options);
  registerJsonParser(app);
  registerAuth(app, { keys: options.keys, sessions: options.sessions, limits: registerRateLimits(app, options.counters, options.rateLimits) });
  registerRoutes(app, options);
  return app;
}

/** A cluster worker's HTTP: `GET /healthz` and `GET /metrics`, nothing of the public API. */
export function buildOpsApp(options: Pick<BuildAppOptions, 'logger' | 'health' | 'metrics'>): FastifyInstance {
  const app = baseApp(options);
  registerOpsRoutes(app, options);
  return app;
}

/** Fastify with what every node's HTTP has: the error shapes, the drain, the request log. */
function baseApp(options: Pick<BuildAppOptions, 'logger' | 'bodyLimitBytes'>): FastifyInstance {
  const common = {
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    // Clients poll; keep their sockets open between requests.
    keepAliveTimeout: 65_000,
    // Per-request lines at info level would drown the log of a polled API; see registerRequestLog.
    logController: new LogController({ disableRequestLogging: true }),
    // Node's parser bounds the request line to 16 KiB (431 beyond), so no param is over this: every
    // id reaches its route and an unknown one is 404 there, whatever its length.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
    // What Fastify's router and Node's parser refuse gets the body of spec §9.1 too.
    frameworkErrors: sendFrameworkError,
    clientErrorHandler,
    // registerDrain answers requests that arrive while closing, in the shape of the others.
    return503OnClosing: false,
    // registerHostCheck refuses a missing Host in that shape; Node's check answers an empty 400.
    http: { requireHostHeader: false },
  };
  const app: FastifyInstance =
    options.logger === false ? Fastify({ ...common, logger: false }) : (Fastify({ ...common, loggerInstance: options.logger }) as unknown as FastifyInstance);
  registerRequestLog(app);
  app.server.on('connect', refuseConnect);
  registerErrorHandler(app);
  registerDrain(app);
  registerHostCheck(app);
  return app;
}
