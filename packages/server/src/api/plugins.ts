import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, ERROR_CATALOG, isAppError } from '../errors/index.ts';
import { parseJsonSafe } from '../util/index.ts';
import { ValidationFailed } from './validate.ts';

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
