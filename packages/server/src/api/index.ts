export { registerDrain, registerErrorHandler, registerHostCheck, registerJsonParser, registerRequestLog, sendFrameworkError } from './plugins.ts';
export { clientErrorHandler, refuseConnect } from './client-error.ts';
export { registerAuth } from './auth-hook.ts';
export { registerRateLimits, type RateLimitSettings } from './rate-limiter.ts';
export { registerOpsRoutes, registerRoutes } from './register-routes.ts';
export type { ApiDeps, HealthReport, RequestMetrics } from './api-deps.ts';
