import { connect, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientErrorHandler } from '../../src/api/client-error.ts';
import { ERROR_CATALOG } from '../../src/errors/index.ts';
import { sendRaw, type RawResponse } from '../support/raw-http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

// Every answer below the routes (Fastify's router, Node's HTTP parser, the drain on close) and
// every strict query integer, in the body of spec §9.1 (issue 8, finding 5).

let t: TestServer;
let port: number;
let sessionId: string;
let auth: [string, string];
beforeAll(async () => {
  t = await startTestServer({ warmContexts: 0 });
  port = Number(new URL(t.url).port);
  auth = ['Authorization', `Bearer ${t.key}`];
  sessionId = (await t.request('POST', '/v1/sessions', { body: {} })).body.session_id;
});
afterAll(async () => {
  await t?.close();
});

/** The body of spec §9.1 with a catalog code whose status is the response's. */
function expectCatalogBody(res: RawResponse, code: keyof typeof ERROR_CATALOG): Record<string, unknown> {
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
  expect(body).toEqual({ detail: expect.anything(), error: code, message: expect.any(String) });
  expect(res.status).toBe(ERROR_CATALOG[code].status);
  return body;
}

describe("what Fastify's router refuses", () => {
  it('answers a path that is not percent-encoded UTF-8 with 400 bad_request, with or without a key', async () => {
    for (const target of ['/v1/sessions/%ff%fe/status', '/v1/%zz', `/v1/sessions/${sessionId}/files/%c3%28`, '/%']) {
      for (const headers of [[auth], []] as Array<Array<[string, string]>>) {
        const res = await sendRaw(port, { method: 'GET', target, headers });
        expectCatalogBody(res, 'bad_request');
      }
    }
  });

  it('answers an id of any length as an unknown one: 404 session_not_found, a file name 404 not_found', async () => {
    for (const length of [101, 1000, 8000]) {
      const id = 'a'.repeat(length);
      expectCatalogBody(await sendRaw(port, { method: 'GET', target: `/v1/sessions/${id}/status`, headers: [auth] }), 'session_not_found');
      expectCatalogBody(await sendRaw(port, { method: 'DELETE', target: `/v1/sessions/${id}/files/x`, headers: [auth] }), 'session_not_found');
      expectCatalogBody(await sendRaw(port, { method: 'GET', target: `/v1/sessions/${sessionId}/files/${'f'.repeat(length)}`, headers: [auth] }), 'not_found');
    }
  });

  it('answers a known path asked with another method with 405 method_not_allowed and Allow', async () => {
    const cases: Array<[string, string, string]> = [
      ['PUT', `/v1/sessions/${sessionId}/status`, 'GET, HEAD'],
      ['OPTIONS', '/v1/sessions', 'DELETE, GET, HEAD, POST'],
      ['PATCH', `/v1/sessions/${sessionId}/`, 'DELETE, GET, HEAD'],
      ['GET', `/v1/sessions/${sessionId}/pause`, 'POST'],
    ];
    for (const [method, target, allow] of cases) {
      const res = await sendRaw(port, { method, target, headers: [auth] });
      expectCatalogBody(res, 'method_not_allowed');
      expect(res.headers['allow']).toBe(allow);
    }
    const head = await sendRaw(port, { method: 'HEAD', target: `/v1/sessions/${sessionId}/cancel`, headers: [auth] });
    expect(head.status).toBe(405);
    expect(head.headers['allow']).toBe('POST');
  });

  it('keeps 404 not_found for unknown paths, and 401 before either without a key', async () => {
    expectCatalogBody(await sendRaw(port, { method: 'GET', target: '/v1/nothing/here', headers: [auth] }), 'not_found');
    expectCatalogBody(await sendRaw(port, { method: 'PUT', target: '/v1/sessions', headers: [] }), 'unauthorized');
  });
});

