/**
 * The error catalog (code → HTTP status → client-safe message) lives in `@steward/protocol`, so
 * the server, the SDK and the OpenAPI document read one list; `AppError` takes its status from it.
 * `docs/errors.md` lists the same table; a test keeps the two in sync.
 */
export { ERROR_CATALOG, type ErrorCode } from '@steward/protocol';
