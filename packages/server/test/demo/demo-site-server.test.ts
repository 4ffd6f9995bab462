import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoSiteServer } from '../../src/demo/index.ts';

const DEMO_DIR = fileURLToPath(new URL('../../src/demo/', import.meta.url));

/** A request with the path exactly as written: fetch and URL would resolve `..` before sending it. */
function raw(origin: string, method: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the bundled demo site', () => {
  const site = new DemoSiteServer();
  let origin: string;
  beforeAll(async () => {
    expect(site.origin()).toBeUndefined();
    origin = await site.start();
  });
  afterAll(async () => {
    await site.close();
  });

  it('listens on a loopback port of its own, once', async () => {
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await site.start()).toBe(origin);
    expect(site.origin()).toBe(origin);
  });

  it('serves its pages with their types and a policy that allows nothing from elsewhere', async () => {
    const home = await raw(origin, 'GET', '/');
    expect(home.status).toBe(200);
    expect(home.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(home.body).toContain('Larkspur Books');
    expect(home.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(home.headers['x-content-type-options']).toBe('nosniff');
    expect((await raw(origin, 'GET', '/search.html?q=science+fiction')).status).toBe(200);
    expect((await raw(origin, 'GET', '/shop.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    const head = await raw(origin, 'HEAD', '/styles.css');
    expect([head.status, head.body]).toEqual([200, '']);
  });

  it('never serves a file outside its folder, however the path is spelled', async () => {
    const secrets = ['demo-task.ts', 'demo-site-server.ts', 'demo-policy.mjs', 'index.ts'].map((name) => readFileSync(join(DEMO_DIR, name), 'utf8').slice(0, 60));
    for (const path of [
      '/../demo-task.ts',
      '/../../package.json',
      '/..%2fdemo-task.ts',
      '/%2e%2e/demo-policy.mjs',
      '/%2e%2e%2fdemo-site-server.ts',
      '/site/../index.ts',
      '/index.html/../../demo-task.ts',
      '/..\\demo-task.ts',
      '//etc/passwd',
      '/../../../../../../etc/passwd',
      '/index.html%00.js',
      '/.',
      '/..',
    ]) {
      const answer = await raw(origin, 'GET', path);
      expect(answer.status, path).toBe(404);
      for (const secret of secrets) expect(answer.body, path).not.toContain(secret);
      expect(answer.body, path).not.toMatch(/root:/);
    }
  });

  it('answers only GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const answer = await raw(origin, method, '/index.html');
      expect(answer.status, method).toBe(405);
      expect(answer.headers['allow']).toBe('GET, HEAD');
    }
  });
});

describe('a demo site folder', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'steward-demo-site-'));
    mkdirSync(join(dir, 'site', 'private'), { recursive: true });
    writeFileSync(join(dir, 'outside.txt'), 'outside the site');
    writeFileSync(join(dir, 'site', 'index.html'), '<h1>home</h1>');
    writeFileSync(join(dir, 'site', 'notes.md'), 'a type the site does not serve');
    writeFileSync(join(dir, 'site', 'private', 'secret.txt'), 'inside a subfolder');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives only its own plain files of known types, read at start', async () => {
    const site = new DemoSiteServer({ dir: join(dir, 'site') });
    const origin = await site.start();
    try {
      writeFileSync(join(dir, 'site', 'later.html'), 'added after the start');
      expect((await raw(origin, 'GET', '/index.html')).body).toBe('<h1>home</h1>');
      for (const path of ['/../outside.txt', '/private/secret.txt', '/private', '/notes.md', '/later.html']) {
        expect((await raw(origin, 'GET', path)).status, path).toBe(404);
      }
    } finally {
      await site.close();
    }
  });

  it('closes for good: no listener after close, and no restart', async () => {
    const site = new DemoSiteServer({ dir: join(dir, 'site') });
    const origin = await site.start();
    await site.close();
    expect(site.origin()).toBeUndefined();
    await expect(raw(origin, 'GET', '/')).rejects.toThrow(/ECONNREFUSED/);
    await expect(site.start()).rejects.toThrow(/closed/);
  });
});
