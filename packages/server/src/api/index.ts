export { registerErrorHandler, registerJsonParser, registerRequestLog } from './plugins.ts';
export { registerAuth } from './auth-hook.ts';
export { registerRateLimits, type RateLimitSettings } from './rate-limiter.ts';
export { registerRoutes } from './register-routes.ts';
export type { ApiDeps } from './api-deps.ts';
