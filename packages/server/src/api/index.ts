export { registerAuth, registerErrorHandler, registerJsonParser, registerRequestLog } from './plugins.ts';
export { registerRoutes } from './register-routes.ts';
export type { ApiDeps } from './api-deps.ts';
