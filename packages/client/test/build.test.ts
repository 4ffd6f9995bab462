import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../server/test/support/test-server.ts';

// `npm run build` makes dist/ a package of its own (dist/package.json) that plain Node loads both
// ways: require() gets dist/cjs, import() gets dist/esm, through its exports map, and both talk
// to a server. It is installed the way a dependency would be: node_modules/@steward/client → dist.
// The server here is a stub on loopback: what is under test is the built output, not the API.

const run = promisify(execFile);
const PACKAGE = join(REPO_ROOT, 'packages/client');

let stub: Server;
let url: string;
let consumer: string;
beforeAll(async () => {
  await run('npm', ['run', 'build'], { cwd: PACKAGE });
  consumer = mkdtempSync(join(tmpdir(), 'steward-client-consumer-'));
  mkdirSync(join(consumer, 'node_modules/@steward'), { recursive: true });
  symlinkSync(join(PACKAGE, 'dist'), join(consumer, 'node_modules/@steward/client'), 'dir');
  stub = createServer((req, res) => {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/v1/models' && req.headers.authorization === 'Bearer built-key') return json(200, { models: ['agi-0'] });
    json(404, { detail: 'Session not found.', error: 'session_not_found', message: 'Session not found.' });
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await new Promise((resolve) => stub?.close(resolve));
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

// Runs in a plain `node` in the consumer folder, where @steward/client resolves as a dependency would.
const SCRIPT = `
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/');
const loaded = { cjs: require('@steward/client'), esm: await import('@steward/client') };
const out = { resolved: { cjs: require.resolve('@steward/client'), esm: import.meta.resolve('@steward/client') }, distinct: loaded.cjs.Steward !== loaded.esm.Steward };
for (const [format, sdk] of Object.entries(loaded)) {
  const client = new sdk.Steward({ apiKey: 'built-key', baseUrl: process.env.STUB_URL, maxRetries: 0 });
  const models = await client.models.list();
  const error = await client.sessions.get('missing').catch((e) => ({ notFound: e instanceof sdk.NotFoundError, apiError: e instanceof sdk.APIError, code: e.code }));
  out[format] = { models, error };
}
console.log(JSON.stringify(out));
`;

describe('the built package', () => {
  it('emits ESM, CommonJS and declarations, dist/cjs marked as CommonJS, and its own manifest and docs', () => {
    for (const file of ['esm/index.js', 'esm/index.d.ts', 'cjs/index.js', 'cjs/index.d.ts', 'README.md', 'api.md']) expect(existsSync(join(PACKAGE, 'dist', file)), file).toBe(true);
    expect(JSON.parse(readFileSync(join(PACKAGE, 'dist/cjs/package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    const manifest = JSON.parse(readFileSync(join(PACKAGE, 'dist/package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: '@steward/client', exports: { '.': { import: { default: './esm/index.js' }, require: { default: './cjs/index.js' } } } });
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@steward/protocol', 'eventsource-parser']);
    expect(readFileSync(join(PACKAGE, 'dist/cjs/index.js'), 'utf8')).toContain('require("./client.js")');
  });

  it('loads with require() and import() in plain Node, and both builds work', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: consumer, env: { ...process.env, STUB_URL: url } });
    const out = JSON.parse(stdout);
    expect(out.resolved.cjs).toBe(join(PACKAGE, 'dist/cjs/index.js'));
    expect(out.resolved.esm).toBe(pathToFileURL(join(PACKAGE, 'dist/esm/index.js')).href);
    expect(out.distinct).toBe(true);
    for (const format of ['cjs', 'esm']) {
      expect(out[format]).toEqual({ models: { models: ['agi-0'] }, error: { notFound: true, apiError: true, code: 'session_not_found' } });
    }
  });
});
