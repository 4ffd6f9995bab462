export { ERROR_CATALOG, type ErrorCode } from './catalog.ts';
export { AppError, isAppError, type AppErrorOptions } from './app-error.ts';
