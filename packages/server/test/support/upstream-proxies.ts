import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect, createServer as createTcpServer, isIP, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * Loopback stand-ins for a session's upstream proxy: an HTTP CONNECT proxy and a SOCKS5 server.
 * Each counts the TCP connections it accepts, records the target every client asked for and the
 * credentials it sent, and connects only to loopback targets: a firewall bug shows up as a
 * recorded target, never as a packet leaving the machine.
 */
export interface RecordingProxy {
  port: number;
  /** `http://127.0.0.1:<port>` or `socks5://127.0.0.1:<port>`, without credentials. */
  url: string;
  readonly connections: number;
  /** Targets asked for, as sent (`127.0.0.1:8080`, `[::1]:80`, or a name for SOCKS domain requests). */
  readonly targets: string[];
  /** Credentials as received (decoded), one entry per request that carried some. */
  readonly credentials: { username: string; password: string }[];
  close(): Promise<void>;
}

export interface ProxyCredentials {
  username: string;
  password: string;
}

const isLoopback = (host: string): boolean => (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';

/** Splits `host:port` / `[v6]:port`. */
function splitAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(authority);
  return match === null ? undefined : { host: match[1] ?? '', port: Number(match[2]) };
}

/** The sockets a test proxy holds, so closing it can drop them; their errors are expected noise. */
function socketKeeper(): { sockets: Set<Duplex>; keep(socket: Duplex): void } {
  const sockets = new Set<Duplex>();
  return {
    sockets,
    keep(socket) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    },
  };
}

function listening(server: Server, sockets: Set<Duplex>, extra: { url: (port: number) => string; connections: () => number; targets: string[]; credentials: ProxyCredentials[] }): Promise<RecordingProxy> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('no address'));
        return;
      }
      resolve({
        port: address.port,
        url: extra.url(address.port),
        get connections() {
          return extra.connections();
        },
        targets: extra.targets,
        credentials: extra.credentials,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Relays bytes both ways until either side closes. */
function splice(a: Duplex, b: Duplex): void {
  a.pipe(b);
  b.pipe(a);
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
}

/** An HTTP proxy that serves CONNECT only (absolute-form requests get 405 and are recorded as such). */
export async function startHttpConnectProxy(options: { credentials?: ProxyCredentials | undefined } = {}): Promise<RecordingProxy> {
  const server = createHttpServer();
  const { sockets, keep } = socketKeeper();
  const targets: string[] = [];
  const credentials: ProxyCredentials[] = [];
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections++;
    keep(socket);
  });
  server.on('request', (req: IncomingMessage, res) => {
    targets.push(`absolute-form ${req.url ?? ''}`);
    res.writeHead(405, { connection: 'close' }).end('CONNECT only');
  });
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    keep(client);
    const authority = req.url ?? '';
    targets.push(authority);
    const auth = /^Basic (.+)$/i.exec(req.headers['proxy-authorization'] ?? '');
    if (auth !== null) {
      const decoded = Buffer.from(auth[1] ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      credentials.push({ username: decoded.slice(0, colon), password: decoded.slice(colon + 1) });
    }
    const expected = options.credentials;
    const last = credentials.at(-1);
    if (expected !== undefined && (auth === null || last?.username !== expected.username || last.password !== expected.password)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic realm="test"\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    const target = splitAuthority(authority);
    if (target === undefined || !isLoopback(target.host)) {
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    const upstream = connect({ host: target.host, port: target.port });
    keep(upstream);
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      splice(client, upstream);
    });
    upstream.once('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'));
  });
  return listening(server, sockets, { url: (port) => `http://127.0.0.1:${port}`, connections: () => connections, targets, credentials });
}

/** Reads exact byte counts from a socket (the SOCKS handshake is a few fixed-size fields). */
class ByteReader {
  #buffer = Buffer.alloc(0);
  #wanted: { length: number; resolve: (bytes: Buffer) => void; reject: (error: Error) => void } | undefined;

