import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { registerAuth, registerErrorHandler, registerJsonParser, registerRateLimits, registerRequestLog, registerRoutes, type ApiDeps } from './api/index.ts';

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
  const common = {
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    // Clients poll; keep their sockets open between requests.
    keepAliveTimeout: 65_000,
    // Per-request lines at info level would drown the log of a polled API; see registerRequestLog.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
  };
  const app: FastifyInstance =
    options.logger === false ? Fastify({ ...common, logger: false }) : (Fastify({ ...common, loggerInstance: options.logger }) as unknown as FastifyInstance);
  registerRequestLog(app);
  registerErrorHandler(app);
  registerJsonParser(app);
  registerAuth(app, { keys: options.keys, sessions: options.sessions, limits: registerRateLimits(app, options.counters, options.rateLimits) });
  registerRoutes(app, options);
  return app;
}
