import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SITE_DIR = fileURLToPath(new URL('./site/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

// The site needs nothing from elsewhere; a page that asked for more would be a bug to see, not to serve.
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

interface SiteFile {
  body: Buffer;
  type: string;
}

export interface DemoSiteServerOptions {
  /** The folder served (default: `site/` beside this file). Only its files, read once at start. */
  dir?: string | undefined;
}

/**
 * Larkspur Books, the demo shop, on a loopback listener of its own: 127.0.0.1 and a port chosen
 * when it starts, never the API's, so a demo browser allowed to reach it reaches nothing else of
 * the server. It serves the files of its folder as they were when it started, by exact name from a
 * table made then: a request path is a key in that table or a 404, never a path on disk, so no
 * spelling of `..` can reach another file. GET and HEAD only.
 */
export class DemoSiteServer {
  readonly #dir: string;
  #starting: Promise<string> | undefined;
  #server: Server | undefined;
  #origin: string | undefined;
  #closed = false;

  constructor(options: DemoSiteServerOptions = {}) {
    this.#dir = options.dir ?? SITE_DIR;
  }

  /** Starts listening on the first call; resolves with the origin (`http://127.0.0.1:<port>`). */
  start(): Promise<string> {
    if (this.#closed) return Promise.reject(new Error('The demo site is closed'));
    this.#starting ??= this.#listen().catch((error: unknown) => {
      // A failed start (the folder unreadable, no port) may be tried again by the next demo.
      this.#starting = undefined;
      throw error;
    });
    return this.#starting;
  }

  /** The origin once the site listens; undefined before `start` resolved and after `close`. */
  origin(): string | undefined {
    return this.#origin;
  }

  /** Stops listening and drops open connections. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#origin = undefined;
    await this.#starting?.catch(() => undefined);
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  async #listen(): Promise<string> {
    const files = await readSite(this.#dir);
    const server = createServer((request, response) => serve(files, request, response));
    // A browser that drops a connection is routine; it must never reach the process.
    server.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (this.#closed) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw new Error('The demo site is closed');
    }
    this.#server = server;
    this.#origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.#origin;
  }
}

/** `/name` → the file, for the plain files directly in `dir` whose type the site serves. */
async function readSite(dir: string): Promise<ReadonlyMap<string, SiteFile>> {
  const files = new Map<string, SiteFile>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const type = CONTENT_TYPES[extname(entry.name)];
    if (!entry.isFile() || type === undefined) continue;
    files.set(`/${entry.name}`, { body: await readFile(join(dir, entry.name)), type });
  }
  if (!files.has('/index.html')) throw new Error(`The demo site in ${dir} has no index.html`);
  return files;
}

function serve(files: ReadonlyMap<string, SiteFile>, request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    answer(response, 405, 'Only GET and HEAD are served here.', { allow: 'GET, HEAD' });
    return;
  }
  // The path as sent, query left off, not decoded and not normalised: a key, not a file name.
  const path = (request.url ?? '').split('?', 1)[0] ?? '';
  const file = files.get(path === '/' ? '/index.html' : path);
  if (file === undefined) {
    answer(response, 404, 'Not found.');
    return;
  }
  response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.type, 'content-length': file.body.length });
  response.end(request.method === 'HEAD' ? undefined : file.body);
}

function answer(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const body = Buffer.from(`${text}\n`);
  response.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
  response.end(body);
}
