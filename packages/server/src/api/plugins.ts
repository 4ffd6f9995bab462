import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, ERROR_CATALOG, isAppError } from '../errors/index.ts';
import type { ApiKeyService } from '../sessions/index.ts';
import { parseJsonSafe } from '../util/index.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { ValidationFailed } from './validate.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Id of the API key that authenticated the request (set by the auth hook). */
    apiKeyId: string;
  }
}

/** Requests that need no key: the live page of the OpenAPI document and the health probe. */
const PUBLIC_ROUTES = new Set(['/healthz', '/v1/openapi.json']);

/**
 * Authorization: Bearer <key> on every route but the public ones. 401 missing/unknown, 403 revoked,
 * 429 over the key's rate limit.
 */
export function registerAuth(app: FastifyInstance, keys: ApiKeyService, limiter: RateLimiter): void {
  app.decorateRequest('apiKeyId', '');
  app.addHook('onRequest', async (request) => {
    if (PUBLIC_ROUTES.has(request.routeOptions.url ?? '')) return;
    const header = request.headers.authorization;
    // Live-view routes may be opened with the capability token of `vnc_url` instead of a key;
    // the route checks the token against the session.
    const config = request.routeOptions.config as { liveToken?: boolean } | undefined;
    if (config?.liveToken && header === undefined && typeof (request.query as Record<string, unknown>)['token'] === 'string') return;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    const record = await keys.authenticate(match?.[1]);
    const wait = limiter.take(record.id);
    if (wait > 0) throw new AppError('rate_limited', { retryAfter: wait, detail: `Too many requests for this API key; retry in ${wait} s.` });
    request.apiKeyId = record.id;
  });
}

/**
 * JSON bodies: an empty body is no body (SDKs send Content-Type on bodiless POSTs), invalid JSON
 * is 400 `invalid_json`. `text/plain` is read as JSON too: `fetch(url, { body: JSON.stringify(x) })`
 * without a Content-Type sends it. Any other media type is 415.
 */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    const parsed = parseJsonSafe(text);
    if (parsed === undefined) done(new AppError('invalid_json'), undefined);
    else done(null, parsed);
  });
}

/** One error handler: every error becomes the body of spec §9.1; 5xx never echo internals. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    if (appError.retryAfter !== undefined) void reply.header('Retry-After', String(appError.retryAfter));
    const message = appError.status >= 500 ? ERROR_CATALOG[appError.code].message : appError.message;
    // 422 always carries the FastAPI-shaped list, whichever layer found the problem.
    const detail =
      appError instanceof ValidationFailed
        ? appError.issues
        : appError.code === 'validation_error'
          ? [{ loc: ['body'], msg: message, type: 'value_error' }]
          : message;
    return reply.status(appError.status).send({ detail, error: appError.code, message });
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.status(404).send({ detail: `No route for ${request.method} ${request.url.split('?')[0]}`, error: 'not_found', message: 'Not found.' });
  });
}

function toAppError(error: FastifyError | AppError | Error): AppError {
  if (isAppError(error)) return error;
  const fastifyError = error as FastifyError;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', { cause: error });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', { cause: error });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('invalid_json', { cause: error });
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new AppError('bad_request', { detail: error.message, cause: error });
  }
  return new AppError('internal_error', { cause: error });
}

/** One debug line per request (method, route, status, time); errors are logged by the error handler. */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.routeOptions.url ?? request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
}