  constructor(private readonly socket: Socket) {
    socket.on('data', this.#onData);
    socket.on('close', () => this.#wanted?.reject(new Error('closed')));
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    this.#serve();
  };

  #serve(): void {
    if (this.#wanted === undefined || this.#buffer.length < this.#wanted.length) return;
    const { length, resolve } = this.#wanted;
    this.#wanted = undefined;
    const bytes = this.#buffer.subarray(0, length);
    this.#buffer = this.#buffer.subarray(length);
    resolve(bytes);
  }

  read(length: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.#wanted = { length, resolve, reject };
      this.#serve();
    });
  }

  /** Stops reading and returns what arrived past the handshake. */
  release(): Buffer {
    this.socket.off('data', this.#onData);
    return this.#buffer;
  }
}

/** A SOCKS5 server (RFC 1928, CONNECT only; RFC 1929 username/password when `credentials` is set). */
export async function startSocks5Proxy(options: { credentials?: ProxyCredentials | undefined } = {}): Promise<RecordingProxy> {
  const { sockets, keep } = socketKeeper();
  const targets: string[] = [];
  const credentials: ProxyCredentials[] = [];
  let connections = 0;

  async function handshake(client: Socket): Promise<void> {
    const reader = new ByteReader(client);
    const [version, methodCount] = await reader.read(2);
    if (version !== 5) throw new Error('not SOCKS5');
    const methods = [...(await reader.read(methodCount ?? 0))];
    const method = options.credentials === undefined ? 0x00 : 0x02;
    if (!methods.includes(method)) {
      client.end(Buffer.from([5, 0xff]));
      return;
    }
    client.write(Buffer.from([5, method]));
    if (method === 0x02) {
      const [, userLength] = await reader.read(2);
      const username = (await reader.read(userLength ?? 0)).toString('utf8');
      const [passLength] = await reader.read(1);
      const password = (await reader.read(passLength ?? 0)).toString('utf8');
      credentials.push({ username, password });
      const ok = username === options.credentials?.username && password === options.credentials.password;
      if (!ok) {
        client.end(Buffer.from([1, 1]));
        return;
      }
      client.write(Buffer.from([1, 0]));
    }
    const [, command, , addressType] = await reader.read(4);
    let host: string;
    if (addressType === 1) host = [...(await reader.read(4))].join('.');
    else if (addressType === 4) host = ((await reader.read(16)).toString('hex').match(/.{4}/g) ?? []).map((group) => group.replace(/^0+(?=.)/, '')).join(':');
    else host = (await reader.read((await reader.read(1))[0] ?? 0)).toString('utf8');
    const port = (await reader.read(2)).readUInt16BE(0);
    targets.push(addressType === 4 ? `[${host}]:${port}` : `${host}:${port}`);
    const reply = (status: number): Buffer => Buffer.from([5, status, 0, 1, 0, 0, 0, 0, 0, 0]);
    // Only loopback IPs are ever connected to; a name (remote DNS) is refused: the firewall must never send one.
    const loopback = addressType === 4 ? host === '0:0:0:0:0:0:0:1' : addressType === 1 && isLoopback(host);
    if (command !== 1 || !loopback) {
      client.end(reply(0x02));
      return;
    }
    const upstream = connect({ host: addressType === 4 ? '::1' : host, port });
    keep(upstream);
    upstream.once('connect', () => {
      client.write(reply(0x00));
      const rest = reader.release();
      if (rest.length > 0) upstream.write(rest);
      splice(client, upstream);
    });
    upstream.once('error', () => client.end(reply(0x05)));
  }

  const server = createTcpServer((client) => {
    connections++;
    keep(client);
    handshake(client).catch(() => client.destroy());
  });
  return listening(server, sockets, { url: (port) => `socks5://127.0.0.1:${port}`, connections: () => connections, targets, credentials });
}
