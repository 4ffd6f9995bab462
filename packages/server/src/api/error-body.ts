import type { FastifyError } from 'fastify';
import type { ErrorResponse } from '@steward/protocol';
import { AppError, ERROR_CATALOG, isAppError, type ErrorCode } from '../errors/index.ts';
import { ValidationFailed } from './validate.ts';

/** The body of spec §9.1, the only error body the server sends. */
export type ErrorBody = ErrorResponse & { error: ErrorCode };

/**
 * The catalog code for an error Fastify raised with only a status: the generic code of that
 * status, so that no status outside the catalog (and no Fastify body) reaches a client.
 */
const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  431: 'headers_too_large',
};

/** Any error, ours or Fastify's, as an AppError; what is not a client's mistake is a 500. */
export function toAppError(error: FastifyError | AppError | Error): AppError {
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
    case 'FST_ERR_BAD_URL':
      // The router decodes the whole path before it picks a route, so no route (and no id) is known.
      return new AppError('bad_request', { detail: 'The request path is not valid percent-encoded UTF-8.', cause: error });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('not_found', { detail: 'No route matches this path.', cause: error });
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = CODE_BY_STATUS[status] ?? 'bad_request';
    return new AppError(code, { detail: code === 'bad_request' ? error.message : ERROR_CATALOG[code].message, cause: error });
  }
  return new AppError('internal_error', { cause: error });
}

/** The body for an error: 5xx never echo internals; 422 carries the FastAPI-shaped list, whichever layer found the problem. */
export function errorBody(appError: AppError): ErrorBody {
  const message = appError.status >= 500 ? ERROR_CATALOG[appError.code].message : appError.message;
  const detail =
    appError instanceof ValidationFailed
      ? appError.issues
      : appError.code === 'validation_error'
        ? [{ loc: ['body'], msg: message, type: 'value_error' }]
        : message;
  return { detail, error: appError.code, message };
}
