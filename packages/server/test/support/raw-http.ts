import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: Buffer;
  /** The server had closed the connection when the answer was read (always known with `untilClose`). */
  closed: boolean;
  /** The response was a stream (SSE, MJPEG) that was cut after its headers. */
  streamed: boolean;
}

export interface RawRequest {
  method: string;
  /** Sent as-is: may hold bytes that no URL parser would let through. */
  target: string | Buffer;
  /** Each pair is one header line, in order; duplicates allowed, values sent byte for byte (latin1 strings or buffers). */
  headers?: Array<[string, string | Buffer]>;
  body?: Buffer | string;
  /** Send no Host header (one is added otherwise, unless `headers` names it). */
  omitHost?: boolean;
}

const STREAMING_TYPES = /^(text\/event-stream|multipart\/x-mixed-replace)/i;

/** Bytes of a request the way `sendRaw` builds them (Content-Length added when a body is given and none is named). */
export function encodeRequest(request: RawRequest): Buffer {
  const lines: Buffer[] = [Buffer.concat([Buffer.from(`${request.method} `, 'latin1'), asBytes(request.target), Buffer.from(' HTTP/1.1\r\n', 'latin1')])];
  const headers = request.headers ?? [];
  const body = request.body === undefined ? undefined : asBytes(request.body);
  const named = new Set(headers.map(([name]) => name.toLowerCase()));
  if (!named.has('host') && request.omitHost !== true) lines.push(Buffer.from('Host: 127.0.0.1\r\n', 'latin1'));
  if (!named.has('connection')) lines.push(Buffer.from('Connection: close\r\n', 'latin1'));
  if (body !== undefined && !named.has('content-length') && !named.has('transfer-encoding')) lines.push(Buffer.from(`Content-Length: ${body.length}\r\n`, 'latin1'));
  for (const [name, value] of headers) lines.push(Buffer.concat([Buffer.from(`${name}: `, 'latin1'), asBytes(value), Buffer.from('\r\n', 'latin1')]));
  lines.push(Buffer.from('\r\n', 'latin1'));
  if (body !== undefined) lines.push(body);
  return Buffer.concat(lines);
}

/**
 * One HTTP/1.1 exchange over a plain socket, for requests `fetch` refuses to send: invalid UTF-8
 * or raw spaces in the target, control characters in headers, malformed request lines. Sends
 * `Connection: close` unless told otherwise and reads until the answer is complete (or, with
 * `untilClose`, until the server closes); a streaming 2xx (SSE, MJPEG) is cut after its headers.
 */
export function sendRaw(port: number, request: RawRequest | Buffer, options: { timeoutMs?: number; untilClose?: boolean } = {}): Promise<RawResponse> {
  const bytes = Buffer.isBuffer(request) ? request : encodeRequest(request);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const isHead = /^HEAD /.test(bytes.subarray(0, 5).toString('latin1'));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    const timer = setTimeout(() => finish(new Error(`no complete answer within ${timeoutMs} ms to ${preview(bytes)}`)), timeoutMs);
    let closed = false;
    const finish = (error?: Error, streamed = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) return reject(error);
      try {
        resolve(parseResponse(Buffer.concat(chunks), streamed, closed));
      } catch (parseError) {
        reject(new Error(`unparsable answer to ${preview(bytes)}: ${(parseError as Error).message}; got ${preview(Buffer.concat(chunks))}`));
      }
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const soFar = Buffer.concat(chunks);
      const end = soFar.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = soFar.subarray(0, end).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
      const type = /\r\ncontent-type:\s*([^\r\n]*)/i.exec(head)?.[1] ?? '';
      if (status >= 200 && status < 300 && STREAMING_TYPES.test(type)) return finish(undefined, true);
      if (options.untilClose) return;
      // A complete answer: no need to wait for a close the server may not do (keep-alive).
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
      const body = soFar.length - end - 4;
      if (isHead || status === 204 || status === 304) finish();
      else if (length !== undefined && body >= Number(length)) finish();
      else if (/\r\ntransfer-encoding:\s*chunked/i.test(head) && soFar.subarray(-5).toString('latin1') === '0\r\n\r\n') finish();
    });
    // The server may close while we are still writing (it answered early): keep what arrived.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (chunks.length > 0 && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) finish();
      else finish(error);
    });
    socket.on('close', () => {
      closed = true;
      finish(chunks.length === 0 ? new Error(`connection closed without an answer to ${preview(bytes)}`) : undefined);
    });
    // write, not end: Node's server drops a request whose client half-closes before the answer.
    socket.write(bytes);
  });
}

function parseResponse(raw: Buffer, streamed: boolean, closed: boolean): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) throw new Error('no end of headers');
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = raw.subarray(end + 4);
  if (!streamed && /chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  else if (!streamed && headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  return { status: Number(match[1]), headers, body, closed, streamed };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function asBytes(value: string | Buffer): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1');
}

function preview(bytes: Buffer): string {
  const text = bytes.subarray(0, 160).toString('latin1');
  return JSON.stringify(bytes.length > 160 ? `${text}…(${bytes.length} bytes)` : text);
}
