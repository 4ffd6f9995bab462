import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback server for pages written inside a test: a second origin beside the fixture server. */
export interface PagesServer {
  url: string;
  close(): Promise<void>;
}

/** A page is its HTML, or its HTML with a delay before the server answers (a slow frame). */
export type PageSource = string | { html: string; delayMs: number };

export async function startPagesServer(pages: Record<string, PageSource>): Promise<PagesServer> {
  const server = createServer((req, res) => {
    const page = pages[new URL(req.url ?? '/', 'http://x').pathname];
    const answer = (): void => {
      const body = typeof page === 'string' ? page : page?.html;
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body ?? 'not found');
    };
    if (typeof page === 'object') setTimeout(answer, page.delayMs).unref();
    else answer();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
