import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_JSON_DEPTH } from '@steward/protocol';
import { AppError } from '../errors/index.ts';
import { jsonDepth, parseJsonSafe } from '../util/index.ts';
import { errorBody, toAppError } from './error-body.ts';
import { RouteMethods } from './route-methods.ts';
import { ValidationFailed } from './validate.ts';

/** JSON bodies must be UTF-8 (RFC 8259); a lossy decode would store U+FFFD in place of what the client sent. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies: an empty body is no body (SDKs send Content-Type on bodiless POSTs), invalid JSON
 * or invalid UTF-8 is 400 `invalid_json`, nesting deeper than MAX_JSON_DEPTH is 422 (everything
 * behind the parser, down to the store's JSON.stringify, recurses). `text/plain` is read as JSON
 * too: `fetch(url, { body: JSON.stringify(x) })` without a Content-Type sends it. Any other media
 * type is 415.
 */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'buffer' }, (_request, body, done) => {
    let text: string;
    try {
      text = typeof body === 'string' ? body : utf8.decode(body);
    } catch {
      done(new AppError('invalid_json', { detail: 'The request body is not valid UTF-8.' }), undefined);
      return;
    }
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    const parsed = parseJsonSafe(text);
    if (parsed === undefined) done(new AppError('invalid_json'), undefined);
    else if (jsonDepth(text) > MAX_JSON_DEPTH) {
      done(new ValidationFailed([{ loc: ['body'], msg: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`, type: 'value_error' }]), undefined);
    } else done(null, parsed);
  });
}

/**
 * One error handler: every error becomes the body of spec §9.1. Also the not-found handler: a
 * known path asked with another method is 405 with `Allow`, any other path 404.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  const methods = new RouteMethods();
  app.addHook('onRoute', (route) => methods.add(route.method, route.url));
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = methods.allowedFor(path);
    if (allowed.length === 0) return sendError(new AppError('not_found', { detail: `No route for ${request.method} ${path}` }), request, reply);
    void reply.header('Allow', allowed.join(', '));
    return sendError(new AppError('method_not_allowed', { detail: `${request.method} is not allowed on ${path}; it answers ${allowed.join(', ')}.` }), request, reply);
  });
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route or hook runs (a path it
 * cannot decode) gets the same body as everything else.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void sendError(error, request, reply);
}

function sendError(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(error);
  if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
  if (appError.retryAfter !== undefined) void reply.header('Retry-After', String(appError.retryAfter));
  return reply.status(appError.status).send(errorBody(appError));
}

/**
 * HTTP/1.1 requires a Host header (RFC 9112 §3.2). Node's own check answers 400 with an empty
 * body, so buildApp turns it off (`requireHostHeader: false`) and this hook refuses instead.
 */
export function registerHostCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) throw new AppError('bad_request', { detail: 'An HTTP/1.1 request needs a Host header.' });
  });
}

/**
 * While the server closes, a request that still arrives (on a kept-alive connection) gets 503
 * `shutting_down` and `Connection: close`, in the body of spec §9.1; Fastify's own answer for
 * this (return503OnClosing) has another shape, so buildApp turns it off.
 */
export function registerDrain(app: FastifyInstance): void {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!draining) return;
    void reply.header('Connection', 'close');
    throw new AppError('shutting_down', { retryAfter: 5 });
  });
}

/** One debug line per request (method, route, status, time); errors are logged by the error handler. */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.routeOptions.url ?? request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
}