describe("what Node's HTTP parser refuses", () => {
  const malformed: Array<[string, Buffer]> = [
    ['a request line that is no request line', Buffer.from('GARBAGE\r\n\r\n')],
    ['an invalid method token', Buffer.from('G@T /v1/sessions HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['a raw 0xff in the target', Buffer.concat([Buffer.from('GET /v1/'), Buffer.from([0xff, 0xfe]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')])],
    ['a control character in a header value', Buffer.from('GET /v1/sessions HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n')],
    ['a space in a header name', Buffer.from('GET /v1/sessions HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n')],
    ['two different Content-Lengths', Buffer.from('POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}')],
    ['Content-Length with Transfer-Encoding', Buffer.from('POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')],
    ['a bad chunk size', Buffer.from('POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n')],
    ['an unknown HTTP version', Buffer.from('GET /v1/sessions HTTP/9.9\r\nHost: x\r\n\r\n')],
  ];
  for (const [name, bytes] of malformed) {
    it(`answers ${name} with 400 bad_request and closes the connection`, async () => {
      const res = await sendRaw(port, bytes, { untilClose: true });
      expectCatalogBody(res, 'bad_request');
      expect(res.headers['connection']).toBe('close');
      expect(res.closed).toBe(true);
    });
  }

  it('answers headers or a request line over 16 KiB with 431 headers_too_large', async () => {
    expectCatalogBody(await sendRaw(port, { method: 'GET', target: '/v1/sessions', headers: [auth, ['X-Big', 'b'.repeat(20_000)]] }), 'headers_too_large');
    expectCatalogBody(await sendRaw(port, { method: 'GET', target: `/v1/sessions/${'a'.repeat(20_000)}`, headers: [auth] }), 'headers_too_large');
    const many = Array.from({ length: 5 }, (_, i): [string, string] => [`X-H${i}`, 'v'.repeat(4000)]);
    expectCatalogBody(await sendRaw(port, { method: 'GET', target: '/v1/sessions', headers: [auth, ...many] }), 'headers_too_large');
  });

  it('answers headers that never finish (Node: ERR_HTTP_REQUEST_TIMEOUT) with 408 request_timeout', async () => {
    // Node waits 60 s (headersTimeout) before raising it; the handler is given the same error directly.
    const { server: socket, client, close } = await socketPair();
    const answer = new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      client.on('data', (c: Buffer) => chunks.push(c));
      client.on('close', () => resolve(Buffer.concat(chunks)));
    });
    const log = { debug: () => undefined };
    clientErrorHandler.call({ log } as never, Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
    const text = (await answer).toString('utf8');
    close();
    expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({ detail: expect.any(String), error: 'request_timeout', message: expect.any(String) });
  });

  it('answers CONNECT (Node closed the connection without a word) with 405 method_not_allowed', async () => {
    const res = await sendRaw(port, Buffer.from(`CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\nAuthorization: Bearer ${t.key}\r\n\r\n`), { untilClose: true });
    expectCatalogBody(res, 'method_not_allowed');
    expect(res.headers['connection']).toBe('close');
    expect(res.closed).toBe(true);
  });

  it('answers an HTTP/1.1 request without Host (Node: an empty 400) with 400 bad_request; HTTP/1.0 needs none', async () => {
    const res = await sendRaw(port, Buffer.from(`GET /v1/models HTTP/1.1\r\nAuthorization: Bearer ${t.key}\r\nConnection: close\r\n\r\n`));
    expectCatalogBody(res, 'bad_request');
    const old = await sendRaw(port, Buffer.from(`GET /v1/models HTTP/1.0\r\nAuthorization: Bearer ${t.key}\r\n\r\n`));
    expect(old.status).toBe(200);
  });

  it('still answers on other connections afterwards', async () => {
    expect((await t.request('GET', '/healthz')).status).toBe(200);
  });
});

