import type { FastifyInstance } from 'fastify';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AppError, type ErrorCode } from '../errors/index.ts';
import { errorBody } from './error-body.ts';

/** Node's parser errors that are not a plain malformed request (its own defaults pick these statuses too). */
const CODE_BY_PARSER_ERROR: Readonly<Record<string, ErrorCode>> = {
  HPE_HEADER_OVERFLOW: 'headers_too_large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'payload_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
};

/**
 * Fastify's `clientErrorHandler` (Node's `clientError`): a request Node's HTTP parser refused
 * before Fastify saw it (a bad request line, control characters in a header, conflicting
 * lengths, headers over 16 KiB, headers that never finished arriving). It answers in the body of
 * spec §9.1 and closes the connection: after a parse error the rest of the stream cannot be framed.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ err: error }, 'malformed HTTP request');
  // As Node does: never write into a response that has begun (a pipelined request behind it failed).
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const code = CODE_BY_PARSER_ERROR[error.code ?? ''] ?? 'bad_request';
  const detail = code === 'bad_request' ? `The HTTP request is malformed${error.code?.startsWith('HPE_') ? ` (${error.code})` : ''}.` : undefined;
  answerAndClose(socket, new AppError(code, detail === undefined ? { cause: error } : { detail, cause: error }));
}

/**
 * The server's `connect` listener: Steward is no proxy, so CONNECT is 405 (without a listener
 * Node closes the connection without a word).
 */
export function refuseConnect(_request: IncomingMessage, socket: Duplex): void {
  answerAndClose(socket, new AppError('method_not_allowed', { detail: 'CONNECT is not allowed: this server is not a proxy.' }));
}

/** Writes an error response straight to the socket (no request object exists) and closes it. */
function answerAndClose(socket: Duplex, appError: AppError): void {
  const body = JSON.stringify(errorBody(appError));
  const head = [
    `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  // end, then destroy once written (destroy alone may drop the answer), or after a while for a
  // peer that never reads.
  const timer = setTimeout(() => socket.destroy(), 5_000);
  timer.unref();
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => {
    clearTimeout(timer);
    socket.destroy();
  });
}
