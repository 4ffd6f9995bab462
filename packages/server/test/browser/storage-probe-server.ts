import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback site that writes and reads every kind of browser storage, for isolation tests:
 * `/write` stores a mark in cookies, localStorage, sessionStorage, IndexedDB, Cache Storage, a
 * service worker, the HTTP cache and a permission decision; `/read` reports what it finds as one line of text.
 * `cacheableHits` counts how often the HTTP-cacheable resource reached the server.
 */
export interface StorageProbeServer {
  url: string;
  cacheableHits(): number;
  close(): Promise<void>;
}

const WRITE = `
(async () => {
  document.cookie = 'probe=written; path=/; max-age=3600';
  localStorage.setItem('probe', 'written');
  sessionStorage.setItem('probe', 'written');
  await new Promise((resolve, reject) => {
    const open = indexedDB.open('probe', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('kv');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('kv', 'readwrite');
      tx.objectStore('kv').put('written', 'probe');
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  });
  const cache = await caches.open('probe');
  await cache.put('/probe-entry', new Response('written'));
  await navigator.serviceWorker.register('/sw.js');
  await fetch('/cacheable');
  // Headless Chromium answers a permission request with a denial that the context remembers.
  await Notification.requestPermission();
  document.body.textContent = 'write done';
})().catch((error) => { document.body.textContent = 'write failed: ' + error; });
`;

const READ = `
(async () => {
  const idb = await new Promise((resolve) => {
    let created = false;
    const open = indexedDB.open('probe');
    open.onupgradeneeded = () => { created = true; };
    open.onerror = () => resolve('error');
    open.onsuccess = () => {
      const db = open.result;
      if (created || !db.objectStoreNames.contains('kv')) { db.close(); resolve('none'); return; }
      const get = db.transaction('kv').objectStore('kv').get('probe');
      get.onsuccess = () => { db.close(); resolve(get.result ?? 'none'); };
      get.onerror = () => { db.close(); resolve('error'); };
    };
  });
  const cached = (await caches.has('probe')) ? 'written' : 'none';
  const workers = (await navigator.serviceWorker.getRegistrations()).length;
  const permission = (await navigator.permissions.query({ name: 'notifications' })).state;
  await fetch('/cacheable');
  const cookie = document.cookie.includes('probe=written') ? 'written' : 'none';
  document.body.textContent = [
    'cookie=' + cookie,
    'local=' + (localStorage.getItem('probe') ?? 'none'),
    'session=' + (sessionStorage.getItem('probe') ?? 'none'),
    'idb=' + idb,
    'cache=' + cached,
    'workers=' + workers,
    'notifications=' + permission,
    'read done',
  ].join(' ');
})().catch((error) => { document.body.textContent = 'read failed: ' + error; });
`;

export async function startStorageProbeServer(): Promise<StorageProbeServer> {
  let hits = 0;
  const page = (script: string): string => `<!doctype html><title>probe</title><body>working<script>${script}</script></body>`;
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/write' || path === '/read') {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' });
      res.end(page(path === '/write' ? WRITE : READ));
    } else if (path === '/cacheable') {
      hits++;
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'public, max-age=3600' });
      res.end('cacheable');
    } else if (path === '/sw.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end("self.addEventListener('fetch', () => undefined);");
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cacheableHits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