describe('request bodies', () => {
  const messageCount = async (): Promise<number> => (await t.server.store.listMessages(sessionId, { afterId: 0, includeInternal: true })).length;
  const post = (body: Buffer | string): Promise<RawResponse> =>
    sendRaw(port, { method: 'POST', target: `/v1/sessions/${sessionId}/message`, headers: [auth, ['Content-Type', 'application/json']], body });

  it('refuses a body that is not valid UTF-8 with 400 invalid_json and stores nothing', async () => {
    const before = await messageCount();
    for (const bad of [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf0, 0x28, 0x8c, 0x28]]) {
      const body = Buffer.concat([Buffer.from('{"message":"hi '), Buffer.from(bad), Buffer.from('"}')]);
      expectCatalogBody(await post(body), 'invalid_json');
    }
    expect(await messageCount()).toBe(before);
  });

  it('refuses JSON nested deeper than 64 levels with 422 (it made JSON.stringify in the store throw: 500) and stores nothing', async () => {
    const before = await messageCount();
    for (const depth of [65, 5_000, 200_000]) {
      const res = await post(`{"message":"hi","config_updates":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`);
      const body = expectCatalogBody(res, 'validation_error');
      expect(body['detail']).toEqual([{ loc: ['body'], msg: 'JSON nested deeper than 64 levels', type: 'value_error' }]);
    }
    expect(await messageCount()).toBe(before);
  });
});

describe('query and header integers', () => {
  const BAD = ['0x10', '', '1e3', '-1', '1.5', '+3', ' 5', '5 ', '١٢', '99999999999999999999', 'Infinity', 'abc'];

  it('accepts only decimal digits for after_id on /messages and /events: 422 otherwise', async () => {
    for (const route of ['messages', 'events']) {
      for (const value of BAD) {
        const res = await sendRaw(port, { method: 'GET', target: `/v1/sessions/${sessionId}/${route}?after_id=${encodeURIComponent(value)}`, headers: [auth] });
        const body = expectCatalogBody(res, 'validation_error');
        expect(body['detail'], `${route} after_id=${JSON.stringify(value)}`).toEqual([expect.objectContaining({ loc: ['query', 'after_id'] })]);
      }
    }
    for (const value of ['0', '3', '007']) {
      expect((await t.request('GET', `/v1/sessions/${sessionId}/messages?after_id=${value}`)).status).toBe(200);
    }
  });

  it('accepts only decimal digits in Last-Event-ID: 422 otherwise', async () => {
    for (const value of BAD.filter((v) => v.trim() === v && /^[\x20-\x7e]*$/.test(v))) {
      const res = await sendRaw(port, { method: 'GET', target: `/v1/sessions/${sessionId}/events`, headers: [auth, ['Last-Event-ID', value]] });
      const body = expectCatalogBody(res, 'validation_error');
      expect(body['detail'], `Last-Event-ID: ${JSON.stringify(value)}`).toEqual([expect.objectContaining({ loc: ['header', 'last-event-id'] })]);
    }
    const ok = await sendRaw(port, { method: 'GET', target: `/v1/sessions/${sessionId}/events`, headers: [auth, ['Last-Event-ID', '12']] });
    expect(ok.status).toBe(200);
    expect(ok.streamed).toBe(true);
  });
});

describe('while the server closes', () => {
  it('answers a request that still arrives with 503 shutting_down, not Fastify\'s body', async () => {
    const s = await startTestServer({ warmContexts: 0 });
    try {
      const socket = connect({ host: '127.0.0.1', port: Number(new URL(s.url).port) });
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      // A request whose body is still on its way keeps the connection busy, so close() waits for it.
      const body = '{"x":1}';
      socket.write(`POST /v1/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.key}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n{`);
      await new Promise((r) => setTimeout(r, 100));
      const closing = s.server.app.close();
      await new Promise((r) => setTimeout(r, 100));
      // The rest of the first body, and a second request behind it on the same connection.
      socket.write(`${body.slice(1)}GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.key}\r\n\r\n`);
      await closed;
      await closing;
      const text = Buffer.concat(chunks).toString('utf8');
      const second = text.slice(text.indexOf('HTTP/1.1', 1));
      expect(second).toMatch(/^HTTP\/1\.1 503 /);
      expect(second).toMatch(/\r\nretry-after: 5\r\n/i);
      expect(JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4))).toEqual({ detail: expect.any(String), error: 'shutting_down', message: expect.any(String) });
    } finally {
      await s.close();
    }
  });
});

/** Two connected sockets on loopback; `server` is the accepted end. */
async function socketPair(): Promise<{ server: Socket; client: Socket; close(): void }> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
  const address = listener.address() as { port: number };
  const client = connect({ host: '127.0.0.1', port: address.port });
  const server = await accepted;
  return { server, client, close: () => listener.close() };
}
